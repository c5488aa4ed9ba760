"""The OpenAPI document: valid OpenAPI 3.1, served as it should be, and describing exactly the
routes of /api/v1 and /federation/v1 (a new endpoint without a description fails here)."""

import re

import pytest
import schemathesis
from jsonschema import Draft202012Validator
from schemathesis.specs.openapi.definitions import OPENAPI_31_VALIDATOR

from remedy.api.openapi import build

PREFIXES = ("/api/v1/", "/federation/v1/")
METHODS = {"get", "put", "post", "patch", "delete"}


def _openapi_path(rule: str) -> str:
    """`/api/v1/cases/<int:case_id>` -> `/api/v1/cases/{case_id}`."""
    return re.sub(r"<(?:[^<>:]+:)?([^<>]+)>", r"{\1}", rule)


def _routes(app) -> set[tuple[str, str]]:
    return {(method.lower(), _openapi_path(rule.rule))
            for rule in app.url_map.iter_rules() if rule.rule.startswith(PREFIXES)
            for method in rule.methods - {"HEAD", "OPTIONS"}}


def _described(document) -> set[tuple[str, str]]:
    return {(method, path) for path, item in document["paths"].items()
            for method in item if method in METHODS}


def _walk(node, path=()):
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from _walk(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk(value, (*path, i))


@pytest.fixture(scope="module")
def document():
    return build()


def test_the_document_is_valid_openapi_3_1(document):
    errors = [f"{'/'.join(map(str, e.path))}: {e.message}"
              for e in OPENAPI_31_VALIDATOR.iter_errors(document)]
    assert not errors, "\n".join(errors)


def test_every_schema_in_it_is_valid_json_schema(document):
    schemas = [(path, node["schema"]) for path, node in _walk(document) if "schema" in node
               and isinstance(node["schema"], dict)]
    schemas += [(("components", "schemas", name), schema)
                for name, schema in document["components"]["schemas"].items()]
    assert len(schemas) > 100
    for path, schema in schemas:
        problems = [e.message for e in Draft202012Validator(
            Draft202012Validator.META_SCHEMA).iter_errors(schema)]
        assert not problems, f"{'/'.join(map(str, path))}: {problems}"


def test_every_reference_resolves(document):
    for path, node in _walk(document):
        target = node.get("$ref")
        if isinstance(target, str):
            found = document
            for part in target.removeprefix("#/").split("/"):
                assert part in found, f"{'/'.join(map(str, path))}: {target} does not resolve"
                found = found[part]


def test_schemathesis_loads_every_operation(document):
    results = list(schemathesis.openapi.from_dict(document).get_all_operations())
    problems = [str(r.err()) for r in results if type(r).__name__ != "Ok"]
    assert not problems, "\n".join(problems)
    assert len(results) == len(_described(document))


def test_every_route_is_described_and_every_description_is_a_route(app, document):
    routes, described = _routes(app), _described(document)
    assert sorted(routes - described) == [], "routes without a description in remedy/api/openapi"
    assert sorted(described - routes) == [], "described operations that are not routes"


def test_path_parameters_are_the_routes_arguments(app, document):
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(PREFIXES):
            continue
        item = document["paths"][_openapi_path(rule.rule)]
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            parameters = item.get("parameters", []) + item[method.lower()].get("parameters", [])
            named = {p["name"]: p for p in parameters if p.get("in") == "path"}
            assert set(named) == set(rule.arguments), (method, rule.rule)
            for name, converter in rule._converters.items():
                schema = named[name]["schema"]
                if hasattr(converter, "items"):  # <any(a, b):name>
                    assert set(schema["enum"]) == set(converter.items), (rule.rule, name)
                elif type(converter).__name__ == "IdConverter":
                    assert schema["type"] == "integer", (rule.rule, name)


def test_every_kind_of_federation_message_is_described(app, document):
    from remedy.api.openapi.federation import KINDS
    from remedy.federation import inbox

    assert set(KINDS) == set(inbox.HANDLERS)
    kind = document["components"]["schemas"]["FederationMessage"]["properties"]["kind"]
    assert kind["enum"] == list(KINDS)


def test_every_operation_answers_in_the_shared_error_envelope(document):
    responses = document["components"]["responses"]
    for path, item in document["paths"].items():
        for method, op in item.items():
            if method not in METHODS:
                continue
            answers = op["responses"]
            where = f"{method.upper()} {path}"
            if path.startswith("/api/v1/"):
                assert answers.get("429") == {"$ref": "#/components/responses/RateLimited"}, where
            if op["security"]:
                assert "401" in answers, where
            if any(set(r.get("bearerAuth", ())) & {"read", "write"} for r in op["security"]):
                assert "403" in answers, where
                scope = "read" if method == "get" else "write"
                assert all(r.get("bearerAuth") in (None, [scope]) for r in op["security"]), where
            for status, answer in answers.items():
                if status.startswith("4"):
                    name = answer["$ref"].rsplit("/", 1)[-1]
                    schema = responses[name]["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/Error"}, (where, status)
    assert "Retry-After" in responses["RateLimited"]["headers"]


def test_lists_use_the_list_envelope(document):
    for path, item in document["paths"].items():
        get = item.get("get")
        if not get or not any(p.get("$ref", "").endswith("/PerPage")
                              for p in get.get("parameters", [])):
            continue
        schema = get["responses"]["200"]["content"]["application/json"]["schema"]
        assert schema["allOf"][0] == {"$ref": "#/components/schemas/Page"}, path


def test_the_document_is_served_with_cache_headers(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Cache-Control"] == "public, max-age=3600"
    assert response.get_json() == build()
    again = client.get("/api/v1/openapi.json",
                       headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
