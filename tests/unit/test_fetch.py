"""The polite fetcher and the crawl loop, against a real HTTP server on 127.0.0.1."""
import threading
import time
from collections import defaultdict

import pytest
import requests
from requests_html import HTMLSession
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from jobsight import __version__
from jobsight.sources import greenhouse, lever, rabota
from jobsight.sources.crawl import CrawlStats, crawl
from jobsight.sources.fetch import DisallowedByRobots, FetchError, Fetcher, SourceUnavailable, USER_AGENT


class Board:
    """A scripted HTTP server: each path answers from a queue of responses, the last one repeating."""

    def __init__(self):
        self.scripts = defaultdict(list)
        self.requests = []
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02},
                                       daemon=True)
        self.thread.start()

    def on(self, path, *responses):
        self.scripts[path].extend(responses)

    def hits(self, path):
        return [r for r in self.requests if r["path"] == path]

    @Request.application
    def app(self, request):
        self.requests.append({"path": request.full_path.rstrip("?"), "headers": dict(request.headers),
                              "at": time.monotonic()})
        script = self.scripts.get(request.full_path.rstrip("?")) or self.scripts.get(request.path)
        if not script:
            return Response("not found", status=404)
        spec = script.pop(0) if len(script) > 1 else script[0]
        if callable(spec):
            return spec(request)
        status, body, headers = (spec + ({},))[:3] if len(spec) == 2 else spec
        return Response(body, status=status, headers=headers)


@pytest.fixture
def board():
    server = Board()
    yield server
    server.server.shutdown()
    server.server.server_close()


def fast_fetcher(**overrides):
    options = dict(rate_limit=0, max_attempts=3, backoff_initial=0.01, backoff_max=0.02, timeout=5)
    options.update(overrides)
    return Fetcher({"name": "test", "kind": "greenhouse"}, **options)


def test_sends_jobsight_user_agent(board):
    board.on("/a", (200, "ok"))
    result = fast_fetcher().fetch(f"{board.url}/a")
    assert (result.status, result.text, result.not_modified) == (200, "ok", False)
    assert board.hits("/a")[0]["headers"]["User-Agent"] == USER_AGENT
    assert USER_AGENT.startswith(f"Jobsight/{__version__} (+https://github.com/jobsight/jobsight)")


def test_503_then_200_is_retried(board):
    board.on("/flaky", (503, "busy"), (200, "fine"))
    assert fast_fetcher().fetch(f"{board.url}/flaky").text == "fine"
    assert len(board.hits("/flaky")) == 2


def test_429_retry_after_seconds_is_honoured(board):
    board.on("/limited", (429, "slow down", {"Retry-After": "1"}), (200, "ok"))
    started = time.monotonic()
    assert fast_fetcher().fetch(f"{board.url}/limited").text == "ok"
    first, second = board.hits("/limited")
    assert 0.9 <= second["at"] - first["at"] < 3
    assert time.monotonic() - started >= 0.9


def test_retry_after_is_capped(board):
    board.on("/limited", (429, "slow down", {"Retry-After": "3600"}), (200, "ok"))
    started = time.monotonic()
    assert fast_fetcher(retry_after_cap=0.2).fetch(f"{board.url}/limited").text == "ok"
    assert time.monotonic() - started < 2


def test_404_is_a_fetch_error_without_retry(board):
    with pytest.raises(FetchError) as raised:
        fast_fetcher().fetch(f"{board.url}/missing")
    assert raised.value.status == 404 and not isinstance(raised.value, SourceUnavailable)
    assert len(board.hits("/missing")) == 1


def test_persistent_5xx_gives_up_after_max_attempts(board):
    board.on("/down", (500, "boom"))
    with pytest.raises(FetchError) as raised:
        fast_fetcher(max_attempts=3).fetch(f"{board.url}/down")
    assert raised.value.status == 500 and len(board.hits("/down")) == 3


def test_breaker_opens_after_failures_then_fails_fast(board):
    board.on("/down", (503, "boom"))
    fetcher = fast_fetcher(max_attempts=1, fail_max=2, reset_timeout=60)
    assert fetcher.breaker_state == "closed"
    with pytest.raises(FetchError):
        fetcher.fetch(f"{board.url}/down")
    with pytest.raises(SourceUnavailable):  # the second failure trips it
        fetcher.fetch(f"{board.url}/down")
    assert fetcher.breaker_state == "open"
    calls = len(board.requests)
    with pytest.raises(SourceUnavailable):
        fetcher.fetch(f"{board.url}/down")
    assert len(board.requests) == calls  # failed fast, nothing sent


