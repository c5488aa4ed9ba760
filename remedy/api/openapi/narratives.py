"""Published stories of complainants, as open data (remedy/narratives/api.py)."""

from remedy.api.openapi.components import (
    ANYONE,
    PAGE_PARAMETERS,
    STRING,
    TEXT,
    answer,
    array,
    errors,
    list_of,
    obj,
    operation,
    ref,
)

STORY = obj({
    "text": TEXT,
    "language": TEXT,
    "sector": TEXT,
    "rights_dimensions": array(STRING),
    "filer_type": TEXT,
    "published": {"type": ["string", "null"], "pattern": "^[0-9]{4}-[0-9]{2}$",
                  "description": "The month it was published (never the day)."},
}, description="A complainant's story, published with their consent after it was scrubbed "
               "of what could identify anyone: its words and public facets, nothing else.")

SCHEMAS = {"PublishedStory": STORY}

PATHS = {
    "/api/v1/observatory/narratives": {"get": operation(
        "observatory_narratives", "Published stories", tags=["observatory"], security=ANYONE,
        description="Newest first. Cacheable for 5 minutes.",
        parameters=PAGE_PARAMETERS,
        responses={"200": answer("A page of stories.", list_of(ref("PublishedStory")),
                                 headers={"Cache-Control": {"schema": STRING}}),
                   **errors(422)})},
}
