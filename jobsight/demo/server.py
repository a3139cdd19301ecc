"""The demo job boards' HTTP server: a WSGI app serving a ``DemoWorld`` on loopback in every
source kind's native URL layout and shape, plus a small control API to move simulated time.

Run it with ``python -m jobsight.demo`` (see ``serve``); point the scraper at the sources from
``default_sources(base_url)`` or ``GET /_demo/sources.yml``.
"""
from __future__ import annotations

import hashlib
import json
import logging
import threading
from datetime import datetime
from typing import Callable

import yaml
from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.http import http_date, parse_date
from werkzeug.routing import Map, Rule
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from jobsight.demo import feeds, pages
from jobsight.demo.catalog import COMPANIES
from jobsight.demo.feeds import NotFound
from jobsight.demo.generate import KINDS, DemoWorld

_JSON = "application/json; charset=utf-8"
_HTML = "text/html; charset=utf-8"
_RSS = "application/rss+xml; charset=utf-8"
_MAX_CACHED = 4096

ROBOTS = "User-agent: *\nDisallow: /private/\nAllow: /\n"


def _rules() -> list[Rule]:
    # A Rule binds to one Map, so every app builds its own.
    return [
        Rule("/robots.txt", endpoint="robots"),
        Rule("/greenhouse/v1/boards", endpoint="greenhouse_boards"),
        Rule("/greenhouse/v1/boards/<board>", endpoint="greenhouse_board"),
        Rule("/greenhouse/v1/boards/<board>/jobs", endpoint="greenhouse"),
        Rule("/lever/v0/postings/<site>", endpoint="lever"),
        Rule("/ashby/posting-api/job-board/<board>", endpoint="ashby"),
        Rule("/remoteok/api", endpoint="remoteok"),
        Rule("/remotive/api/remote-jobs", endpoint="remotive"),
        Rule("/arbeitnow/api/job-board-api", endpoint="arbeitnow"),
        Rule("/hn-algolia/api/v1/search_by_date", endpoint="hn_search"),
        Rule("/hn/v0/item/<int:item_id>.json", endpoint="hn_item"),
        Rule("/wwr/remote-jobs.rss", endpoint="rss"),
        Rule("/careers/<company>/", endpoint="careers_index"),
        Rule("/careers/<company>/jobs/<int:jid>", endpoint="careers_job"),
        Rule("/rabota/ro/vacancies/category/it", endpoint="rabota_listing", defaults={"page": 1}),
        Rule("/rabota/ro/vacancies/category/it/<int:page>", endpoint="rabota_listing"),
        Rule("/rabota/ro/locuri-de-munca/<slug>/<int:vid>", endpoint="rabota_detail"),
        Rule("/_demo/state", endpoint="state", methods=["GET"]),
        Rule("/_demo/advance", endpoint="advance", methods=["POST"]),
        Rule("/_demo/reset", endpoint="reset", methods=["POST"]),
        Rule("/_demo/sources.yml", endpoint="sources", methods=["GET"]),
    ]


def _json(data: object) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


# endpoint -> (renderer taking (world, base, query, **route args), content type)
_BOARDS: dict[str, tuple[Callable, str]] = {
    "greenhouse_board": (lambda w, b, q, board: feeds.render_greenhouse_board(w, b, board, q), _JSON),
    "greenhouse": (lambda w, b, q, board: feeds.render_greenhouse(w, b, board, q), _JSON),
    "lever": (lambda w, b, q, site: feeds.render_lever(w, b, site, q), _JSON),
    "ashby": (lambda w, b, q, board: feeds.render_ashby(w, b, board, q), _JSON),
    "remoteok": (lambda w, b, q: feeds.render_remoteok(w, b, q), _JSON),
    "remotive": (lambda w, b, q: feeds.render_remotive(w, b, q), _JSON),
    "arbeitnow": (lambda w, b, q: feeds.render_arbeitnow(w, b, q), _JSON),
    "hn_search": (lambda w, b, q: feeds.render_hn_search(w, b, q), _JSON),
    "hn_item": (lambda w, b, q, item_id: feeds.render_hn_item(w, b, item_id, q), _JSON),
    "rss": (lambda w, b, q: feeds.render_rss(w, b, q), _RSS),
    "careers_index": (lambda w, b, q, company: pages.render_careers_index(w, b, company, q), _HTML),
    "careers_job": (lambda w, b, q, company, jid: pages.render_careers_job(w, b, company, jid, q), _HTML),
    "rabota_listing": (lambda w, b, q, page: pages.render_rabota_listing(w, b, page, q), _HTML),
    "rabota_detail": (lambda w, b, q, slug, vid: pages.render_rabota_detail(w, b, vid, q), _HTML),
}


