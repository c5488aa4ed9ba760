"""What every part of the OpenAPI document shares: the error envelope, the list envelope,
the security schemes, the common parameters, headers and error answers, and the small
helpers the per-feature modules build their operations with.

A feature's module describes its paths with `operation(...)`; the helpers add the answers
every operation of its kind can give (401 and 403 for a staff token, 429 everywhere under
/api/v1), so that a new endpoint cannot forget them.
"""

from remedy.core.db import MAX_ID

# --- references -------------------------------------------------------------------------


def ref(name: str, kind: str = "schemas") -> dict:
    return {"$ref": f"#/components/{kind}/{name}"}


def nullable(schema: dict) -> dict:
    """`schema` or null (JSON Schema 2020-12, as OpenAPI 3.1 uses it)."""
    if "$ref" in schema or "enum" in schema or "type" not in schema:
        return {"anyOf": [schema, {"type": "null"}]}
    types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
    return {**schema, "type": [*types, "null"]}


def obj(properties: dict, required=None, *, closed: bool = False,
        description: str | None = None, optional=()) -> dict:
    """An object. Answers: every property is there unless named in `optional`. Requests
    name their `required` properties (possibly none)."""
    schema = {"type": "object", "properties": properties}
    names = list(required) if required is not None else [
        p for p in properties if p not in optional]
    if names:
        schema["required"] = names
    if closed:
        schema["additionalProperties"] = False
    if description:
        schema["description"] = description
    return schema


def array(items: dict, **extra) -> dict:
    return {"type": "array", "items": items, **extra}


def enum(values, description: str | None = None) -> dict:
    schema = {"type": "string", "enum": list(values)}
    if description:
        schema["description"] = description
    return schema


STRING = {"type": "string"}
TEXT = nullable({"type": "string"})
INTEGER = {"type": "integer"}
ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
BOOLEAN = {"type": "boolean"}
NUMBER = {"type": "number"}
DATE = {"type": "string", "format": "date"}
DATETIME = {"type": "string", "format": "date-time"}
COUNTRY = {"type": "string", "pattern": "^[A-Z]{2}$", "description": "ISO 3166-1 alpha-2"}

# --- operations -------------------------------------------------------------------------

STAFF_READ = [{"bearerAuth": ["read"]}]
STAFF_WRITE = [{"bearerAuth": ["write"]}]
RESPONDENT = [{"bearerAuth": ["respondent"]}]
COMPLAINANT = [{"complainantSecret": []}]
ANYONE: list = []


def json_content(schema: dict, example=None) -> dict:
    media = {"schema": schema}
    if example is not None:
        media["example"] = example
    return {"application/json": media}


def body(schema: dict, *, required: bool = True, description: str | None = None,
         example=None, multipart: dict | None = None) -> dict:
    """A JSON request body (and, if given, the same as multipart/form-data)."""
    content = json_content(schema, example)
    if multipart is not None:
        content["multipart/form-data"] = multipart
    request_body = {"required": required, "content": content}
    if description:
        request_body["description"] = description
    return request_body


def answer(description: str, schema: dict | None = None, *, headers: dict | None = None,
           example=None) -> dict:
    response = {"description": description}
    if schema is not None:
        response["content"] = json_content(schema, example)
    if headers:
        response["headers"] = headers
    return response


def errors(*statuses: int) -> dict:
    """The shared error answers for these statuses."""
    return {str(status): ref(ERROR_RESPONSES[status], "responses") for status in statuses}


