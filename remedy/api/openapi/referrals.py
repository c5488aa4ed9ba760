"""Referrals through the API: a case's routing, sending a referral, the organisation's
referrals and their steps, and the directory of authorities (remedy/referrals/api.py)."""

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
from remedy.core.vocabulary import RIGHTS_DIMENSIONS, SECTORS
from remedy.referrals import directory, domain

TAGS = ["referrals"]

AUTHORITY = obj({
    "id": INTEGER, "name": STRING, "country": STRING, "type": STRING,
    "sectors": array(STRING), "rights_dimensions": array(STRING), "languages": array(STRING),
    "local": {"type": "boolean", "description": "An organisation of this installation."},
    "base_url": TEXT,
    "reachable": {"type": "boolean", "description": "Referrals can be sent to it."},
}, description="An authority of the directory.")

REFERRAL = obj({
    "id": INTEGER,
    "uid": {"type": "string", "description": "The same on both sides."},
    "direction": enum(("outgoing", "incoming")),
    "state": enum(domain.STATES),
    "counterpart": {"type": "object", "description": "The other side: name, country, slug, "
                                                     "base_url."},
    "case_id": nullable(INTEGER),
    "message": TEXT,
    "personal_data": {"type": "boolean", "description": "Whether the packet carries the "
                      "complainant's identity (with their consent)."},
    "reply_due": nullable(DATE),
    "decline_reason": TEXT,
    "outcome": TEXT,
    "sent_at": nullable(DATETIME),
    "updated_at": DATETIME,
    "allowed_actions": array(enum(domain.ACTIONS), description="The steps this side may take "
                                                               "now."),
    "packet": {"type": "object", "description": "What was sent, exactly "
               "(docs/federation/referral-packet-v1.schema.json)."},
    "events": array(obj({"action": enum(domain.ACTIONS), "side": enum(("sender", "receiver")),
                         "text": TEXT, "at": DATETIME})),
}, optional=("packet", "events"), description="A referral, as one side keeps it. `packet` and "
                                              "`events` are in the answers about one referral.")

ROUTING_REASON = ref("Reason")
ROUTING = obj({
    "decided": {"type": "boolean", "description": "False: the caseworker must choose; none "
                                                  "is recommended."},
    "lead_countries": array(obj({"country": STRING, "reason": ROUTING_REASON})),
    "notes": array(ROUTING_REASON),
    "items": array(obj({"authority": ref("Authority"), "score": NUMBER,
                        "recommended": BOOLEAN, "reachable": BOOLEAN,
                        "reasons": array(ROUTING_REASON)})),
}, description="Receiving authorities for a case, ranked, each with the reasons.")

CODES = {"oneOf": [{"type": "array", "items": STRING},
                   {"type": "string", "description": "Comma-separated."}, {"type": "null"}]}

DIRECTORY_ENTRY = obj({
    "name": {"type": "string", "minLength": 2, "maxLength": 200},
    "country": {"type": "string", "pattern": "^[A-Za-z]{2}$"},
    "type": enum(directory.TYPES, "Or `org_type`."),
    "org_type": enum(directory.TYPES),
    "sectors": {**CODES, "description": f"Any of {', '.join(SECTORS)}; empty = all."},
    "rights_dimensions": {**CODES, "description": "Any of "
                          f"{', '.join(RIGHTS_DIMENSIONS)}; empty = all."},
    "languages": CODES,
    "base_url": nullable({"type": "string", "maxLength": 300, "pattern": "^https?://",
                          "description": "Another installation's BASE_URL."}),
    "slug": nullable({"type": "string", "minLength": 1, "maxLength": 64,
                      "description": "The organisation's slug on its installation (with "
                                     "base_url)."}),
    "public_key": nullable({"type": "string", "description": "Ed25519, base64 or PEM."}),
    "public_keys": array({"oneOf": [STRING, obj({"public_key": STRING,
                                                  "valid_until": nullable(DATETIME)},
                                                 required=["public_key"])]}, maxItems=5),
    "contact_email": nullable({"type": "string", "format": "email", "maxLength": 254}),
}, required=["name", "country"], description="An authority, as `remedy directory-import` "
                                             "reads it (docs/federation.md).")

SCHEMAS = {"Authority": AUTHORITY, "Referral": REFERRAL, "Routing": ROUTING,
           "DirectoryEntry": DIRECTORY_ENTRY}

