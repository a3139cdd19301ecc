"""The warehouse's catch-up: everything the owners changed since the watermark, page by page
through their export RPCs, then the subscriber snapshot, the aggregates and the quality checks.
Framework-free: the etl service hands in the warehouse and the calls to the owning services."""
from __future__ import annotations

import logging
from typing import Callable

log = logging.getLogger("jobsight.etl")


def catch_up(warehouse, export_jobs: Callable, subscriber_counts: Callable, source_counts: Callable,
             caught_up: Callable[[], bool], loaded: Callable, page_size: int) -> dict:
    """Run one catch-up (the caller holds the extract lock). ``export_jobs(after=, limit=)`` is the
    scraper's export; ``subscriber_counts()`` and ``source_counts()`` answer None when their owner
    cannot; ``loaded(result)`` announces each load that changed the warehouse."""
    cursor = warehouse.watermark()
    summary = {"pages": 0, "jobs": 0, "applied": 0, "rejected": 0}
    warehouse.sync_skills()
    while True:
        page = export_jobs(after=cursor, limit=page_size)
        # The export's last page has no cursor: keep the previous one and read that (short) page
        # again next time, so jobs changed since are not skipped.
        result = warehouse.load_page(page["jobs"], page["next"])
        loaded(result)
        summary["pages"] += 1
        summary["jobs"] += len(page["jobs"])
        summary["applied"] += len(result.applied)
        summary["rejected"] += result.rejected
        if not page["next"]:
            break
        cursor = page["next"]
    counts = subscriber_counts()
    if counts is not None:
        loaded(warehouse.replace_subscribers(counts))
    aggregated = warehouse.refresh_aggregates()
    if aggregated is not None:
        summary["aggregates_version"] = aggregated
    # Counts only reconcile when no event is waiting to be loaded.
    summary["checks"] = [c.as_dict() for c in warehouse.check_quality(source_counts() if caught_up() else None)]
    warehouse.finish_catch_up()
    log.info("catch-up read %(jobs)s jobs in %(pages)s pages, applied %(applied)s", summary,
             extra={k: v for k, v in summary.items() if k != "checks"})
    return summary
