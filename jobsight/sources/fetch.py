"""The one polite HTTP fetcher every source crawl goes through.

Per source: a rate limit, retries with backoff for transient failures (honouring
Retry-After), a circuit breaker, robots.txt for HTML pages and conditional GET.

The HTTP session is requests-html's ``HTMLSession`` (a ``requests.Session``). Only its
transport is used: adapters build their trees with lxml from ``FetchResult.text`` (see
``native.load_html``), and ``HTML.render()`` is never called because it downloads a Chromium
build at run time.
"""
from __future__ import annotations

import threading
import time
import urllib.robotparser
from collections.abc import MutableMapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Callable
from urllib.parse import urlsplit

import pybreaker
import requests
from requests_html import HTMLSession
from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt, wait_random_exponential

import jobsight

USER_AGENT = f"Jobsight/{jobsight.__version__} (+https://github.com/jobsight/jobsight)"
# Kinds whose documents are web pages rather than published APIs or feeds.
HTML_KINDS = frozenset({"jsonld", "rabota"})
_BREAKER_STATES = {"closed": "closed", "open": "open", "half_open": "half-open", "half-open": "half-open"}


class FetchError(Exception):
    """A URL could not be fetched; the crawler records it as a Skip and moves on."""

    def __init__(self, url: str, reason: str, status: int | None = None):
        super().__init__(f"{url}: {reason}")
        self.url, self.reason, self.status = url, reason, status


class SourceUnavailable(FetchError):
    """The source's circuit breaker is open: fail fast instead of hammering a sick site."""


class DisallowedByRobots(FetchError):
    """robots.txt forbids Jobsight from fetching this page."""


class _ClientError(FetchError):
    """A 4xx other than 429: the request is wrong, so retrying or tripping the breaker is pointless."""


class _TransientStatus(Exception):
    def __init__(self, status: int, retry_after: float | None):
        super().__init__(f"HTTP {status}")
        self.status, self.retry_after = status, retry_after


@dataclass
class FetchResult:
    url: str
    status: int
    text: str
    not_modified: bool = False
    headers: dict[str, str] = field(default_factory=dict)


