"""The registry of respondents and AI systems through the API (remedy/registry/api.py)."""

from remedy.api.openapi.components import (
    BOOLEAN,
    INTEGER,
    PAGE_PARAMETERS,
    STAFF_READ,
    STAFF_WRITE,
    STRING,
    TEXT,
    answer,
    array,
    body,
    enum,
    errors,
    list_of,
    nullable,
    obj,
    operation,
    path_id,
    query,
    ref,
)
from remedy.registry.domain import KINDS

TAGS = ["registry"]

RESPONDENT = obj({
    "id": INTEGER, "name": STRING, "kind": enum(KINDS),
    "main_establishment_country": TEXT,
    "is_public_authority": BOOLEAN,
    "contact_email": TEXT,
    "aliases": array(STRING),
    "ai_systems": array(obj({"id": INTEGER, "name": STRING, "aliases": array(STRING)}),
                        description="The AI systems it provides."),
}, description="A respondent (a deployer or provider of AI systems) with its aliases.")

CORRECTION = obj({
    "main_establishment_country": nullable({"type": "string", "pattern": "^[A-Za-z]{2}$"}),
    "is_public_authority": BOOLEAN,
    "aliases": array({"type": "string", "minLength": 2, "maxLength": 200}, maxItems=50,
                     description="Replaces the old list. A name that belongs to another "
                                 "respondent is a 409."),
    "contact_email": nullable({"type": "string", "format": "email"}),
    "kind": enum(KINDS, "`deployer` (uses the system) or `provider` (builds it)."),
}, required=[], closed=True, description="Only the fields given change.")

SCHEMAS = {"Respondent": RESPONDENT, "RespondentCorrection": CORRECTION}

PATHS = {
    "/api/v1/registry/respondents": {"get": operation(
        "list_respondents", "Search respondents", tags=TAGS, security=STAFF_READ,
        parameters=[query("q", STRING, "Part of a name or alias."), *PAGE_PARAMETERS],
        responses={"200": answer("A page of respondents, by name.", list_of(ref("Respondent"))),
                   **errors(422)})},
    "/api/v1/registry/respondents/{respondent_id}": {
        "parameters": [path_id("respondent_id", "a respondent")],
        "patch": operation(
            "correct_respondent", "Correct a respondent", tags=TAGS, security=STAFF_WRITE,
            min_role="supervisor",
            request_body=body(ref("RespondentCorrection")),
            responses={"200": answer("The respondent, corrected.", ref("Respondent")),
                       **errors(400, 404, 409, 413, 422)})},
}
