"""The complainant's part of the API: filing a complaint, and following and changing it
with its reference and secret (remedy/intake/api.py). The respondent's answers that a
complaint's JSON carries are described in `responses`."""

from remedy.api.openapi.components import (
    ANYONE,
    BOOLEAN,
    COMPLAINANT,
    DATE,
    DATETIME,
    INTEGER,
    STAFF_READ,
    STAFF_WRITE,
    STRING,
    TEXT,
    answer,
    array,
    body,
    enum,
    errors,
    nullable,
    obj,
    operation,
    ref,
)
from remedy.core.vocabulary import (
    CONSENTS,
    FILER_TYPES,
    GROUNDS,
    REMEDIES,
    RIGHTS_DIMENSIONS,
    SECTORS,
    STATES,
)
from remedy.intake import domain

TAGS = ["complaints"]


def _text(length: tuple[int, int], description: str | None = None) -> dict:
    schema = {"type": "string", "minLength": length[0], "maxLength": length[1]}
    if description:
        schema["description"] = description
    return schema


COUNTRY_IN = {"type": "string", "pattern": "^[A-Za-z]{2}$",
              "description": "ISO 3166-1 alpha-2 (`DK`; case does not matter)"}
LANGUAGE_IN = {"type": "string", "maxLength": 16,
               "description": "BCP 47 / ISO 639-1 (`da`, `zh-Hans`)"}
CONSENT_FLAGS = {name: BOOLEAN for name in CONSENTS}

COMPLAINT_INPUT = obj({
    "filer_type": enum(FILER_TYPES),
    "title": _text(domain.TITLE_LENGTH),
    "narrative": _text(domain.NARRATIVE_LENGTH, "What happened, in the filer's words."),
    "language": nullable({**LANGUAGE_IN, "description": "The narrative's language; detected "
                          "or defaulted if absent."}),
    "complainant_country": {**COUNTRY_IN, "description": "Where the affected person(s) live."},
    "harm_country": nullable(COUNTRY_IN),
    "ai_system": _text(domain.NAME_LENGTH, "The AI system as the filer names it."),
    "deployer": nullable(_text(domain.NAME_LENGTH, "The organisation using it, as named.")),
    "provider": nullable(_text(domain.NAME_LENGTH, "Who built it, if known.")),
    "deployer_country": nullable(COUNTRY_IN),
    "sector": enum(SECTORS),
    "rights_dimensions": array(enum(RIGHTS_DIMENSIONS), minItems=1),
    "other_rights": nullable(array(_text((1, 100)), maxItems=domain.MAX_OTHER_RIGHTS,
                                   description="Other rights, with `other` among the "
                                   "rights_dimensions.")),
    "date_of_harm": nullable({**DATE, "description": "Not in the future."}),
    "remedies_sought": nullable(array(enum(REMEDIES))),
    "group_size": nullable({"type": "integer", "minimum": domain.GROUP_SIZE[0],
                            "maximum": domain.GROUP_SIZE[1],
                            "description": "For a group: how many people are affected."}),
    "co_complainants": nullable(array(obj({
        "name": _text(domain.NAME_LENGTH),
        "email": nullable({"type": "string", "format": "email"}),
    }, required=["name"]), maxItems=domain.MAX_CO_COMPLAINANTS,
        description="For a group: the other people, by name.")),
    "mandate": nullable(obj({
        "organisation_name": _text(domain.NAME_LENGTH),
        "basis": _text(domain.MANDATE_BASIS_LENGTH),
    }, required=["organisation_name", "basis"],
        description="For `representative_org` (required then): on whose behalf, under what "
                    "mandate.")),
    "contact": nullable(obj({
        "name": nullable(_text((1, 200))),
        "email": nullable({"type": "string", "format": "email"}),
        "phone": nullable({"type": "string", "pattern": r"^\+?[0-9 ().\-]{5,32}$"}),
        "preferred_language": nullable(LANGUAGE_IN),
    }, required=[], closed=True, description="How to reach the filer; absent = anonymous.")),
    "grounds": nullable(array(enum(GROUNDS), description="For discrimination: the "
                                                        "protected grounds involved.")),
    "consents": nullable(obj(CONSENT_FLAGS, required=[], closed=True,
                             description="All false by default; each can be changed later.")),
}, required=["filer_type", "title", "narrative", "complainant_country", "ai_system", "sector",
             "rights_dimensions"], closed=True,
    description="A complaint as filed. Rules across fields: a group gives `group_size` or "
                "`co_complainants`; a representative organisation gives `mandate`; "
                "`consents.contact` needs an email or phone in `contact`; `other_rights` goes "
                "with the right `other`.")

EVENT = obj({
    "at": DATETIME, "kind": STRING,
    "author": enum(("complainant", "staff", "system")),
    "body": TEXT, "data": {"type": "object"},
}, description="A line of the complaint's timeline.")

EVIDENCE = obj({"name": STRING, "media_type": STRING, "size": INTEGER, "sha256": STRING,
                "added_at": DATETIME})