def operation(operation_id: str, summary: str, *, tags: list[str], security: list,
              responses: dict, description: str | None = None, parameters: list | None = None,
              request_body: dict | None = None, rate_limited: bool = True,
              min_role: str | None = None) -> dict:
    """One operation. A staff token's operation also answers 401 and 403 (a token without
    the scope the method needs, or a user without the role); any complainant's or
    respondent's one 401; every /api/v1 operation 429."""
    staff = any(set(r.get("bearerAuth", ())) & {"read", "write"} for r in security)
    extra = []
    if security:
        extra.append(401)
    if staff:
        extra.append(403)
    if rate_limited:
        extra.append(429)
    merged = {**errors(*extra), **responses}
    if staff:
        scopes = sorted({scope for r in security for scope in r.get("bearerAuth", ())
                         if scope in ("read", "write")})
        why = (f"Code `insufficient_scope`: the staff token lacks the scope "
               f"`{'`/`'.join(scopes)}`.")
        if min_role:
            why += f" Code `forbidden`: the token's user has a role below `{min_role}`."
        merged["403"] = {**ref("Forbidden", "responses"), "description": why}
    op = {"operationId": operation_id, "summary": summary, "tags": tags,
          "security": security, "responses": dict(sorted(merged.items()))}
    if description:
        op["description"] = description
    if parameters:
        op["parameters"] = parameters
    if request_body:
        op["requestBody"] = request_body
    if min_role:
        op["x-remedy-min-role"] = min_role
        op["description"] = (op.get("description", "") + f"\n\nNeeds a user with the role "
                             f"`{min_role}` or above; a lower role gets 403 `forbidden`.").strip()
    return op


def list_of(item: dict, *, extra: dict | None = None) -> dict:
    """A page of items: the list envelope `{"items", "page", "per_page", "total"}`."""
    schema = {"allOf": [ref("Page"), {"type": "object", "properties": {"items": array(item)}}]}
    if extra:
        schema["allOf"][1]["properties"].update(extra)
    return schema


def path_id(name: str, what: str) -> dict:
    return {"name": name, "in": "path", "required": True, "description": f"The id of {what}.",
            "schema": ID}


def query(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema,
            "description": description}


PAGE_PARAMETERS = [ref("Page", "parameters"), ref("PerPage", "parameters")]

# --- components -------------------------------------------------------------------------

ERROR_RESPONSES = {400: "BadRequest", 401: "NotAuthorised", 403: "Forbidden", 404: "NotFound",
                   409: "Conflict", 413: "TooLarge", 415: "UnsupportedMediaType",
                   422: "ValidationFailed", 429: "RateLimited", 503: "Unavailable"}

_ERROR_DESCRIPTIONS = {
    400: "The request is malformed: the body is not JSON (or not a JSON object) where JSON "
         "is expected. Code `bad_request`, or a more precise one.",
    401: "No credentials, or wrong ones: a missing, wrong, revoked or expired token, or a "
         "reference and secret that do not match (an unknown reference gets the same answer). "
         "Code `not_authorised`.",
    403: "The credentials are valid but may not do this. Code `insufficient_scope`: a staff "
         "token without the scope the method needs (`read` for GET, `write` for POST and "
         "PATCH). Code `forbidden`: the token's user lacks the role the operation needs.",
    404: "No such object for this caller (another organisation's object is a 404 too, never "
         "a 403). Code `not_found`.",
    409: "The request conflicts with the object's state (a closed complaint, a case that "
         "cannot move to that state, a suggestion already decided, an Idempotency-Key used "
         "for a different request). A refused case transition has code "
         "`transition_not_allowed` and lists the states it may go to in `allowed`.",
    413: "The body (or a file in it) is too large. Code `too_large`.",
    415: "The body's media type is not one this operation accepts. Code "
         "`unsupported_media_type`.",
    422: "Some fields are wrong: `fields` maps each field's name (dotted for nested ones, "
         "like `contact.email` or `co_complainants.2.name`) to what is wrong with it. Code "
         "`validation_failed`.",
    429: "Too many requests from this token or address: wait for `Retry-After` seconds. Code "
         "`rate_limited`.",
    503: "The service cannot do this just now (for instance no organisation receives "
         "complaints yet). Code `unavailable`.",
}

ERROR_SCHEMA = obj({
    "error": obj({
        "code": {"type": "string", "description": "A stable machine-readable code, like "
                 "`validation_failed`, `not_found` or `insufficient_scope`."},
        "message": {"type": "string", "description": "What went wrong, in the language of "
                    "the request (`?lang=` or Accept-Language)."},
        "fields": {"type": "object", "additionalProperties": array(STRING),
                   "description": "Field name -> what is wrong with it; empty when the "
                   "problem is not one field's."},
        "allowed": {**array(STRING), "description": "For `transition_not_allowed`: the "
                    "states the case may go to now."},
    }, optional=("allowed",)),
}, description="The one error envelope of the API.")