def test_breaker_half_opens_after_reset_timeout_and_closes_on_success(board):
    board.on("/x", (503, "boom"), (200, "back"))
    fetcher = fast_fetcher(max_attempts=1, fail_max=1, reset_timeout=0.2)
    with pytest.raises(SourceUnavailable):
        fetcher.fetch(f"{board.url}/x")
    assert fetcher.breaker_state == "open"
    time.sleep(0.3)
    assert fetcher.fetch(f"{board.url}/x").text == "back"
    assert fetcher.breaker_state == "closed"


def test_client_errors_do_not_trip_the_breaker(board):
    fetcher = fast_fetcher(fail_max=2)
    for _ in range(4):
        with pytest.raises(FetchError):
            fetcher.fetch(f"{board.url}/missing")
    assert fetcher.breaker_state == "closed"


def test_etag_conditional_get_and_304(board):
    def conditional(request):
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304)
        return Response("feed", headers={"ETag": '"v1"', "Last-Modified": "Mon, 06 May 2024 10:00:00 GMT"})

    board.on("/feed.rss", conditional)
    store = {}
    fetcher = fast_fetcher(validators=store)
    first = fetcher.fetch(f"{board.url}/feed.rss")
    assert first.text == "feed" and not first.not_modified
    assert store[f"{board.url}/feed.rss"]["etag"] == '"v1"'
    second = fetcher.fetch(f"{board.url}/feed.rss")
    assert second.not_modified and second.status == 304
    sent = board.hits("/feed.rss")[1]["headers"]
    assert sent["If-None-Match"] == '"v1"' and sent["If-Modified-Since"] == "Mon, 06 May 2024 10:00:00 GMT"
    # A fresh fetcher sharing the store (e.g. after a restart) is conditional too.
    assert fast_fetcher(validators=store).fetch(f"{board.url}/feed.rss").not_modified


def test_robots_disallow_for_html_pages(board):
    board.on("/robots.txt", (200, "User-agent: *\nDisallow: /private/\n"))
    board.on("/careers", (200, "<html></html>"))
    fetcher = fast_fetcher(respect_robots=True)
    with pytest.raises(DisallowedByRobots):
        fetcher.fetch(f"{board.url}/private/job-1")
    assert fetcher.fetch(f"{board.url}/careers").status == 200
    fetcher.fetch(f"{board.url}/careers")
    assert len(board.hits("/robots.txt")) == 1  # cached per host
    assert board.hits("/private/job-1") == []


def test_html_kinds_check_robots_by_default_and_missing_robots_allows(board):
    board.on("/page", (200, "<html></html>"))
    fetcher = Fetcher({"kind": "rabota"}, rate_limit=0, max_attempts=1)
    assert fetcher.respect_robots and not Fetcher({"kind": "lever"}).respect_robots
    assert fetcher.fetch(f"{board.url}/page").status == 200  # robots.txt is a 404


def test_rate_limit_spaces_requests(board):
    board.on("/a", (200, "ok"))
    fetcher = fast_fetcher(rate_limit=10)  # at most one request per 0.1 s
    for _ in range(3):
        fetcher.fetch(f"{board.url}/a")
    times = [hit["at"] for hit in board.hits("/a")]
    assert times[2] - times[0] >= 0.18


def test_rate_limit_read_from_source_config():
    assert Fetcher({"rate_limit": 0.5}).min_interval == 2.0


def test_default_session_is_requests_html_without_a_browser_identity(board):
    board.on("/careers", (200, "<html><body>ok</body></html>"))
    fetcher = Fetcher({"kind": "jsonld"}, rate_limit=0, max_attempts=1, respect_robots=False)
    assert isinstance(fetcher.session, HTMLSession)
    assert fetcher.fetch(f"{board.url}/careers").text == "<html><body>ok</body></html>"
    assert board.hits("/careers")[0]["headers"]["User-Agent"] == USER_AGENT
    fetcher.close()
    assert not hasattr(fetcher.session, "_browser")  # no Chromium was ever launched


def test_a_given_session_is_used_and_told_the_user_agent(board):
    board.on("/a", (200, "ok"))
    session = requests.Session()
    fetcher = fast_fetcher(session=session)
    assert fetcher.session is session and fetcher.fetch(f"{board.url}/a").text == "ok"
    assert board.hits("/a")[0]["headers"]["User-Agent"] == USER_AGENT


