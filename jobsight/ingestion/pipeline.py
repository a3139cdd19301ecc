"""One run of one source through the ingestion stages (listed in ``jobsight.ingestion.STAGES``).

Framework-free: the scraper service hands in a unit-of-work factory and the source's fetcher.
Each batch is resolved, stored and announced (its events written to the outbox) in one
transaction of its own: a job and its event are committed together or not at all, and the
relay publishes the event (jobsight.outbox). Bad input never crashes a run: a malformed item or a page whose
layout changed is skipped, counted and logged with its URL, and what is stored stays stored.
"""
from __future__ import annotations

import logging
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import Callable, Iterable, Iterator

from jobsight.ingestion.repository import BatchOutcome
from jobsight.ingestion.resolver import resolve, with_keys
from jobsight.normalize import Taxonomy, normalize
from jobsight.posting import Posting, RawPosting, Skip
from jobsight.sources import get_adapter
from jobsight.sources.crawl import CrawlStats, crawl

log = logging.getLogger("jobsight.ingestion")
BATCH_SIZE = 250
MAX_LOGGED_ERRORS = 20
SKIPS_EXPECTED = {"hn"}
PAUSE_EVERY = 50


@dataclass
class RunStats:
    source: str
    started_at: str
    fetched: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    closed: int = 0
    skipped: int = 0
    errors: int = 0
    events: int = 0
    duration_ms: int = 0
    not_modified: bool = False
    complete: bool = False
    error_messages: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)

    def note(self, message: str) -> None:
        if len(self.error_messages) < MAX_LOGGED_ERRORS:
            self.error_messages.append(message[:500])

    def skip(self, url: str, reason: str) -> None:
        self.skipped += 1
        self.note(f"{url}: {reason}")
        log.warning("skipped %s: %s", url, reason, extra={"source": self.source, "url": url, "reason": reason})

    def add(self, outcome: BatchOutcome) -> None:
        self.new += outcome.new
        self.updated += outcome.updated
        self.unchanged += outcome.unchanged
        self.closed += outcome.closed


# -- the stages, in order --------------------------------------------------------------------

def fetch_and_parse(source: dict, fetcher, crawl_stats: CrawlStats) -> Iterator[RawPosting | Skip]:
    """fetch → parse: the source's pages through its polite fetcher, read by its adapter
    (``jobsight/sources/<kind>.py``); a page's links decide the next fetches."""
    return crawl(source, fetcher, get_adapter(source["kind"]), stats=crawl_stats)


def normalized(items: Iterable[RawPosting | Skip], taxonomy: Taxonomy, stats: RunStats,
               pause: Callable[[], None]) -> Iterator[Posting]:
    """normalize: skills, salary, experience, workplace, location; what cannot be is skipped."""
    for count, item in enumerate(items, start=1):
        if count % PAUSE_EVERY == 0:
            pause()  # let other green threads (RPC, other runs) in between CPU-bound work
        if isinstance(item, Skip):
            stats.skip(item.url, item.reason)
            continue
        try:
            posting = normalize(item, taxonomy)
        except Exception as exc:  # a normalizer bug on one posting must not lose the run
            stats.skip(item.url, f"normalization failed: {type(exc).__name__}: {exc}")
            continue
        if not posting.title or not posting.company or not posting.source_id:
            stats.skip(item.url, "posting without title, company or id")
            continue
        yield posting


def resolve_and_store(uow, source: dict, postings: list[Posting], now: datetime) -> BatchOutcome:
    """resolve → store, inside the caller's transaction: each posting linked to its canonical
    job (``jobsight.ingestion.resolver``), then written (``JobRepository.store``)."""
    keyed = with_keys(postings)  # each posting's dedup keys, computed once for both stages
    uow.jobs.lock_companies(keys.company for _, keys in keyed)
    resolutions = resolve(uow.session, source["name"], keyed)
    return uow.jobs.store(source["name"], source["kind"], resolutions, now)


def announce(outbox, outcome: BatchOutcome, payloads: list, stats: RunStats) -> None:
    """announce: one event per changed job, written to the outbox in the batch's transaction, so
    it exists exactly when the change does; a broker outage delays it, never loses it."""
    for job in payloads:
        outbox.add(outcome.events[job.job_id], {"job": job.to_dict()})
        stats.events += 1


# -- a run --------------------------------------------------------------------------------------

def run_source(source: dict, fetcher, taxonomy: Taxonomy, units: Callable,
               pause: Callable[[], None] = lambda: None) -> RunStats:
    """Run ``source`` once; ``units()`` opens a unit of work on jobs_db (``JobsUnit``)."""
    started = time.monotonic()
    now = datetime.now(timezone.utc)
    stats = RunStats(source=source["name"], started_at=now.isoformat())
    crawl_stats = CrawlStats()
    seen: set[str] = set()
    try:
        postings = normalized(fetch_and_parse(source, fetcher, crawl_stats), taxonomy, stats, pause)
        for batch in _batches(postings, BATCH_SIZE):
            seen.update(p.source_id for p in batch)
            _store_and_announce(units, stats, lambda uow, batch=batch: resolve_and_store(uow, source, batch, now))
        stats.fetched = crawl_stats.fetched
        stats.errors += crawl_stats.errors
        stats.not_modified = crawl_stats.unchanged
        stats.complete = (crawl_stats.errors == 0 and not crawl_stats.truncated and not crawl_stats.aborted
                          and crawl_stats.start_not_modified == 0)
        # A run that could not read everything closes nothing: a posting it failed to read is
        # not a posting that disappeared. (On HN, comments that are not job posts are normal.)
        if stats.complete and (stats.skipped == 0 or source["kind"] in SKIPS_EXPECTED):
            _store_and_announce(units, stats, lambda uow: uow.jobs.close_missing(source["name"], seen, now))
    except Exception as exc:  # storage trouble: record it, keep what was committed
        stats.errors += 1
        stats.error_messages.append(f"{type(exc).__name__}: {exc}"[:500])
        log.exception("run of %s failed", source["name"], extra={"source": source["name"]})
    stats.duration_ms = int((time.monotonic() - started) * 1000)
    _record(units, stats, now)
    log.info("run of %s: %s new, %s updated, %s unchanged, %s closed, %s skipped, %s errors in %s ms",
             stats.source, stats.new, stats.updated, stats.unchanged, stats.closed, stats.skipped, stats.errors,
             stats.duration_ms, extra={"source": stats.source, "run": {k: v for k, v in stats.to_dict().items()
                                                                       if k != "error_messages"}})
    return stats


def _batches(postings: Iterable[Posting], size: int) -> Iterator[list[Posting]]:
    batch: list[Posting] = []
    for posting in postings:
        batch.append(posting)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _store_and_announce(units: Callable, stats: RunStats, work: Callable) -> None:
    with units() as uow:
        outcome = work(uow)
        events = stats.events
        announce(uow.outbox, outcome, uow.jobs.payloads(outcome.events) if outcome.events else [], stats)
        try:
            uow.commit()
        except Exception:
            stats.events = events  # nothing of this batch was committed, its events included
            raise
    stats.add(outcome)


def _record(units: Callable, stats: RunStats, started_at: datetime) -> None:
    try:
        with units() as uow:
            uow.runs.record(stats, started_at)
            uow.commit()
    except Exception:
        log.exception("could not record the run of %s", stats.source)
