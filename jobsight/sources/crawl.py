"""Breadth-first crawl of one source: fetch start URLs, parse, follow, yield postings and skips."""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from types import ModuleType
from typing import Iterator
from urllib.parse import urldefrag

from jobsight.posting import RawPosting, Skip
from jobsight.sources.fetch import DisallowedByRobots, FetchError, Fetcher, SourceUnavailable

DEFAULT_MAX_REQUESTS = 5000


@dataclass
class CrawlStats:
    """What a crawl did; ``unchanged`` tells the caller every start URL answered 304."""

    fetched: int = 0
    not_modified: int = 0
    skipped: int = 0
    errors: int = 0
    postings: int = 0
    truncated: bool = False  # stopped at max_requests with URLs still queued
    aborted: bool = False  # the source's circuit breaker opened mid-crawl
    start_urls: int = 0
    start_not_modified: int = 0

    @property
    def unchanged(self) -> bool:
        return self.start_urls > 0 and self.start_not_modified == self.start_urls


def crawl(source: dict, fetcher: Fetcher, adapter: ModuleType, *, stats: CrawlStats | None = None,
          max_requests: int | None = None) -> Iterator[RawPosting | Skip]:
    """Yield every RawPosting and Skip the source gives, fetching each URL at most once.

    Listing pagination is bounded by the source's ``max_pages`` inside the adapters; the
    whole crawl by ``max_requests`` (detail pages and HN comments can run into thousands).
    """
    stats = stats if stats is not None else CrawlStats()
    limit = max_requests or source.get("max_requests") or DEFAULT_MAX_REQUESTS
    starts = [urldefrag(url)[0] for url in adapter.start_urls(source)]
    stats.start_urls = len(starts)
    queue = deque(starts)
    seen = set(starts)
    requests_made = 0
    while queue:
        if requests_made >= limit:
            stats.truncated = True
            return
        url = queue.popleft()
        requests_made += 1
        is_start = url in starts
        try:
            # Only start URLs are fetched conditionally: a 304 detail page would silently drop
            # a posting that is still live from this crawl's output.
            result = fetcher.fetch(url, conditional=is_start)
        except SourceUnavailable as exc:
            stats.errors += 1
            stats.aborted = True
            yield Skip(url, exc.reason)
            return
        except DisallowedByRobots as exc:
            stats.skipped += 1
            yield Skip(url, exc.reason)
            continue
        except FetchError as exc:
            stats.errors += 1
            yield Skip(url, exc.reason)
            continue
        if result.not_modified:
            stats.not_modified += 1
            stats.start_not_modified += is_start
            continue
        stats.fetched += 1
        parsed = adapter.parse(result.text, url, source)
        for posting in parsed.postings:
            stats.postings += 1
            yield posting
        for skip in parsed.skipped:
            stats.skipped += 1
            yield skip
        for target in parsed.follow:
            target = urldefrag(target)[0]
            if target not in seen:
                seen.add(target)
                queue.append(target)