COMPLAINT = obj({
    "reference": STRING,
    "state": enum(STATES),
    "received_at": DATETIME,
    "withdrawn_at": nullable(DATETIME),
    "organisation": obj({"slug": STRING, "name": STRING}),
    "filer_type": enum(FILER_TYPES),
    "title": STRING, "narrative": STRING, "language": STRING,
    "complainant_country": STRING, "harm_country": TEXT,
    "ai_system": STRING, "deployer": TEXT, "provider": TEXT, "deployer_country": TEXT,
    "sector": STRING,
    "rights_dimensions": array(STRING), "other_rights": array(STRING),
    "grounds": array(STRING), "remedies_sought": array(STRING),
    "date_of_harm": nullable(DATE),
    "group_size": nullable(INTEGER),
    "co_complainants": array(obj({"name": STRING, "email": TEXT})),
    "mandate": nullable(obj({"organisation_name": STRING, "basis": STRING})),
    "contact": nullable(obj({"name": TEXT, "email": TEXT, "phone": TEXT,
                             "preferred_language": TEXT})),
    "consents": obj(CONSENT_FLAGS),
    "evidence": array(ref("Evidence")),
    "timeline": array(ref("ComplaintEvent")),
    "respondent_answers": array(ref("RespondentAnswer")),
    "remedy_checks": array(obj({"id": INTEGER, "type": STRING, "due_on": nullable(DATE)}),
                           description="Remedies the complainant is asked about: did it "
                                       "happen?"),
}, description="A complaint as its complainant (and its handling organisation's staff) "
               "read it: its state and public timeline.")

SUBMISSION = obj({
    "reference": {"type": "string", "example": "RMD-7KQ3-9XPM"},
    "secret": {"type": "string", "description": "Shown once: keep it to follow the "
               "complaint."},
    "state": STRING, "received_at": DATETIME,
    "organisation": {"type": "string", "description": "The handling organisation's slug."},
})

SCHEMAS = {"ComplaintInput": COMPLAINT_INPUT, "Complaint": COMPLAINT, "ComplaintEvent": EVENT,
           "Evidence": EVIDENCE, "Submission": SUBMISSION}

REFERENCE = {"name": "reference", "in": "path", "required": True,
             "description": "The complaint's reference, like `RMD-7KQ3-9XPM` (case, spaces "
                            "and dashes do not matter).",
             "schema": {"type": "string", "minLength": 1}}
NO_STORE = {"Cache-Control": ref("NoStore", "headers")}
OWN_OR_STAFF = [*COMPLAINANT, *STAFF_READ]

PATHS = {
    "/api/v1/complaints": {"post": operation(
        "file_complaint", "File a complaint", tags=TAGS, security=ANYONE,
        description="Anyone may file (rate-limited per address). The answer holds the "
                    "reference and, once only, the secret.",
        parameters=[ref("IdempotencyKey", "parameters")],
        request_body=body(ref("ComplaintInput")),
        responses={
            "201": answer("Filed.", ref("Submission"), headers={
                **NO_STORE, "Idempotent-Replayed": ref("IdempotentReplayed", "headers")}),
            **errors(400, 409, 413, 422, 503)})},
    "/api/v1/complaints/{reference}": {
        "parameters": [REFERENCE],
        "get": operation(
            "read_complaint", "Read a complaint", tags=TAGS, security=OWN_OR_STAFF,
            description="Its complainant (with `X-Remedy-Secret`) or staff of the handling "
                        "organisation (a staff token; the read is audited).",
            responses={"200": answer("The complaint.", ref("Complaint"), headers=NO_STORE),
                       **errors(404)})},
    "/api/v1/complaints/{reference}/messages": {
        "parameters": [REFERENCE],
        "post": operation(
            "post_message", "Add a message (or an amendment)", tags=TAGS,
            security=[*COMPLAINANT, *STAFF_WRITE],
            description="The complainant writes to the caseworker, or adds to the complaint "
                        "(`kind: amendment`; the narrative itself is never edited). Staff "
                        "write to the complainant (`kind` is ignored).",
            request_body=body(obj({
                "body": _text(domain.MESSAGE_LENGTH),
                "kind": enum(("message", "amendment"),
                             "The complainant's only; `message` by default."),
            }, required=["body"])),
            responses={"201": answer("Added to the timeline.", ref("ComplaintEvent")),
                       **errors(400, 404, 409, 413, 422)})},
    "/api/v1/complaints/{reference}/withdraw": {
        "parameters": [REFERENCE],
        "post": operation(
            "withdraw_complaint", "Withdraw the complaint", tags=TAGS, security=COMPLAINANT,
            description="Closes the complaint for good; the case follows.",
            request_body=body(obj({"reason": nullable(_text(domain.MESSAGE_LENGTH))},
                                  required=[]), required=False),
            responses={"200": answer("Withdrawn.", ref("Complaint")),
                       **errors(400, 409, 413, 422)})},
    "/api/v1/complaints/{reference}/consents": {
        "parameters": [REFERENCE],
        "patch": operation(
            "change_consents", "Give or withdraw consents", tags=TAGS, security=COMPLAINANT,
            description="Only the consents given change. Allowed at any time, even after "
                        "withdrawal: a withdrawn consent takes effect everywhere at once.",
            request_body=body(obj(CONSENT_FLAGS, required=[], closed=True)),
            responses={"200": answer("The consents now.", obj({"consents": obj(CONSENT_FLAGS)})),
                       **errors(400, 413, 422)})},
    "/api/v1/complaints/{reference}/evidence": {
        "parameters": [REFERENCE],
        "post": operation(
            "add_evidence", "Add evidence files", tags=TAGS, security=COMPLAINANT,
            description="One or more files in `file` (multipart/form-data). Files are "
                        "checked by their content (documents, images, audio, plain text); a "
                        "file already attached is not attached twice.",
            request_body={"required": True, "content": {"multipart/form-data": {
                "schema": obj({"file": array({"type": "string", "format": "binary"},
                                             minItems=1)}, required=["file"]),
                "encoding": {"file": {"contentType": "application/octet-stream"}}}}},
            responses={"201": answer("Attached.", obj({
                "added": {"type": "integer", "minimum": 0,
                          "description": "How many files were new."},
                "evidence": array(ref("Evidence"))})),
                **errors(400, 409, 413, 422)})},
}
