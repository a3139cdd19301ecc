"""The OpenAPI document describes exactly the routes the gateway serves."""
import re

import pytest
from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from jobsight.errors import JobsightError, UnknownPlace, ValidationError
from jobsight.normalize.skills import skill_name
from jobsight.search import PARAMETERS as SEARCH_PARAMETERS
from jobsight.validate import normalize_keywords, place
from jobsight.web.inputs import LoginBody, SignUpBody, SubscriptionBody
from jobsight.web.openapi import openapi_document
from jobsight.web.server import JsonRoute
from jobsight.web.static import PAGE_PATHS, PAGES
from services.gateway import GatewayService


def served_routes():
    routes = set()
    for name in dir(GatewayService):
        for entrypoint in getattr(getattr(GatewayService, name), "nameko_entrypoints", ()):
            if isinstance(entrypoint, JsonRoute):
                path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", entrypoint.url)
                routes.add((entrypoint.method.lower(), path))
    return routes


def test_every_served_route_is_documented_and_nothing_else():
    document = openapi_document()
    documented = {(method, path) for path, ops in document["paths"].items() for method in ops}
    pages = {("get", path) for path in PAGE_PATHS}
    assert all(PAGES.match(path.replace("{job_id}", "42")) for _, path in pages)
    assert served_routes() | pages == documented
    assert document["openapi"].startswith("3.")


def test_every_operation_documents_its_responses():
    for path, ops in openapi_document()["paths"].items():
        for method, op in ops.items():
            assert op["responses"], f"{method} {path}"


def test_the_document_is_built_once():
    assert openapi_document() is openapi_document()


def test_every_path_parameter_is_documented_and_required():
    for path, ops in openapi_document()["paths"].items():
        in_template = set(re.findall(r"{(\w+)}", path))
        for method, op in ops.items():
            in_path = {p["name"]: p for p in op.get("parameters", ()) if p["in"] == "path"}
            assert set(in_path) == in_template, f"{method} {path}"
            assert all(p["required"] for p in in_path.values()), f"{method} {path}"


def test_search_documents_exactly_the_parameters_it_accepts():
    parameters = openapi_document()["paths"]["/jobs"]["get"]["parameters"]
    assert tuple(p["name"] for p in parameters) == SEARCH_PARAMETERS
    assert all(p["in"] == "query" and not p["required"] for p in parameters)


def test_request_bodies_keep_every_rule_of_the_schemas_the_gateway_loads():
    plain = APISpec("bodies", "1", "3.0.3", plugins=[MarshmallowPlugin()])
    loaded = {"/sign-up": ("SignUp", SignUpBody), "/login": ("Login", LoginBody),
              "/subscriptions": ("Subscription", SubscriptionBody)}
    for name, schema in loaded.values():
        plain.components.schema(name, schema=schema)
    generated = plain.to_dict()["components"]["schemas"]
    document = openapi_document()
    documented = document["components"]["schemas"]
    for path, (name, _) in loaded.items():
        body = document["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]
        assert body == {"$ref": f"#/components/schemas/{name}"}
        assert documented[name].get("required") == generated[name].get("required"), name
        assert set(documented[name]["properties"]) == set(generated[name]["properties"]), name
        for field, rules in generated[name]["properties"].items():
            if "$ref" not in documented[name]["properties"][field]:
                assert rules.items() <= documented[name]["properties"][field].items(), f"{name}.{field}"


def test_every_reference_names_a_component():
    document = openapi_document()

    def refs(node):
        if isinstance(node, dict):
            if "$ref" in node:
                yield node["$ref"]
            for value in node.values():
                yield from refs(value)
        elif isinstance(node, list):
            for value in node:
                yield from refs(value)

    names = {f"#/components/schemas/{name}" for name in document["components"]["schemas"]}
    found = set(refs(document))
    assert found and found <= names


def test_routes_behind_a_token_say_so():
    for path, ops in openapi_document()["paths"].items():
        for method, op in ops.items():
            if "security" in op:
                assert op["security"] == [{"bearer": []}] and "401" in op["responses"], f"{method} {path}"


# Inputs at the edges of each rule, for checking the document's patterns against the code.
_TRICKY = [".NET", "C++", "CI/CD", "0", "12345", "!!!", "_x", "..net", ".", "a b c d", "a b c d e", " node.js ",
           "x\ty", "¼", "¼a", "Ünïcödé", "中文", "+", "#", "-", "a.b", "remote", "  ", "", "\u00a0python\u00a0",
           "python developer", "x" * 64, "x" * 65, "a\u2028b", "R&D", "<b>x</b>"]


def _ok(check, value) -> bool:
    try:
        check(value)
    except JobsightError:
        return False
    return True


def _documented(pattern: str, value: str) -> bool:
    return re.search(pattern, value) is not None


def test_the_documented_skill_name_pattern_is_the_rule_subscriptions_apply():
    for value in _TRICKY:
        schema = openapi_document()["components"]["schemas"]["Subscription"]["properties"]["skill"]
        stated = _documented(schema["pattern"], value) and schema["minLength"] <= len(value) <= schema["maxLength"]
        assert stated == _ok(skill_name, value), repr(value)


def test_the_documented_keywords_pattern_is_the_rule_keywords_meet():
    (title,) = openapi_document()["paths"]["/find-jobs"]["get"]["parameters"]
    for value in _TRICKY:
        stated = _documented(title["schema"]["pattern"], value) and len(value) <= title["schema"]["maxLength"]
        assert stated == _ok(normalize_keywords, value), repr(value)


def test_a_documented_location_either_names_a_place_or_is_not_found_never_a_400():
    location = next(p for p in openapi_document()["paths"]["/insights/salary"]["get"]["parameters"]
                    if p["name"] == "location")
    for value in _TRICKY:
        if _documented(location["schema"]["pattern"], value) and len(value) <= location["schema"]["maxLength"]:
            try:
                place(value)
            except UnknownPlace:
                pass
        else:
            with pytest.raises(ValidationError):
                place(value)
