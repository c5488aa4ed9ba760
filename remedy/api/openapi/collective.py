"""Collective claims through the API: a case's suggestions (with scores and reasons),
deciding one, and the claims with their members (remedy/collective/api.py)."""

from remedy.api.openapi.components import (
    BOOLEAN,
    DATE,
    DATETIME,
    INTEGER,
    NUMBER,
    PAGE_PARAMETERS,
    STAFF_READ,
    STAFF_WRITE,
    STRING,
    TEXT,
    answer,
    array,
    enum,
    errors,
    list_of,
    nullable,
    obj,
    operation,
    path_id,
    ref,
)
from remedy.collective import domain

TAGS = ["collective claims"]

SUGGESTION = obj({
    "id": INTEGER,
    "kind": enum(("claim", "complaint", "duplicate"),
                 "Join a claim, group with another complaint, or the same complaint twice."),
    "score": {"type": "number", "minimum": 0},
    "target": {"oneOf": [
        obj({"type": enum(("collective_claim",)), "id": INTEGER, "title": TEXT}),
        obj({"type": enum(("complaint",)), "reference": TEXT, "case_id": nullable(INTEGER)}),
    ]},
    "reasons": array(ref("Reason")),
}, description="A candidate to group this case's complaint with.")

MEMBER = obj({
    "id": INTEGER,
    "status": enum(domain.MEMBER_STATUSES),
    "score": nullable(NUMBER),
    "reasons": array(ref("Reason")),
    "complainant_country": STRING, "sector": STRING, "filer_type": STRING,
    "affected_people": {"type": "integer", "minimum": 1},
    "complaint": obj({"reference": STRING, "title": STRING, "case_id": nullable(INTEGER)},
                     description="Only once its complainant has joined."),
}, optional=("complaint",))

CLAIM = obj({
    "id": INTEGER, "title": STRING,
    "ai_system": nullable(obj({"id": INTEGER})),
    "harm": TEXT,
    "representative": TEXT,
    "case": nullable(obj({"id": INTEGER, "state": STRING})),
    "created_at": DATETIME,
    "indicators": obj({
        "complaints": INTEGER, "affected_people": INTEGER, "countries": array(STRING),
        "first_on": nullable(DATE), "last_on": nullable(DATE), "span_days": INTEGER,
        "sectors": array(STRING), "vulnerable_groups": BOOLEAN}),
    "members_by_status": obj({status: INTEGER for status in domain.MEMBER_STATUSES}),
    "members": array(ref("ClaimMember"), description="In the answer about one claim."),
}, optional=("members",))

SCHEMAS = {"Suggestion": SUGGESTION, "ClaimMember": MEMBER, "CollectiveClaim": CLAIM}

PATHS = {
    "/api/v1/cases/{case_id}/collective-suggestions": {
        "parameters": [path_id("case_id", "a case of the token's organisation")],
        "get": operation(
            "collective_suggestions", "Candidates to group a case with", tags=TAGS,
            security=STAFF_READ,
            description="Open suggestions of the matching engine, best first, each with a "
                        "score and reasons. All on one page.",
            responses={"200": answer("The suggestions.", list_of(ref("Suggestion"))),
                       **errors(404)})},
    "/api/v1/collective-suggestions/{suggestion_id}/{decision}": {
        "parameters": [path_id("suggestion_id", "an open suggestion"),
                       {"name": "decision", "in": "path", "required": True,
                        "schema": enum(("confirm", "reject"))}],
        "post": operation(
            "decide_suggestion", "Confirm or reject a suggestion", tags=TAGS,
            security=STAFF_WRITE,
            description="`confirm`: the complaint joins the claim, the two complaints are "
                        "grouped into a claim, or (a duplicate) the newer case is closed. "
                        "`reject`: this pair is never suggested again.",
            responses={"200": answer("Decided.", {"oneOf": [
                obj({"id": INTEGER, "status": enum(("rejected",))}),
                obj({"status": enum(("confirmed",)),
                     "collective_claim": ref("CollectiveClaim")}),
                obj({"status": enum(("confirmed",)),
                     "duplicate_case": obj({"id": INTEGER, "state": STRING})}),
            ]}), **errors(404, 409)})},
    "/api/v1/collective-claims": {"get": operation(
        "list_claims", "The organisation's collective claims", tags=TAGS, security=STAFF_READ,
        description="Newest first.",
        parameters=PAGE_PARAMETERS,
        responses={"200": answer("A page of claims.", list_of(ref("CollectiveClaim"))),
                   **errors(422)})},
    "/api/v1/collective-claims/{claim_id}": {
        "parameters": [path_id("claim_id", "a collective claim of the token's organisation")],
        "get": operation(
            "read_claim", "One collective claim, with its members", tags=TAGS,
            security=STAFF_READ,
            responses={"200": answer("The claim.", ref("CollectiveClaim")), **errors(404)})},
}
