"""Casework through the API: the queue with its filters, one case, and workflow transitions
(remedy/cases/api.py)."""

from remedy.api.openapi.components import (
    BOOLEAN,
    DATE,
    DATETIME,
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
from remedy.cases import domain, queries
from remedy.core.vocabulary import FILER_TYPES, RIGHTS_DIMENSIONS, SECTORS

TAGS = ["cases"]
FLAG = {"type": "string", "enum": ["1", "0", "true", "false", "yes", "no"]}

CASE_SUMMARY = obj({
    "id": INTEGER,
    "reference": nullable({"type": "string", "description": "The complaint's reference "
                                                            "(none for a collective claim's "
                                                            "or a referred-in case)."}),
    "title": TEXT,
    "state": enum(domain.STATES),
    "priority": {"type": "integer", "enum": [1, 2, 3], "description": "1 urgent, 2 normal, "
                                                                       "3 low"},
    "assignee": nullable(obj({"id": INTEGER, "email": STRING})),
    "opened_at": DATETIME,
    "next_due_on": nullable(DATE),
    "pending_state": nullable(enum(domain.STATES, "A closing step waiting for a "
                                                  "supervisor's approval.")),
    "attention": nullable(obj({"reason": STRING, "since": nullable(DATETIME)})),
    "respondent_due_on": nullable(DATE),
    "sector": TEXT,
    "rights_dimensions": array(STRING),
    "complainant_country": TEXT,
    "filer_type": TEXT,
}, description="A case as the queue lists it.")

CASE = {"allOf": [ref("CaseSummary"), obj({
    "complaints": array(obj({
        "reference": STRING, "title": STRING, "narrative": STRING, "language": STRING,
        "ai_system_as_named": STRING, "deployer_as_named": TEXT, "provider_as_named": TEXT,
        "evidence": array(obj({"id": INTEGER, "name": STRING, "media_type": STRING,
                               "size": INTEGER})),
    })),
    "respondent": nullable(ref("RegistryEntry")),
    "provider": nullable(ref("RegistryEntry")),
    "ai_system": nullable(ref("RegistryEntry")),
    "deadlines": array(obj({"name": STRING, "started_on": DATE, "due_on": DATE,
                            "paused_since": nullable(DATE), "stopped_on": nullable(DATE)})),
    "allowed_transitions": array(enum(domain.STATES),
                                 description="The states this user may move the case to."),
    "decisions": array(obj({"from": STRING, "to": STRING, "reason": TEXT, "at": DATETIME})),
    "timeline": array(ref("ComplaintEvent")),
    "notes": array(obj({"body": STRING, "author": TEXT, "at": DATETIME})),
    "remedies": array(obj({
        "id": INTEGER, "type": STRING, "status": STRING, "due_on": nullable(DATE),
        "follow_up": TEXT, "offered_by": STRING, "complainant_says_done": nullable(BOOLEAN),
    })),
})], "description": "One case: its complaint(s), the registry entries they were resolved "
                    "to, state, deadlines, timeline and remedies."}

SCHEMAS = {
    "CaseSummary": CASE_SUMMARY,
    "Case": CASE,
    "RegistryEntry": obj({"id": INTEGER, "name": STRING}),
    "Reason": {"type": "object", "required": ["code", "text"],
               "properties": {"code": STRING, "text": STRING},
               "description": "Why: a code, the values it names, and the sentence in the "
                              "reader's language."},
}

CASE_ID = path_id("case_id", "a case of the token's organisation")

QUEUE_FILTERS = [
    query("state", {"type": "array", "items": enum(domain.STATES)},
          "Only cases in these states (repeat, or separate with commas); with it, closed "
          "cases are included."),
    query("sector", enum(SECTORS), "Only this sector."),
    query("rights_dimension", enum(RIGHTS_DIMENSIONS), "Only cases touching this right."),
    query("country", {"type": "string", "pattern": "^[A-Za-z]{2}$"},
          "Only complainants of this country (ISO 3166-1 alpha-2)."),
    query("filer_type", enum(FILER_TYPES), "Only this kind of filer."),
    query("assignee", {"type": "string", "pattern": "^(me|none|[1-9][0-9]{0,9})$"},
          "`me`, `none` (unassigned) or a user's id."),
    query("overdue", FLAG, "`1`: only cases past a deadline."),
    query("collective", FLAG, "`1`: only complaints for many people, collective claims and "
                              "their members; `0`: only the others."),
    query("attention", FLAG, "`1`: only cases something happened on that nobody has seen."),
    query("respondent", enum(("waiting", "late")),
          "`waiting`: an answer of the respondent is awaited; `late`: and overdue."),
    query("include_closed", FLAG, "`1`: closed cases too (without `state`)."),
    query("q", {"type": "string", "maxLength": 200}, "Full-text search of titles and "
                                                     "narratives."),
    query("sort", enum(queries.SORTS), "The order; `deadline` by default."),
    *PAGE_PARAMETERS,
]

PATHS = {
    "/api/v1/cases": {"get": operation(
        "list_cases", "The organisation's cases (the queue)", tags=TAGS, security=STAFF_READ,
        parameters=QUEUE_FILTERS,
        responses={"200": answer("A page of cases.", list_of(ref("CaseSummary"), extra={
            "total_capped": {"type": "boolean", "description": "Present (true) when a text "
                             "search counted only up to a cap."}})),
                   **errors(422)})},
    "/api/v1/cases/{case_id}": {
        "parameters": [CASE_ID],
        "get": operation("read_case", "One case", tags=TAGS, security=STAFF_READ,
                         responses={"200": answer("The case.", ref("Case")), **errors(404)})},
    "/api/v1/cases/{case_id}/transitions": {
        "parameters": [CASE_ID],
        "post": operation(
            "transition_case", "Move a case to another state", tags=TAGS,
            security=STAFF_WRITE,
            description="A step the workflow does not allow (for this state or role) is a "
                        "409 `transition_not_allowed` listing the `allowed` targets. A "
                        "closing step by a caseworker may wait for a supervisor "
                        "(`pending_state`).",
            request_body=body(obj({
                "to": enum(domain.STATES),
                "reason": nullable({"type": "string", "maxLength": 5000,
                                    "description": "Required by some steps."}),
                "other_bodies": nullable({"type": "string", "maxLength": 5000,
                                          "description": "For `inadmissible`: where the "
                                          "complainant may turn instead."}),
            }, required=["to"])),
            responses={"200": answer("The case, moved.", ref("Case")),
                       **errors(400, 404, 409, 413, 422)})},
}
