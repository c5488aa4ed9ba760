"""Respondent responses through the API: staff send a case to its respondent; a respondent
lists and answers its requests; the complainant gives feedback on the answer and says
whether a remedy happened (remedy/responses/api.py)."""

from remedy.api.openapi.components import (
    BOOLEAN,
    COMPLAINANT,
    DATE,
    DATETIME,
    INTEGER,
    PAGE_PARAMETERS,
    RESPONDENT,
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
    ref,
)
from remedy.core.vocabulary import REMEDIES
from remedy.responses import domain

TAGS = ["respondent responses"]

ANSWER = obj({
    "id": INTEGER,
    "category": enum(domain.CATEGORIES),
    "explanation": TEXT, "human_review": TEXT, "data_used": TEXT, "remedy_offered": TEXT,
    "remedy_types": array(STRING),
    "remedy_due_on": nullable(DATE),
    "extra_answer": TEXT,
    "public_response": TEXT,
    "final_due": nullable({**DATE, "description": "For `in_progress`: when the final answer "
                                                  "will come."}),
    "suggested_respondent": TEXT,
    "submitted_at": DATETIME,
    "timely": BOOLEAN,
    "feedback": nullable(obj({"satisfied": nullable(BOOLEAN), "comment": TEXT,
                              "at": DATETIME})),
    "feedback_due_on": nullable(DATE),
    "documents": array(obj({"id": INTEGER, "name": STRING, "media_type": STRING,
                            "size": INTEGER}), description="Staff only."),
}, optional=("documents",), description="A respondent's answer.")

PACKET = {"type": "object", "description": "What the respondent is shown of the case: the "
          "complainant's own words and name only with their consent (`identity`), otherwise "
          "the caseworker's summary.",
          "properties": {"questions": array(STRING), "summary": TEXT,
                         "identity": nullable({"type": "object"})}}

REQUEST = obj({
    "id": INTEGER,
    "status": enum(domain.REQUEST_STATUSES),
    "organisation": obj({"slug": STRING, "name": STRING}),
    "respondent": obj({"id": INTEGER, "name": STRING}),
    "sent_at": DATETIME,
    "questions": array(enum(domain.QUESTIONS)),
    "extra_question": TEXT,
    "clocks": obj({"initial_due_on": DATE, "final_due_on": DATE,
                   "initial_timely": nullable(BOOLEAN), "final_timely": nullable(BOOLEAN)}),
    "link_expires_at": DATETIME,
    "complaint": PACKET,
    "responses": array(ref("RespondentAnswer")),
    "case_id": INTEGER, "sent_to": STRING, "revoked_at": nullable(DATETIME),
    "access_link": {"type": "string", "description": "Once, in the answer that sent it."},
}, optional=("case_id", "sent_to", "revoked_at", "access_link"),
    description="A case sent to its respondent, with its questions and clocks. `case_id`, "
                "`sent_to` and `revoked_at` are for staff.")

_TEXT = {"type": "string", "maxLength": domain.LONG_TEXT}
ANSWER_FIELDS = {
    "category": enum(domain.CATEGORIES, "A final answer answers every question asked; relief "
                     "names what is offered; `in_progress` gives `final_due`; "
                     "`wrong_respondent` gives `suggested_respondent`."),
    "explanation": nullable(_TEXT), "human_review": nullable(_TEXT),
    "data_used": nullable(_TEXT), "remedy_offered": nullable(_TEXT),
    "remedy_types": array(enum(REMEDIES)),
    "remedy_due_on": nullable(DATE),
    "extra_answer": nullable(_TEXT),
    "public_response": nullable({"type": "string", "maxLength": domain.SHORT_TEXT}),
    "final_due": nullable(DATE),
    "suggested_respondent": nullable({"type": "string", "maxLength": 300}),
}
ANSWER_INPUT = obj(ANSWER_FIELDS, required=["category"])
ANSWER_FORM = obj({**ANSWER_FIELDS,
                   "documents": array({"type": "string", "format": "binary"})},
                  required=["category"])

SCHEMAS = {"RespondentAnswer": ANSWER, "RespondentRequest": REQUEST,
           "RespondentAnswerInput": ANSWER_INPUT}

REFERENCE = {"name": "reference", "in": "path", "required": True,
             "description": "The complaint's reference.", "schema": {"type": "string",
                                                                     "minLength": 1}}
REQUEST_ID = path_id("request_id", "a request sent to this respondent")
CASE_ID = path_id("case_id", "a case of the token's organisation")

