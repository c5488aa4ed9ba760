"""The OpenAPI description of the published stories (remedy/narratives/api.py), for the
API's document (`remedy.api.openapi` reads a part named `narratives`)."""

from remedy.api.openapi.components import (
    ANYONE,
    PAGE_PARAMETERS,
    STRING,
    answer,
    array,
    enum,
    errors,
    list_of,
    nullable,
    obj,
    operation,
    ref,
)
from remedy.core.vocabulary import FILER_TYPES, RIGHTS_DIMENSIONS, SECTORS

STORY = obj({
    "text": {"type": "string", "description": "The story, scrubbed and checked by a caseworker: "
                                              "what could identify someone reads XXXX."},
    "language": nullable({"type": "string", "description": "BCP 47"}),
    "sector": nullable(enum(SECTORS)),
    "rights_dimensions": array(enum(RIGHTS_DIMENSIONS)),
    "filer_type": nullable(enum(FILER_TYPES)),
    "published": {"type": "string", "pattern": r"^[0-9]{4}-[0-9]{2}$",
                  "description": "The month it was published (never the day)."},
}, description="A complainant's story, published with their consent.")

SCHEMAS = {"PublishedStory": STORY}

PATHS = {
    "/api/v1/observatory/narratives": {"get": operation(
        "observatory_narratives", "Complainants' stories, published with their consent",
        tags=["observatory"], security=ANYONE,
        description="Newest first. Only stories whose complainant consented, scrubbed and "
                    "reviewed; a story is gone from here as soon as the consent is withdrawn. "
                    "No country, no date of the harm, no respondent. Cacheable for 5 minutes.",
        parameters=[*PAGE_PARAMETERS],
        responses={"200": answer("A page of stories.", list_of(ref("PublishedStory")),
                                 headers={"Cache-Control": {"schema": STRING}}),
                   **errors(422)})},
}
