"""A nameko HTTP entrypoint that speaks JSON and carries a request id.

``route("POST", "/sign-up")`` handlers return ``(status, payload)``; the payload is encoded
as JSON. Every response, errors included (unknown route, wrong method, bad input, crash),
is JSON and carries ``X-Request-ID``, which also travels in nameko context data to every
service the request touches. A GET that no route matches may be one of the web app's pages or
assets (``jobsight.web.static``), which are the only answers that are not JSON.
"""
from __future__ import annotations

import json
import logging
import re
import socket
import time
import uuid
from functools import partial

import eventlet
from eventlet.event import Event
from nameko.web.handlers import HttpRequestHandler
from nameko.web.server import HttpOnlyProtocol, WebServer, WsgiApp
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.wrappers import Request, Response

from jobsight import metrics
from jobsight.errors import JobsightError, ServiceUnavailable
from jobsight.logs import REQUEST_ID_KEY
from jobsight.web import inputs
from jobsight.web.errors import error_response, json_response
from jobsight.web.static import AppFiles

REQUEST_ID_HEADER = "X-Request-ID"
_ENVIRON_KEY = "jobsight.request_id"
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
# One record per answered request, so the shipped logs count requests by route and status.
access = logging.getLogger("jobsight.access")

# Limits of one gateway instance (config.yml GATEWAY.LIMITS); beyond them a fast 503.
DEFAULT_LIMITS = {"SOCKET_TIMEOUT": 10.0, "MAX_CONNECTIONS": 1000, "MAX_IN_FLIGHT": 200}
# The load balancer's check must answer however busy the instance is.
UNBOUNDED_PATHS = ("/health/live",)
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}
# JSON is never a document: nothing in it may load or run, and no page may frame it.
API_CSP = "default-src 'none'; frame-ancestors 'none'"


def limits(config: dict) -> dict:
    given = ((config.get("GATEWAY") or {}).get("LIMITS") or {})
    return {key: type(default)(given.get(key, default)) for key, default in DEFAULT_LIMITS.items()}


def allowed_origins(config: dict) -> set[str]:
    """``GATEWAY.CORS_ORIGINS``: origins (scheme://host[:port]) other than the gateway's own whose
    pages may call the API from a browser; empty: the web app's own origin only."""
    value = (config.get("GATEWAY") or {}).get("CORS_ORIGINS") or ""
    items = value.split(",") if isinstance(value, str) else list(value)
    return {item.strip().rstrip("/").lower() for item in items if item and item.strip()}


def origin_allowed(environ, allowed: set[str]) -> bool:
    """No Origin (not a browser, or a same-origin GET), the host the request was sent to (the
    web app the gateway serves, whatever TLS sits in front), or a configured origin."""
    origin = (environ.get("HTTP_ORIGIN") or "").strip().rstrip("/").lower()
    if not origin or origin in allowed:
        return True
    return origin.partition("://")[2] == (environ.get("HTTP_HOST") or "").lower()


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
        self.in_flight = 0
        self.max_in_flight = limits(server.container.config)["MAX_IN_FLIGHT"]
        self.origins = allowed_origins(server.container.config)

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") in UNBOUNDED_PATHS and not getattr(self.server.container, "ready", True):
            # Still starting (its RPC replies may not be consumed yet): out of rotation for now.
            starting = json_response(503, {"status": "starting"})
            return starting(environ, start_response)
        # A websocket lives for hours: it counts against MAX_CONNECTIONS, not requests in flight.
        bounded = (environ.get("PATH_INFO") not in UNBOUNDED_PATHS
                   and environ.get("HTTP_UPGRADE", "").lower() != "websocket")
        if bounded and self.in_flight >= self.max_in_flight:
            # Full: say so at once rather than queue (the client retries after a second).
            busy = error_response(ServiceUnavailable("This gateway is busy; try again shortly", retry_after=1),
                                  request_id_of(environ))
            self._secure(environ, busy)
            metrics.observe(environ.get("REQUEST_METHOD", "?"), "busy", 503, 0.0)
            return busy(environ, start_response)
        self.in_flight += bounded
        try:
            return self._answer(environ, start_response)
        finally:
            self.in_flight -= bounded

    def _secure(self, environ, response, app: bool = False) -> None:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        protocol = environ.get(PROTOCOL_KEY)
        if protocol is not None and _body_left(environ):
            protocol.close_connection = 1  # eventlet then says "Connection: close" (not drained: see there)
        if app:
            return  # the web app's own pages and assets: same origin only, their own CSP
        response.headers.setdefault("Content-Security-Policy", API_CSP)
        origin = (environ.get("HTTP_ORIGIN") or "").strip().rstrip("/")
        if origin and origin.lower() in self.origins:
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Access-Control-Expose-Headers"] = "X-Request-ID, Retry-After"
        response.headers.add("Vary", "Origin")  # the API's answer depends on the Origin

    def _preflight(self, environ):
        """A browser asking whether another origin's page may call: yes for a configured origin."""
        origin = (environ.get("HTTP_ORIGIN") or "").strip().rstrip("/")
        if not origin or origin.lower() not in self.origins:
            return json_response(403, {"msg": "This origin may not call the API", "code": "forbidden"})
        return Response(status=204, headers={
            "Access-Control-Allow-Methods": "GET, POST, DELETE",
            "Access-Control-Allow-Headers": "Authorization, Content-Type, X-Request-ID",
            "Access-Control-Max-Age": "600"})

    def _answer(self, environ, start_response):
        started = time.monotonic()
        request_id = request_id_of(environ)
        if "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
            environ["wsgi.input_terminated"] = True  # eventlet decodes the chunks and ends the stream
        request = Request(environ, shallow=True)
        adapter = self.url_map.bind_to_environ(environ)
        route = "unmatched"
        try:
            inputs.check_request_line(environ)
            if request.method == "OPTIONS" and environ.get("HTTP_ACCESS_CONTROL_REQUEST_METHOD"):
                raise _Answered(self._preflight(environ))
            if request.method not in ("GET", "HEAD", "OPTIONS") and not origin_allowed(environ, self.origins):
                raise _Answered(json_response(403, {"msg": "This origin may not call the API", "code": "forbidden"}))
            provider, values = adapter.match()
            route = getattr(provider, "url", route)
            request.path_values = values
            response = provider.handle_request(request)
        except (NotFound, MethodNotAllowed) as exc:
            # No API route: the web app's pages and assets, served here without a worker.
            response = self.app_files.response(request)
            if response is None:
                served = self.app_files.methods(request.path)
                if served and request.method not in served:  # the app's path, another method: say what it takes
                    api = set(exc.valid_methods or ()) if isinstance(exc, MethodNotAllowed) else set()
                    exc = MethodNotAllowed(valid_methods=sorted(api | served))
                response = error_response(exc, request_id)
            else:
                route = "app"
        except HTTPException as exc:
            response = error_response(exc, request_id)
        except _Answered as answered:
            response = answered.response
        except JobsightError as exc:
            response = error_response(exc, request_id)
        if hasattr(response, "headers"):  # a websocket upgrade is a bare WSGI app
            self._secure(environ, response, app=route == "app")
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