PAGE_SCHEMA = obj({
    "items": {"type": "array"},
    "page": {"type": "integer", "minimum": 1},
    "per_page": {"type": "integer", "minimum": 1},
    "total": {"type": "integer", "minimum": 0},
}, description="The list envelope: one page of `items`, the page's number and size, and how "
               "many items there are in all.")

SECURITY_SCHEMES = {
    "bearerAuth": {
        "type": "http", "scheme": "bearer",
        "description": (
            "`Authorization: Bearer <token>`. Two kinds of token use this header; each "
            "operation's security requirement says which it takes:\n\n"
            "* **Staff tokens** (requirement `read` or `write`): a token belongs to one user "
            "of one organisation and sees exactly what that user sees in the pages. A token "
            "has the scopes `read` and/or `write` (both by default). A GET needs `read`; a "
            "POST or PATCH needs `write`; a token without the scope gets 403 with code "
            "`insufficient_scope`. Some operations also need a role (`x-remedy-min-role`): "
            "a user below it gets 403 `forbidden`.\n"
            "* **Respondent tokens** (requirement `respondent`): an account's token "
            "(starting `rsp`), made in the respondent portal, or the token of an access link "
            "a respondent was emailed; it opens only the requests sent to that respondent "
            "(an access link's token: only its own request).\n\n"
            "A wrong, revoked or expired token gets 401 `not_authorised`."),
    },
    "complainantSecret": {
        "type": "apiKey", "in": "header", "name": "X-Remedy-Secret",
        "description": "A complainant without an account authenticates to their own "
                       "complaint with its reference (in the path) and the secret they were "
                       "given when filing it. A wrong secret and an unknown reference get the "
                       "same 401.",
    },
    "federationSignature": {
        "type": "apiKey", "in": "header", "name": "Remedy-Signature",
        "description": "Messages between Remedy installations are signed with Ed25519: "
                       "`Remedy-Signature` (base64) over the key id, `Remedy-Timestamp`, "
                       "`Remedy-Nonce` and the SHA-256 of the body, with the key named by "
                       "`Remedy-Key-Id`, which must be in the receiver's directory. See "
                       "docs/federation.md.",
    },
}

PARAMETERS = {
    "Page": {"name": "page", "in": "query", "required": False,
             "description": "The page to return, from 1.",
             "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID, "default": 1}},
    "PerPage": {"name": "per_page", "in": "query", "required": False,
                "description": "Items per page, 1 to 100.",
                "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}},
    "IdempotencyKey": {
        "name": "Idempotency-Key", "in": "header", "required": False,
        "description": "A UUID (or another unique string of 8 to 255 printable characters). "
                       "A retry of the same request with the same key gets the first answer "
                       "back (with `Idempotent-Replayed: true`) instead of creating a second "
                       "object; the same key with a different request is a 409. Keys are "
                       "kept 24 hours.",
        "schema": {"type": "string", "minLength": 8, "maxLength": 255},
    },
    "Preview": {"name": "preview", "in": "query", "required": False,
                "description": "`1`: show what would be sent (200), sending nothing.",
                "schema": {"type": "string", "enum": ["1"]}},
}

HEADERS = {
    "RetryAfter": {"description": "Seconds to wait before trying again.", "required": True,
                   "schema": {"type": "integer", "minimum": 0}},
    "IdempotentReplayed": {
        "description": "`true` when this is the first answer to an earlier request with the "
                       "same Idempotency-Key, replayed.",
        "schema": {"type": "string", "enum": ["true"]}},
    "NoStore": {"description": "The answer holds a secret or personal data: never cached.",
                "required": True, "schema": {"type": "string", "enum": ["no-store"]}},
}


def components(schemas: dict) -> dict:
    responses = {}
    for status, name in ERROR_RESPONSES.items():
        responses[name] = answer(_ERROR_DESCRIPTIONS[status], ref("Error"))
    responses["RateLimited"]["headers"] = {"Retry-After": ref("RetryAfter", "headers")}
    return {
        "schemas": {"Error": ERROR_SCHEMA, "Page": PAGE_SCHEMA, **schemas},
        "responses": responses,
        "parameters": PARAMETERS,
        "headers": HEADERS,
        "securitySchemes": SECURITY_SCHEMES,
    }
