"""A nameko HTTP entrypoint that speaks JSON and carries a request id.

``route("POST", "/sign-up")`` handlers return ``(status, payload)``; the payload is encoded
as JSON. Every response, errors included (unknown route, wrong method, bad input, crash),
is JSON and carries ``X-Request-ID``, which also travels in nameko context data to every
service the request touches. A GET that no route matches may be one of the web app's pages or
assets (``jobsight.web.static``), which are the only answers that are not JSON.
"""
from __future__ import annotations

import logging
import re
import socket
import time
import uuid
from functools import partial

from eventlet.event import Event
from nameko.web.handlers import HttpRequestHandler
from nameko.web.server import HttpOnlyProtocol, WebServer, WsgiApp
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.wrappers import Request, Response

from jobsight import metrics
from jobsight.errors import JobsightError
from jobsight.logs import REQUEST_ID_KEY
from jobsight.web.errors import error_response, json_response
from jobsight.web.static import AppFiles

REQUEST_ID_HEADER = "X-Request-ID"
_ENVIRON_KEY = "jobsight.request_id"
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
# One record per answered request, so the shipped logs count requests by route and status.
access = logging.getLogger("jobsight.access")


TRACEPARENT_HEADER = "traceparent"
# W3C Trace Context: version-traceid-parentid-flags, lower-case hex, ids not all zeros.
_TRACEPARENT = re.compile(r"^00-(?!0{32})([0-9a-f]{32})-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}$")
_TRACE_ID = re.compile(r"^[0-9a-f]{32}$")


def request_id_of(environ) -> str:
    """The request's id: the client's X-Request-ID when it is sane (so a caller can follow its
    own request), else the trace id of a valid W3C ``traceparent``, else a new one (32 hex
    digits, itself a valid trace id)."""
    if _ENVIRON_KEY not in environ:
        given = environ.get("HTTP_X_REQUEST_ID", "")
        traced = _TRACEPARENT.match(environ.get("HTTP_TRACEPARENT", "").strip().lower())
        if _VALID_REQUEST_ID.match(given):
            environ[_ENVIRON_KEY] = given
        elif traced:
            environ[_ENVIRON_KEY] = traced.group(1)
        else:
            environ[_ENVIRON_KEY] = uuid.uuid4().hex
    return environ[_ENVIRON_KEY]


def traceparent_for(request_id: str) -> str | None:
    """The ``traceparent`` answered with a request whose id is a trace id: this gateway's span."""
    if not _TRACE_ID.match(request_id):
        return None
    return f"00-{request_id}-{uuid.uuid4().hex[:16]}-01"


class JsonWsgiApp(WsgiApp):
    def __init__(self, server):
        super().__init__(server)
        self.app_files = AppFiles()

    def __call__(self, environ, start_response):
        started = time.monotonic()
        request_id = request_id_of(environ)
        request = Request(environ, shallow=True)
        adapter = self.url_map.bind_to_environ(environ)
        route = "unmatched"
        try:
            provider, values = adapter.match()
            route = getattr(provider, "url", route)
            request.path_values = values
            response = provider.handle_request(request)
        except (NotFound, MethodNotAllowed) as exc:
            # No API route: the web app's pages and assets, served here without a worker.
            response = self.app_files.response(request)
            if response is None:
                response = error_response(exc, request_id)
            else:
                route = "app"
        except HTTPException as exc:
            response = error_response(exc, request_id)
        if hasattr(response, "headers"):  # a websocket upgrade is a bare WSGI app
            response.headers[REQUEST_ID_HEADER] = request_id
            traceparent = traceparent_for(request_id)
            if traceparent:
                response.headers[TRACEPARENT_HEADER] = traceparent
            took = time.monotonic() - started
            metrics.observe(request.method, route, response.status_code, took)
            access.info("%s %s %s", request.method, request.path, response.status_code, extra={
                "request_id": request_id, "event": "http.request", "route": route, "url": request.path,
                "duration_ms": round(took * 1000, 2),
                "http": {"request": {"method": request.method}, "response": {"status_code": response.status_code}}})
        return response(environ, start_response)


class NoDelayProtocol(HttpOnlyProtocol):
    """Responses go out as soon as they are written. A response larger than one TCP segment is
    written as headers, then body; with Nagle's algorithm on, the body waited for the client's
    delayed ACK of the headers, about 40 ms, on every such response of a kept-alive connection."""

    def setup(self):
        super().setup()
        try:
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except (OSError, AttributeError):
            pass


class JsonWebServer(WebServer):
    def get_wsgi_app(self):
        return JsonWsgiApp(self)

    def get_wsgi_server(self, sock, wsgi_app, protocol=NoDelayProtocol, debug=False):
        return super().get_wsgi_server(sock, wsgi_app, protocol=protocol, debug=debug)

    def context_data_from_headers(self, request):
        return {REQUEST_ID_KEY: request_id_of(request.environ)}


class JsonRoute(HttpRequestHandler):
    server = JsonWebServer()

    def __init__(self, method, url, **kwargs):
        kwargs.setdefault("expected_exceptions", JobsightError)
        super().__init__(method, url, **kwargs)

    def response_from_result(self, result):
        if isinstance(result, Response):
            return result
        status, payload, headers = 200, result, None
        if isinstance(result, tuple):
            if len(result) == 3:
                status, headers, payload = result
            else:
                status, payload = result
        return json_response(status, payload, headers)

    def handle_request(self, request):
        # nameko's own version, with the request id in error bodies.
        request.shallow = False
        try:
            context_data = self.server.context_data_from_headers(request)
            args, kwargs = self.get_entrypoint_parameters(request)
            self.check_signature(args, kwargs)
            event = Event()
            self.container.spawn_worker(self, args, kwargs, context_data=context_data,
                                        handle_result=partial(self.handle_result, event))
            return self.response_from_result(event.wait())
        except Exception as exc:
            return error_response(exc, request_id_of(request.environ))


route = JsonRoute.decorator