class DemoApp:
    """WSGI app over one world. Rendered board responses are cached per (day, URL)."""

    def __init__(self, world: DemoWorld):
        self.world = world
        self.url_map = Map(_rules(), strict_slashes=False, redirect_defaults=False)
        self._cache: dict[tuple, tuple[int, str, bytes]] = {}
        self._lock = threading.Lock()

    def __call__(self, environ, start_response):
        request = Request(environ)
        try:
            response = self.dispatch(request)
        except HTTPException as exc:
            response = Response(_json({"error": exc.name, "status": exc.code}), exc.code,
                                content_type=_JSON)
        return response(environ, start_response)

    def dispatch(self, request: Request) -> Response:
        adapter = self.url_map.bind_to_environ(request.environ)
        endpoint, args = adapter.match()
        if endpoint == "robots":
            return Response(ROBOTS, content_type="text/plain; charset=utf-8")
        if endpoint == "state":
            return Response(_json(self.state()), content_type=_JSON)
        if endpoint == "advance":
            return self._advance(request)
        if endpoint == "reset":
            self.world.reset()
            return Response(_json(self.state()), content_type=_JSON)
        if endpoint == "sources":
            text = yaml.safe_dump({"sources": default_sources(_base(request))}, sort_keys=False)
            return Response(text, content_type="application/yaml; charset=utf-8")
        if endpoint == "greenhouse_boards":
            return Response(_json({"boards": self.world.boards("greenhouse")}), content_type=_JSON)
        if request.method not in ("GET", "HEAD"):
            raise MethodNotAllowed(valid_methods=["GET", "HEAD"])
        return self._board(request, endpoint, args)

    def _board(self, request: Request, endpoint: str, args: dict) -> Response:
        world = self.world
        day = world.day
        base = _base(request)
        query = sorted(request.args.items(multi=True))
        key = (day, base, request.path, tuple(query))
        etag = hashlib.sha1(repr((world.seed, world.count, key)).encode()).hexdigest()[:20]
        last_modified = world.now
        headers = {"ETag": f'"{etag}"', "Last-Modified": http_date(last_modified),
                   "Cache-Control": "max-age=60"}
        if _not_modified(request, etag, last_modified):
            return Response(status=304, headers=headers)
        cached = self._cache.get(key)
        if cached is None:
            render, content_type = _BOARDS[endpoint]
            try:
                body = render(world, base, dict(query), **args)
                status = 200
            except NotFound as exc:
                body, status = exc.body, 404
                if body is None:
                    body = {"error": "Not found"}
            if not isinstance(body, str):
                data = _json(body)
            else:
                data = body.encode()
            cached = (status, content_type, data)
            with self._lock:
                if len(self._cache) >= _MAX_CACHED:
                    self._cache.clear()
                self._cache[key] = cached
        status, content_type, data = cached
        if status != 200:
            headers = {}
        return Response(data, status, headers=headers, content_type=content_type)

    def _advance(self, request: Request) -> Response:
        raw = request.args.get("days", "1")
        try:
            days = int(raw)
        except ValueError:
            days = 0
        if not 1 <= days <= 3650:
            return Response(_json({"error": "days must be an integer from 1 to 3650"}), 400,
                            content_type=_JSON)
        self.world.advance(days)
        return Response(_json(self.state()), content_type=_JSON)

    def state(self) -> dict:
        w = self.world
        return {"seed": w.seed, "count": w.count, "day": w.day, "date": w.now.date().isoformat(),
                "visible_per_kind": {kind: len(w.visible(kind)) for kind in KINDS}}


def _base(request: Request) -> str:
    return request.host_url.rstrip("/")


def _not_modified(request: Request, etag: str, last_modified: datetime) -> bool:
    if request.if_none_match:
        return request.if_none_match.contains(etag)
    since = request.headers.get("If-Modified-Since")
    if since:
        parsed = parse_date(since)
        return parsed is not None and parsed >= last_modified
    return False


def make_app(world: DemoWorld) -> DemoApp:
    return DemoApp(world)


def default_sources(base_url: str) -> list[dict]:
    """Source config entries for every demo board on a server at ``base_url``."""
    base = base_url.rstrip("/")

    def entry(name: str, kind: str, **fields) -> dict:
        return {"name": name, "kind": kind, **fields, "interval": 300, "enabled": True,
                "rate_limit": 50}

    sources = []
    for kind, key in (("greenhouse", "board"), ("lever", "site"), ("ashby", "board")):
        for company in sorted((c for c in COMPANIES if c.ats == kind), key=lambda c: c.slug):
            sources.append(entry(f"{kind}-{company.slug}", kind, base_url=f"{base}/{kind}",
                                 **{key: company.slug}))
    for kind in ("remoteok", "remotive", "arbeitnow"):
        sources.append(entry(kind, kind, base_url=f"{base}/{kind}"))
    sources.append(entry("hn", "hn", base_url=f"{base}/hn", search_url=f"{base}/hn-algolia"))
    sources.append(entry("rss-wwr", "rss", base_url=f"{base}/wwr", path="/remote-jobs.rss"))
    careers = sorted(c.slug for c in COMPANIES if c.careers)
    sources.append(entry("jsonld-careers", "jsonld",
                         pages=[f"{base}/careers/{slug}/" for slug in careers]))
    sources.append(entry("rabota", "rabota", base_url=f"{base}/rabota"))
    return sources


def serve(host: str = "127.0.0.1", port: int = 8100, seed: int = 42, count: int = 3000,
          day: int = 0) -> None:
    """Serve the demo boards until interrupted."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    app = make_app(DemoWorld(seed=seed, count=count, day=day))
    server = make_server(host, port, app, threaded=True)
    print(f"demo job boards on http://{host}:{server.server_port}/ "
          f"(seed={seed}, count={count}, day={day})", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