REFERRAL_ID = path_id("referral_id", "a referral the token's organisation is party to")

PATHS = {
    "/api/v1/cases/{case_id}/routing": {
        "parameters": [path_id("case_id", "a case of the token's organisation")],
        "get": operation(
            "case_routing", "Where a case could be referred", tags=TAGS, security=STAFF_READ,
            responses={"200": answer("Suggested receiving authorities, ranked.", ref("Routing")),
                       **errors(404)})},
    "/api/v1/referrals": {
        "post": operation(
            "create_referral", "Refer a case to an authority", tags=TAGS,
            security=STAFF_WRITE,
            description="Sent at once, or with `draft: true` kept to send later (step "
                        "`send`). With `?preview=1` the answer is the packet that would be "
                        "sent, and nothing is sent.",
            parameters=[ref("Preview", "parameters"), ref("IdempotencyKey", "parameters")],
            request_body=body(obj({
                "case_id": {"type": "integer", "minimum": 1},
                "authority_id": {"type": "integer", "minimum": 1,
                                 "description": "An entry of the directory."},
                "message": {"type": "string", "minLength": 10, "maxLength": domain.MAX_TEXT,
                            "description": "What you ask of the authority."},
                "draft": BOOLEAN,
            }, required=["case_id", "authority_id", "message"])),
            responses={
                "200": answer("The preview: nothing was sent.", obj({
                    "authority": ref("Authority"), "packet": {"type": "object"},
                    "personal_data": BOOLEAN})),
                "201": answer("Sent (or kept as a draft).", ref("Referral"), headers={
                    "Idempotent-Replayed": ref("IdempotentReplayed", "headers")}),
                **errors(400, 404, 409, 413, 422)}),
        "get": operation(
            "list_referrals", "The organisation's referrals, incoming and outgoing",
            tags=TAGS, security=STAFF_READ, description="Most recently changed first.",
            parameters=[query("direction", enum(("incoming", "outgoing")), "Only these."),
                        query("state", enum(domain.STATES), "Only in this state."),
                        *PAGE_PARAMETERS],
            responses={"200": answer("A page of referrals.", list_of(ref("Referral"))),
                       **errors(422)})},
    "/api/v1/referrals/{referral_id}": {
        "parameters": [REFERRAL_ID],
        "get": operation("read_referral", "One referral, with its packet and steps", tags=TAGS,
                         security=STAFF_READ,
                         responses={"200": answer("The referral.", ref("Referral")),
                                    **errors(404)})},
    "/api/v1/referrals/{referral_id}/steps": {
        "parameters": [REFERRAL_ID],
        "post": operation(
            "referral_step", "Take a step on a referral", tags=TAGS, security=STAFF_WRITE,
            description="The sender sends a draft, answers a question or withdraws; the "
                        "receiver acknowledges, asks for information, accepts (a case opens "
                        "here), declines or concludes. `allowed_actions` says which steps "
                        "are possible now; `request_info`, `answer`, `decline` and `conclude` "
                        "need `text`.",
            request_body=body(obj({
                "action": enum(domain.ACTIONS),
                "text": nullable({"type": "string", "maxLength": domain.MAX_TEXT}),
            }, required=["action"])),
            responses={"200": answer("The referral after the step.", ref("Referral")),
                       **errors(400, 404, 413, 422)})},
    "/api/v1/directory": {
        "get": operation(
            "list_directory", "The directory of authorities", tags=TAGS, security=STAFF_READ,
            description="The entries the organisation uses and trusts: the installation's, "
                        "its own, and the organisations of this installation. Not paged.",
            responses={"200": answer("Every entry.", obj({"items": array(ref("Authority"))}))}),
        "post": operation(
            "import_directory", "Add or update directory entries", tags=TAGS,
            security=STAFF_WRITE, min_role="org_admin",
            description="A JSON list (at most 2000) in the format of `remedy "
                        "directory-import`: entries are matched by name and country, added "
                        "or updated, all or nothing; they are kept by (and trusted by) the "
                        "token's organisation.",
            request_body=body(array(ref("DirectoryEntry"), maxItems=directory.MAX_IMPORT)),
            responses={"200": answer("Imported.", obj({"added": INTEGER, "updated": INTEGER})),
                       **errors(413, 422)})},
}