class Fetcher:
    """Fetches one source's URLs politely; build one per source and reuse it."""

    def __init__(
        self,
        source: dict | None = None,
        *,
        session: requests.Session | None = None,
        validators: MutableMapping | None = None,
        rate_limit: float | None = None,
        max_attempts: int = 4,
        backoff_initial: float = 1.0,
        backoff_max: float = 60.0,
        retry_after_cap: float = 120.0,
        timeout: float | tuple[float, float] = (10.0, 30.0),
        fail_max: int = 5,
        reset_timeout: float | None = None,
        respect_robots: bool | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ):
        source = source or {}
        self.name = str(source.get("name") or source.get("kind") or "source")
        rate = rate_limit if rate_limit is not None else source.get("rate_limit", 1.0)
        self.min_interval = 1.0 / rate if rate and rate > 0 else 0.0
        # mock_browser=False: sources are told who is crawling them, never a browser's identity.
        self.session = session if session is not None else HTMLSession(mock_browser=False)
        self.session.headers["User-Agent"] = USER_AGENT
        # ETag / Last-Modified per URL; pass a persistent mapping to survive restarts.
        self.validators = validators if validators is not None else {}
        self.max_attempts = max(1, max_attempts)
        self.retry_after_cap = retry_after_cap
        self.timeout = timeout
        self.respect_robots = (source.get("kind") in HTML_KINDS) if respect_robots is None else respect_robots
        self._sleep = sleep
        self._backoff = wait_random_exponential(multiplier=backoff_initial, max=backoff_max)
        # Seconds the circuit stays open: the source entry's breaker_reset, else five minutes.
        reset = reset_timeout if reset_timeout is not None else float(source.get("breaker_reset", 300.0))
        self._breaker = pybreaker.CircuitBreaker(
            fail_max=fail_max, reset_timeout=reset, exclude=[_ClientError], name=self.name)
        self._robots: dict[str, urllib.robotparser.RobotFileParser] = {}
        self._lock = threading.Lock()
        self._last_request = float("-inf")

    @property
    def breaker_state(self) -> str:
        return _BREAKER_STATES.get(self._breaker.current_state, self._breaker.current_state)

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> "Fetcher":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def fetch(self, url: str, *, conditional: bool = True) -> FetchResult:
        """GET ``url``; raises FetchError (or a subclass) when there is no usable answer."""
        if self.respect_robots and not self._allowed(url):
            raise DisallowedByRobots(url, "disallowed by robots.txt")
        headers = self._conditional_headers(url) if conditional else {}
        try:
            response = self._breaker.call(self._get_with_retries, url, headers)
        except pybreaker.CircuitBreakerError as exc:
            raise SourceUnavailable(url, f"circuit breaker open for {self.name}: {exc}") from None
        except _TransientStatus as exc:
            raise FetchError(url, f"HTTP {exc.status} after {self.max_attempts} attempts", exc.status) from None
        except requests.RequestException as exc:
            raise FetchError(url, f"{type(exc).__name__} after {self.max_attempts} attempts: {exc}") from None
        result_headers = dict(response.headers)
        if response.status_code == 304:
            return FetchResult(url, 304, "", not_modified=True, headers=result_headers)
        self._remember_validators(url, response)
        return FetchResult(url, response.status_code, _decode(response), headers=result_headers)

    def _get_with_retries(self, url: str, headers: dict[str, str]) -> requests.Response:
        retrying = Retrying(
            stop=stop_after_attempt(self.max_attempts),
            wait=self._wait,
            retry=retry_if_exception_type((_TransientStatus, requests.ConnectionError, requests.Timeout)),
            sleep=self._sleep,
            reraise=True,
        )
        return retrying(self._get_once, url, headers)

    def _get_once(self, url: str, headers: dict[str, str]) -> requests.Response:
        self._wait_for_turn()
        response = self.session.get(url, headers=headers, timeout=self.timeout, allow_redirects=True)
        status = response.status_code
        if status == 429 or status >= 500:
            retry_after = _retry_after_seconds(response.headers.get("Retry-After"))
            response.close()
            raise _TransientStatus(status, retry_after)
        if status >= 400:
            response.close()
            raise _ClientError(url, f"HTTP {status}", status)
        return response

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, _TransientStatus) and exc.retry_after is not None:
            return min(exc.retry_after, self.retry_after_cap)
        return self._backoff(state)

    def _wait_for_turn(self) -> None:
        """Space requests to this source at least ``min_interval`` apart, across threads."""
        if not self.min_interval:
            return
        with self._lock:
            now = time.monotonic()
            delay = self._last_request + self.min_interval - now
            if delay > 0:
                self._sleep(delay)
            self._last_request = max(now, self._last_request + self.min_interval)

    def _conditional_headers(self, url: str) -> dict[str, str]:
        saved = self.validators.get(url) or {}
        headers = {}
        if saved.get("etag"):
            headers["If-None-Match"] = saved["etag"]
        if saved.get("last_modified"):
            headers["If-Modified-Since"] = saved["last_modified"]
        return headers

    def _remember_validators(self, url: str, response: requests.Response) -> None:
        etag, last_modified = response.headers.get("ETag"), response.headers.get("Last-Modified")
        if etag or last_modified:
            self.validators[url] = {"etag": etag, "last_modified": last_modified}

    def _allowed(self, url: str) -> bool:
        parts = urlsplit(url)
        host = f"{parts.scheme}://{parts.netloc}"
        with self._lock:
            parser = self._robots.get(host)
        if parser is None:
            parser = self._load_robots(host)
            with self._lock:
                self._robots[host] = parser
        return parser.can_fetch(USER_AGENT, url)

    def _load_robots(self, host: str) -> urllib.robotparser.RobotFileParser:
        parser = urllib.robotparser.RobotFileParser(f"{host}/robots.txt")
        try:
            self._wait_for_turn()
            response = self.session.get(f"{host}/robots.txt", timeout=self.timeout)
        except requests.RequestException:
            # Unreachable robots.txt: treat like a missing one rather than blocking the source.
            parser.allow_all = True
            return parser
        if response.status_code in (401, 403):
            parser.disallow_all = True
        elif response.status_code >= 400:
            parser.allow_all = True
        else:
            parser.parse(_decode(response).splitlines())
        return parser


def _decode(response: requests.Response) -> str:
    # Without a declared charset, requests would guess (slowly) or assume Latin-1 for text/*;
    # the sources Jobsight reads are UTF-8.
    declared = "charset=" in response.headers.get("Content-Type", "").lower()
    encoding = response.encoding if declared and response.encoding else "utf-8"
    return response.content.decode(encoding, errors="replace")


def _retry_after_seconds(value: str | None) -> float | None:
    """Retry-After is either delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())
