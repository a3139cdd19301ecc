"""The OpenAPI document describes exactly the routes the gateway serves."""
import re

from jobsight.web.openapi import openapi_document
from jobsight.web.server import JsonRoute
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
    assert served_routes() == documented
    assert document["openapi"].startswith("3.")


def test_every_operation_documents_its_responses():
    for path, ops in openapi_document()["paths"].items():
        for method, op in ops.items():
            assert op["responses"], f"{method} {path}"