def test_declared_charset_is_honoured_and_undeclared_means_utf8(board):
    board.on("/cp1251", (200, "Программист".encode("cp1251"), {"Content-Type": "text/html; charset=windows-1251"}))
    board.on("/plain", (200, "Programator în Chișinău".encode(), {"Content-Type": "text/html"}))
    fetcher = fast_fetcher()
    assert fetcher.fetch(f"{board.url}/cp1251").text == "Программист"
    assert fetcher.fetch(f"{board.url}/plain").text == "Programator în Chișinău"


def _lever_page(start, count):
    return "[" + ",".join(f'{{"id": "p{i}", "text": "Job {i}"}}' for i in range(start, start + count)) + "]"


def test_crawl_paginates_and_yields_postings_and_fetch_errors_as_skips(board):
    base = board.url
    board.on("/v0/postings/acme?mode=json&skip=0&limit=100", (200, _lever_page(0, 100)))
    board.on("/v0/postings/acme?mode=json&skip=100&limit=100", (200, _lever_page(100, 3)))
    source = {"kind": "lever", "base_url": base, "site": "acme", "rate_limit": 0}
    stats = CrawlStats()
    items = list(crawl(source, fast_fetcher(), lever, stats=stats))
    assert len(items) == 103 and stats.fetched == 2 and stats.postings == 103
    assert items[-1].title == "Job 102"


def test_crawl_records_skips_for_failed_detail_pages(board):
    listing = ('<div class="vacancy-list"><div class="vacancyCardItem previewCard">'
               '<a href="/ro/vacancy/111/a">a</a></div><div class="vacancyCardItem previewCard">'
               '<a href="/ro/vacancy/222/b">b</a></div></div>')
    detail = ('<div class="vc_detail"><div class="top-info"><h1>Dev</h1><span class="company-name">X</span>'
              '<span class="vacancy-id">ID <span>01.05.2024</span></span></div></div>')
    board.on("/ro/vacancies/category/it/1", (200, listing))
    board.on("/ro/vacancy/111/a", (200, detail))
    board.on("/ro/vacancy/222/b", (404, "gone"))
    source = {"kind": "rabota", "base_url": board.url, "max_pages": 1}
    stats = CrawlStats()
    items = list(crawl(source, fast_fetcher(respect_robots=True), rabota, stats=stats))
    postings = [i for i in items if hasattr(i, "title")]
    skips = [i for i in items if not hasattr(i, "title")]
    assert [p.source_id for p in postings] == ["111"]
    assert skips[0].url.endswith("/ro/vacancy/222/b") and "404" in skips[0].reason
    assert stats.errors == 1 and stats.fetched == 2


def test_crawl_not_modified_start_url_yields_nothing_and_is_unchanged(board):
    def conditional(request):
        if request.headers.get("If-None-Match") == '"b1"':
            return Response(status=304)
        return Response('{"jobs": [{"id": 1, "title": "Dev"}]}', headers={"ETag": '"b1"'})

    board.on("/v1/boards/acme/jobs", conditional)
    source = {"kind": "greenhouse", "base_url": board.url, "board": "acme"}
    fetcher = fast_fetcher()
    assert len(list(crawl(source, fetcher, greenhouse))) == 1
    stats = CrawlStats()
    assert list(crawl(source, fetcher, greenhouse, stats=stats)) == []
    assert stats.not_modified == 1 and stats.unchanged


def test_crawl_stops_when_the_breaker_opens(board):
    board.on("/v0/postings/acme?mode=json&skip=0&limit=100", (503, "down"))
    source = {"kind": "lever", "base_url": board.url, "site": "acme"}
    stats = CrawlStats()
    items = list(crawl(source, fast_fetcher(max_attempts=1, fail_max=1), lever, stats=stats))
    assert len(items) == 1 and stats.aborted


def test_crawl_bounded_by_max_requests(board):
    board.on("/v0/postings/acme?mode=json&skip=0&limit=100", (200, _lever_page(0, 100)))
    source = {"kind": "lever", "base_url": board.url, "site": "acme"}
    stats = CrawlStats()
    list(crawl(source, fast_fetcher(), lever, stats=stats, max_requests=1))
    assert stats.truncated and stats.fetched == 1