PATHS = {
    "/api/v1/cases/{case_id}/respondent-requests": {
        "parameters": [CASE_ID],
        "post": operation(
            "send_respondent_request", "Send a case to its respondent", tags=TAGS,
            security=STAFF_WRITE,
            description="The respondent gets an email with an access link and the questions. "
                        "Without the complainant's consent to share, the respondent reads "
                        "`summary` instead of the complainant's words (so it is required "
                        "then). `?preview=1` shows what would be sent, sending nothing.",
            parameters=[{**ref("Preview", "parameters")}, ref("IdempotencyKey", "parameters")],
            request_body=body(obj({
                "questions": array(enum(domain.QUESTIONS), minItems=1),
                "extra_question": nullable({"type": "string",
                                            "maxLength": domain.SHORT_TEXT}),
                "summary": nullable({"type": "string", "maxLength": domain.SHORT_TEXT}),
                "target": enum(domain.TARGETS, "Whom to ask; `deployer` by default."),
            }, required=["questions"])),
            responses={
                "200": answer("The preview: nothing was sent.", obj({
                    "respondent": obj({"id": INTEGER, "name": STRING,
                                       "contact_email": STRING}),
                    "complaint": PACKET})),
                "201": answer("Sent: the request, its clocks and (once) the access link.",
                              ref("RespondentRequest"), headers={
                                  "Cache-Control": ref("NoStore", "headers"),
                                  "Idempotent-Replayed": ref("IdempotentReplayed", "headers")}),
                **errors(400, 404, 409, 413, 422)}),
        "get": operation(
            "list_case_respondent_requests", "The requests sent about a case", tags=TAGS,
            security=STAFF_READ,
            responses={"200": answer("All of them, on one page.",
                                     list_of(ref("RespondentRequest"))),
                       **errors(404)})},
    "/api/v1/respondent/requests": {"get": operation(
        "respondent_requests", "The requests sent to this respondent", tags=TAGS,
        security=RESPONDENT, description="Newest first. An access link's token sees its own "
                                         "request only.",
        parameters=PAGE_PARAMETERS,
        responses={"200": answer("A page of requests.", list_of(ref("RespondentRequest"))),
                   **errors(422)})},
    "/api/v1/respondent/requests/{request_id}": {
        "parameters": [REQUEST_ID],
        "get": operation("respondent_request", "One request", tags=TAGS, security=RESPONDENT,
                         responses={"200": answer("The request.", ref("RespondentRequest")),
                                    **errors(404)})},
    "/api/v1/respondent/requests/{request_id}/response": {
        "parameters": [REQUEST_ID],
        "post": operation(
            "respond", "Answer a request", tags=TAGS, security=RESPONDENT,
            description="JSON, or the same fields as multipart/form-data with files in "
                        "`documents`; checked whole before any file is kept. An `in_progress` "
                        "answer may be followed by a final one; a final answer settles the "
                        "request (another is a 409).",
            parameters=[ref("IdempotencyKey", "parameters")],
            request_body=body(ref("RespondentAnswerInput"), multipart={
                "schema": ANSWER_FORM,
                "encoding": {"documents": {"contentType": "application/octet-stream"}}}),
            responses={"201": answer("Answered.", ref("RespondentAnswer"), headers={
                "Idempotent-Replayed": ref("IdempotentReplayed", "headers")}),
                **errors(400, 404, 409, 413, 422)})},
    "/api/v1/complaints/{reference}/feedback": {
        "parameters": [REFERENCE],
        "post": operation(
            "give_feedback", "Say whether the respondent's answer resolves the matter",
            tags=TAGS, security=COMPLAINANT,
            description="Once per final answer, within the organisation's window; if not "
                        "satisfied, say why in `comment`. Without an answer waiting for it: "
                        "409.",
            request_body=body(obj({
                "satisfied": BOOLEAN,
                "comment": nullable({"type": "string", "maxLength": domain.SHORT_TEXT}),
                "response_id": {"type": "integer", "minimum": 1,
                                "description": "Which answer (the latest by default)."},
            }, required=["satisfied"])),
            responses={"201": answer("The answer, with the feedback.", ref("RespondentAnswer")),
                       **errors(400, 409, 413, 422)})},
    "/api/v1/complaints/{reference}/remedies/{remedy_id}/check": {
        "parameters": [REFERENCE, path_id("remedy_id", "a remedy the complainant is asked "
                                                       "about (`remedy_checks`)")],
        "post": operation(
            "remedy_check", "Say whether a remedy happened", tags=TAGS, security=COMPLAINANT,
            request_body=body(obj({
                "happened": BOOLEAN,
                "comment": nullable({"type": "string", "maxLength": domain.SHORT_TEXT}),
            }, required=["happened"])),
            responses={"201": answer("Recorded.", obj({
                "id": INTEGER, "type": STRING, "status": STRING,
                "happened": nullable(BOOLEAN), "comment": TEXT})),
                **errors(400, 404, 413, 422)})},
}