CLIENT_CLOSED = 499  # the status proxies log for a request its client abandoned
ABANDON_CHECK_SECONDS = 0.5


class ClientGone(Exception):
    pass


def _client_socket(environ):
    """The client's real socket under eventlet's wsgi input, or None."""
    stream = environ.get("eventlet.input")
    raw = getattr(getattr(getattr(stream, "rfile", None), "raw", None), "_sock", None)
    return getattr(raw, "fd", raw)


def _closed(raw) -> bool:
    """The peer closed its end: a read would return end of file (pipelined bytes are not)."""
    try:
        return raw.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
    except (BlockingIOError, InterruptedError):
        return False
    except OSError:
        return True


class _Answered(Exception):
    """A response decided before any route (a CORS preflight, a refused origin)."""

    def __init__(self, response):
        super().__init__()
        self.response = response


PROTOCOL_KEY = "jobsight.protocol"  # the connection's GatewayProtocol, in each request's environ


def _body_left(environ) -> bool:
    """Whether the request's body was not read to its end (an error answered before reading it)."""
    body = environ.get("eventlet.input")
    if body is None:
        return False
    if body.chunked_input:
        return body.chunk_length != 0
    return body.position < (body.content_length or 0)


def _raw_response(status: str, body: dict, headers: str = "") -> bytes:
    """A whole JSON response as bytes, for answers written to the socket before any app runs."""
    data = json.dumps(body).encode()
    return (f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\n{headers}Connection: close\r\n"
            f"Content-Length: {len(data)}\r\n\r\n").encode() + data


_BUSY = _raw_response("503 Service Unavailable", {"msg": "This gateway is busy; try again shortly",
                                                  "code": "service_unavailable"}, "Retry-After: 1\r\n")
_URI_TOO_LONG = _raw_response("414 URI Too Long", {"msg": f"URL too long (at most {inputs.MAX_URL} bytes)",
                                                   "code": "uri_too_long"})
_HEAD_TOO_SLOW = _raw_response("408 Request Timeout", {"msg": "The request's headers did not arrive in time",
                                                      "code": "request_timeout"})


class _HeadTooSlow(Exception):
    pass


