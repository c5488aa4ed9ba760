"""The OpenAPI 3.1 document of the JSON API, served at `GET /api/v1/openapi.json`.

It is built from one module per feature (`complaints`, `cases`, `collective`, `referrals`,
`responses`, `registry`, `observatory`, `narratives`, `federation`), each with its `PATHS`
and `SCHEMAS`, on the shared parts of `components`. A feature that adds an endpoint
describes it in its own module; tests/api/test_openapi_document.py fails while any route of
/api/v1 or /federation/v1 is undescribed, and tests/api/test_schemathesis.py checks the
app against it.
"""

import json
from importlib import import_module

from flask import current_app, request

from remedy.api import bp
from remedy.api.openapi import components
from remedy.api.openapi.components import ANYONE, answer, operation

VERSION = "1.0.0"
PARTS = ("complaints", "cases", "collective", "referrals", "responses", "registry",
         "observatory", "narratives", "federation")

DESCRIPTION = """\
Remedy: where people harmed by AI systems get to a remedy. This is the contract of its
JSON API (v1): other systems, scripts and people's own tools depend on it.

* JSON in and out, UTF-8. Times are ISO 8601 with offset; dates `YYYY-MM-DD`; countries
  ISO 3166-1 alpha-2; languages BCP 47.
* Errors: the right 4xx status and `{"error": {"code", "message", "fields"}}` (see the
  `Error` schema); never an HTML page.
* Lists: `?page=` and `?per_page=` (at most 100); the answer is `{"items", "page",
  "per_page", "total"}` (the `Page` schema).
* Staff authenticate with `Authorization: Bearer <token>` (scopes `read` and `write`);
  respondents with their own bearer tokens; a complainant with the complaint's reference
  and `X-Remedy-Secret`.
* `Idempotency-Key` on the POSTs that take it makes a retry return the first answer.
* Every /api/v1 operation may answer 429 (`rate_limited`, with `Retry-After`).
"""


def _meta_paths() -> dict:
    return {"/api/v1/openapi.json": {"get": operation(
        "openapi_document", "This document", tags=["meta"], security=ANYONE,
        responses={"200": answer("The OpenAPI 3.1 document of the API.", {"type": "object"},
                                 headers={"Cache-Control": {"schema": {"type": "string"}}})})}}


def _parts():
    for name in PARTS:
        yield import_module(f"remedy.api.openapi.{name}")


def build() -> dict:
    """The whole document, from every part (a fresh dict each time)."""
    paths, schemas = _meta_paths(), {}
    for part in _parts():
        for path, item in part.PATHS.items():
            if path in paths:
                raise RuntimeError(f"{path} is described twice")
            paths[path] = item
        schemas.update(getattr(part, "SCHEMAS", {}))
    return {
        "openapi": "3.1.0",
        "info": {"title": "Remedy API", "version": VERSION, "description": DESCRIPTION,
                 "license": {"name": "AGPL-3.0-or-later",
                             "identifier": "AGPL-3.0-or-later"}},
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "tags": [{"name": name} for name in dict.fromkeys(
            tag for item in paths.values() for op in item.values() if isinstance(op, dict)
            for tag in op.get("tags", ()))],
        "paths": dict(sorted(paths.items())),
        "components": components.components(schemas),
    }


def document_bytes() -> bytes:
    """The document as served (built once per app)."""
    cached = current_app.extensions.get("remedy.openapi")
    if cached is None:
        cached = json.dumps(build(), ensure_ascii=False, indent=1).encode("utf-8")
        current_app.extensions["remedy.openapi"] = cached
    return cached


@bp.get("/openapi.json")
def openapi_document():
    response = current_app.response_class(document_bytes(), mimetype="application/json")
    response.headers["Cache-Control"] = "public, max-age=3600"
    response.add_etag()
    return response.make_conditional(request)
