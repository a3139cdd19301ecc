"""The web app's files, served by the gateway on the API's origin: ``index.html`` for every page
of the app, and the content-hashed files it loads from ``/assets/``.

The build (``make setup``: ``npm run build`` in ``frontend/``) writes them to ``frontend/dist``.
API routes always win: the gateway asks here only for a GET the API has no route for.
"""
from __future__ import annotations

import gzip
import hashlib
import mimetypes
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from werkzeug.wrappers import Request, Response

from jobsight.web.errors import json_response

DEFAULT_ROOT = Path(__file__).resolve().parents[2] / "frontend" / "dist"

# The app's own pages (its client-side routes): a reload or a shared link must get index.html.
# Listed rather than a catch-all, so a mistyped API path still answers a JSON 404.
PAGES = re.compile(r"^/(?:|job/[1-9][0-9]{0,17}|insights|account|inbox)$")
# The same pages as the OpenAPI document lists them (GET /account is the page, DELETE the API's).
PAGE_PATHS = ("/", "/job/{job_id}", "/insights", "/account", "/inbox")
MAX_PAGE_JOB_ID = 10**18 - 1
# Vite writes every asset flat into assets/, its name carrying a hash of its content.
ASSET = re.compile(r"^/assets/([A-Za-z0-9][A-Za-z0-9._-]{0,200})$")

# A hashed name never changes content, so browsers may keep it for good; index.html names the
# current hashes and must be revalidated on every load.
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
# Smaller than this, gzip's header and the Vary bookkeeping cost more than they save.
MIN_GZIP_BYTES = 512
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml")

# The app talks only to its own origin (HTTP and the websocket); charts draw on canvas.
# Chart.js and Preact set styles through the CSSOM, which style-src does not govern.
CSP = ("default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; "
       "script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")


@dataclass(frozen=True)
class _File:
    body: bytes
    gzipped: bytes | None
    content_type: str
    etag: str
    stamp: tuple  # (mtime_ns, size) of the file read, to notice a rebuild


class AppFiles:
    """Reads each file once (and gzips it once), then answers from memory."""

    def __init__(self, root: str | Path = DEFAULT_ROOT):
        self.root = Path(root)
        self._files: dict[Path, _File] = {}
        self._lock = threading.Lock()

    def response(self, request: Request) -> Response | None:
        """The app's answer to ``request``, or None when the path is not the app's."""
        if request.method not in ("GET", "HEAD"):
            return None
        asset = ASSET.match(request.path)
        if asset:
            found = self._read(self.root / "assets" / asset.group(1))
            if found is None:
                return None
            return self._send(request, found, IMMUTABLE)
        if PAGES.match(request.path):
            found = self._read(self.root / "index.html")
            if found is None:
                return json_response(503, {"msg": "The web app is not built: run make setup", "code": "app_not_built"})
            response = self._send(request, found, REVALIDATE)
            response.headers["Content-Security-Policy"] = CSP
            response.headers["Referrer-Policy"] = "same-origin"
            return response
        return None

    @staticmethod
    def methods(path: str) -> set[str]:
        """The methods the app answers at ``path``: GET and HEAD on its pages and assets."""
        return {"GET", "HEAD"} if PAGES.match(path) or ASSET.match(path) else set()

    def _read(self, path: Path) -> _File | None:
        try:
            info = path.stat()
        except OSError:
            return None
        if not path.is_file():
            return None
        stamp = (info.st_mtime_ns, info.st_size)
        cached = self._files.get(path)
        if cached is not None and cached.stamp == stamp:
            return cached
        with self._lock:
            body = path.read_bytes()
            content_type = _content_type(path)
            compress = len(body) >= MIN_GZIP_BYTES and content_type.startswith(COMPRESSIBLE)
            # mtime=0: the same bytes for the same file, whichever gateway instance answers.
            gzipped = gzip.compress(body, compresslevel=9, mtime=0) if compress else None
            if gzipped is not None and len(gzipped) >= len(body):
                gzipped = None
            found = _File(body, gzipped, content_type, '"%s"' % hashlib.sha256(body).hexdigest()[:32], stamp)
            self._files[path] = found
            return found

    @staticmethod
    def _send(request: Request, found: _File, cache_control: str) -> Response:
        headers = {"Cache-Control": cache_control, "ETag": found.etag, "X-Content-Type-Options": "nosniff"}
        if found.gzipped is not None:
            headers["Vary"] = "Accept-Encoding"
        if found.etag in request.headers.get("If-None-Match", ""):
            return Response(status=304, headers=headers)
        body = found.body
        if found.gzipped is not None and _accepts_gzip(request):
            body = found.gzipped
            headers["Content-Encoding"] = "gzip"
        headers["Content-Length"] = str(len(body))
        return Response(body, status=200, headers=headers, content_type=found.content_type)


def _content_type(path: Path) -> str:
    kind = {".js": "text/javascript", ".mjs": "text/javascript", ".css": "text/css", ".html": "text/html",
            ".svg": "image/svg+xml", ".json": "application/json", ".woff2": "font/woff2"}.get(path.suffix)
    kind = kind or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"{kind}; charset=utf-8" if kind.startswith("text/") else kind


def _accepts_gzip(request: Request) -> bool:
    for part in request.headers.get("Accept-Encoding", "").split(","):
        name, _, params = part.strip().partition(";")
        if name.strip().lower() in ("gzip", "*"):
            return params.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False