class GatewayProtocol(HttpOnlyProtocol):
    """eventlet's HTTP protocol with a deadline for each request's head and JSON for the errors
    it answers itself, sending responses as soon as they are written.

    Without TCP_NODELAY, a response larger than one TCP segment (written as headers, then body)
    waited for the client's delayed ACK of the headers, about 40 ms, on a kept-alive connection."""

    def setup(self):
        super().setup()
        try:
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except (OSError, AttributeError):
            pass

    # The whole head of a request (its line and headers) must arrive within the socket timeout
    # of the server starting to wait for it, not merely each byte within it: headers trickled a
    # byte at a time would otherwise hold a connection for hours (a slowloris). An idle
    # kept-alive connection ends the same way. The body has its deadline where it is read
    # (jobsight.web.inputs.json_body).

    def _read_request_line(self):
        self._head_deadline = eventlet.Timeout(self.server.socket_timeout, _HeadTooSlow())
        try:
            line = super()._read_request_line()
        except _HeadTooSlow:  # no complete request line in time: close without a word
            line = b""
        except BaseException:
            self._end_head()
            raise
        if not line:
            self._end_head()
            self.close_connection = 1
            return b""
        if len(line) >= self.server.url_length_limit:
            # eventlet would answer this itself, with an empty 414; this one is JSON like every
            # other error. An empty line makes eventlet close the connection without a word.
            self._end_head()
            self.wfile.write(_URI_TOO_LONG)
            return b""
        return line

    def parse_request(self):  # reads the headers
        try:
            return super().parse_request()
        except _HeadTooSlow:
            self.close_connection = 1
            try:
                self.wfile.write(_HEAD_TOO_SLOW)
                self.wfile.flush()
            except OSError:
                pass
            return False
        finally:
            self._end_head()

    def get_environ(self):
        environ = super().get_environ()
        # What the app left of a body is not read after the answer (a client trickling it would
        # hold the connection): the connection closes instead, and the client opens another.
        environ["eventlet.input"].discard = self._close_instead_of_draining
        environ[PROTOCOL_KEY] = self
        return environ

    def _close_instead_of_draining(self, *args) -> None:
        self.close_connection = 1

    def _end_head(self) -> None:
        deadline, self._head_deadline = getattr(self, "_head_deadline", None), None
        if deadline is not None:
            deadline.cancel()


class JsonWebServer(WebServer):
    """nameko's web server with bounds: a socket timeout on every read (a half-sent request
    is dropped), at most MAX_CONNECTIONS open connections (the next one is answered 503 at once
    and closed) and, in the app, at most MAX_IN_FLIGHT requests being answered."""

    def get_wsgi_app(self):
        return JsonWsgiApp(self)

    def get_wsgi_server(self, sock, wsgi_app, protocol=GatewayProtocol, debug=False):
        from eventlet import wsgi
        from logging import getLogger

        bounds = limits(self.container.config)
        self.max_connections = bounds["MAX_CONNECTIONS"]
        self.connections = 0
        # Long URLs reach the app, which answers them with a JSON 414 (inputs.MAX_URL).
        return wsgi.Server(sock, sock.getsockname(), wsgi_app, protocol=protocol, debug=debug,
                           log=getLogger("nameko.web.server"), socket_timeout=bounds["SOCKET_TIMEOUT"],
                           url_length_limit=inputs.MAX_URL + 4096)

    def run(self):
        while self._is_accepting:
            sock, addr = self._sock.accept()
            sock.settimeout(self._serv.socket_timeout)
            if self.connections >= self.max_connections:
                try:
                    sock.sendall(_BUSY)
                finally:
                    sock.close()
                continue
            self.connections += 1
            self.container.spawn_managed_thread(partial(self._process, sock, addr))

    def _process(self, sock, addr):
        try:
            self.process_request(sock, addr)
        finally:
            self.connections -= 1

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
        # nameko's own version, with the request id in error bodies, and the worker cancelled
        # when its client goes away before the answer.
        request.shallow = False
        try:
            context_data = self.server.context_data_from_headers(request)
            args, kwargs = self.get_entrypoint_parameters(request)
            self.check_signature(args, kwargs)
            event = Event()
            worker_ctx = self.container.spawn_worker(self, args, kwargs, context_data=context_data,
                                                     handle_result=partial(self.handle_result, event))
            watcher = eventlet.spawn(self._cancel_if_abandoned, request.environ, worker_ctx, event)
            try:
                return self.response_from_result(event.wait())
            finally:
                watcher.kill()
        except ClientGone as exc:
            return json_response(CLIENT_CLOSED, {"msg": str(exc), "code": "client_closed_request"})
        except Exception as exc:
            return error_response(exc, request_id_of(request.environ))

    def _cancel_if_abandoned(self, environ, worker_ctx, event) -> None:
        """While the worker runs, look at the client's socket every half second: once the
        client has closed it, the worker is killed and the request ends (counted as 499)."""
        raw = _client_socket(environ)
        if raw is None:
            return
        while not event.ready():
            eventlet.sleep(ABANDON_CHECK_SECONDS)
            if event.ready() or not _closed(raw):
                continue
            worker = self.container._worker_threads.get(worker_ctx)
            if worker is not None:
                worker.kill()
            if not event.ready():
                event.send_exception(ClientGone("The client closed the connection before the answer"))
            return


route = JsonRoute.decorator
