"""One run of one source, end to end: crawl → normalize → store → events → statistics.

Framework-free: the scraper service hands in a session factory, a dispatcher and the
source's fetcher. Bad input never crashes a run: a malformed item or a page whose layout
changed is skipped, counted and logged with its URL, and what is stored stays stored.
"""
from __future__ import annotations

import logging
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import Callable

from jobsight.db.jobs import SourceRun
from jobsight.events import envelope
from jobsight.ingest import BatchOutcome, JobStore
from jobsight.normalize import Taxonomy, normalize
from jobsight.posting import Skip
from jobsight.sources import get_adapter
from jobsight.sources.crawl import CrawlStats, crawl

log = logging.getLogger("jobsight.runs")
BATCH_SIZE = 250
MAX_LOGGED_ERRORS = 20
SKIPS_EXPECTED = {"hn"}


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


def run_source(source: dict, fetcher, taxonomy: Taxonomy, session_factory: Callable, dispatch: Callable,
               pause: Callable[[], None] = lambda: None) -> RunStats:
    """Run ``source`` once; ``dispatch(event_type, payload)`` is called after each commit."""
    started = time.monotonic()
    now = datetime.now(timezone.utc)
    stats = RunStats(source=source["name"], started_at=now.isoformat())
    crawl_stats = CrawlStats()
    adapter = get_adapter(source["kind"])
    seen: set[str] = set()
    batch = []

    def flush():
        if batch:
            _store(source, batch, session_factory, dispatch, stats, now)
            batch.clear()

    try:
        for count, item in enumerate(crawl(source, fetcher, adapter, stats=crawl_stats), start=1):
            if count % 50 == 0:
                pause()  # let other green threads (RPC, other runs) in between CPU-bound work
            if isinstance(item, Skip):
                _note_skip(stats, item.url, item.reason)
                continue
            try:
                posting = normalize(item, taxonomy)
            except Exception as exc:  # a normalizer bug on one posting must not lose the run
                _note_skip(stats, item.url, f"normalization failed: {type(exc).__name__}: {exc}")
                continue
            if not posting.title or not posting.company or not posting.source_id:
                _note_skip(stats, item.url, "posting without title, company or id")
                continue
            seen.add(posting.source_id)
            batch.append(posting)
            if len(batch) >= BATCH_SIZE:
                flush()
        flush()
        stats.fetched = crawl_stats.fetched
        stats.errors += crawl_stats.errors
        stats.not_modified = crawl_stats.unchanged
        stats.complete = (crawl_stats.errors == 0 and not crawl_stats.truncated and not crawl_stats.aborted
                          and crawl_stats.start_not_modified == 0)
        # A run that could not read everything closes nothing: a posting it failed to read is
        # not a posting that disappeared. (On HN, comments that are not job posts are normal.)
        if stats.complete and (stats.skipped == 0 or source["kind"] in SKIPS_EXPECTED):
            with session_factory() as session:
                outcome = JobStore(session).close_missing(source["name"], seen, now)
                _commit_and_dispatch(session, outcome, dispatch, stats)
                stats.closed += outcome.closed
    except Exception as exc:  # storage trouble: record it, keep what was committed
        stats.errors += 1
        stats.error_messages.append(f"{type(exc).__name__}: {exc}"[:500])
        log.exception("run of %s failed", source["name"], extra={"source": source["name"]})
    stats.duration_ms = int((time.monotonic() - started) * 1000)
    _record(session_factory, stats, now)
    log.info("run of %s: %s new, %s updated, %s unchanged, %s closed, %s skipped, %s errors in %s ms",
             stats.source, stats.new, stats.updated, stats.unchanged, stats.closed, stats.skipped, stats.errors,
             stats.duration_ms, extra={"source": stats.source, "run": {k: v for k, v in stats.to_dict().items()
                                                                       if k != "error_messages"}})
    return stats


def _note_skip(stats: RunStats, url: str, reason: str) -> None:
    stats.skipped += 1
    if len(stats.error_messages) < MAX_LOGGED_ERRORS:
        stats.error_messages.append(f"{url}: {reason}"[:500])
    log.warning("skipped %s: %s", url, reason, extra={"source": stats.source, "url": url, "reason": reason})


def _store(source, postings, session_factory, dispatch, stats: RunStats, now) -> None:
    with session_factory() as session:
        outcome = JobStore(session).ingest(source["name"], source["kind"], postings, now)
        _commit_and_dispatch(session, outcome, dispatch, stats)
    stats.new += outcome.new
    stats.updated += outcome.updated
    stats.unchanged += outcome.unchanged


def _commit_and_dispatch(session, outcome: BatchOutcome, dispatch, stats: RunStats) -> None:
    jobs = JobStore(session).job_dicts(outcome.events) if outcome.events else []
    session.commit()
    # Events are facts: only what is committed is announced. A broker hiccup loses the event,
    # never the job: the warehouse's catch-up reads every change from export_jobs anyway.
    for job in jobs:
        try:
            dispatch(outcome.events[job["job_id"]], envelope({"job": job}))
            stats.events += 1
        except Exception as exc:
            stats.errors += 1
            if len(stats.error_messages) < MAX_LOGGED_ERRORS:
                stats.error_messages.append(f"dispatch failed: {type(exc).__name__}: {exc}"[:500])
            log.warning("could not dispatch %s for job %s: %s", outcome.events[job["job_id"]], job["job_id"], exc)


def _record(session_factory, stats: RunStats, now: datetime) -> None:
    try:
        with session_factory() as session:
            session.add(SourceRun(
                source_name=stats.source, started_at=now, finished_at=datetime.now(timezone.utc),
                fetched=stats.fetched, new=stats.new, updated=stats.updated, unchanged=stats.unchanged,
                closed=stats.closed, skipped=stats.skipped, errors=stats.errors, duration_ms=stats.duration_ms,
                details={"events": stats.events, "not_modified": stats.not_modified, "complete": stats.complete,
                         "messages": stats.error_messages}))
            session.commit()
    except Exception:
        log.exception("could not record the run of %s", stats.source)
