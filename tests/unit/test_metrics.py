"""What an operator reads off a process's /metrics: the figures each component keeps, exported
under one name each, read when Prometheus asks."""
import time
from datetime import datetime, timedelta, timezone

from prometheus_client import generate_latest

from jobsight import metrics


def scrape() -> str:
    return generate_latest(metrics.REGISTRY).decode()


def value(text: str, series: str) -> float | None:
    for line in text.splitlines():
        if line.startswith(series + " "):
            return float(line.rsplit(" ", 1)[1])
    return None


def test_each_circuit_shows_exactly_one_state_and_open_as_one():
    metrics.report("circuits", lambda: metrics.circuit_families({"users": "half-open", "insights": "open"}))
    try:
        text = scrape()
    finally:
        metrics.forget("circuits")
    states = {name: value(text, f'jobsight_circuit_state{{jobsight_circuit_state="{name}",target="users"}}')
              for name in ("closed", "open", "half-open")}
    assert states == {"closed": 0.0, "open": 0.0, "half-open": 1.0}
    assert value(text, 'jobsight_circuit_open{target="insights"}') == 1.0
    assert value(text, 'jobsight_circuit_open{target="users"}') == 0.0


def test_a_report_registered_again_replaces_the_old_one_and_a_failing_one_spoils_nothing():
    metrics.report("websocket", lambda: metrics.websocket_families(3))
    metrics.report("websocket", lambda: metrics.websocket_families(5))
    metrics.report("broken", lambda: 1 / 0)
    try:
        text = scrape()
    finally:
        metrics.forget("websocket")
        metrics.forget("broken")
    assert value(text, "jobsight_websocket_clients") == 5.0
    assert text.count("# TYPE jobsight_websocket_clients gauge") == 1
    assert "jobsight_entrypoint_calls_total" in text  # the rest of the scrape is there


def test_the_outbox_backlog_and_an_unknown_backlog():
    metrics.report("outbox", lambda: metrics.outbox_families({"waiting": 7, "oldest_seconds": 12.5, "published": 40}))
    text = scrape()
    metrics.report("outbox", lambda: metrics.outbox_families({"error": "OperationalError", "published": 40}))
    unknown = scrape()
    metrics.forget("outbox")
    assert value(text, "jobsight_outbox_waiting") == 7.0
    assert value(text, "jobsight_outbox_oldest_seconds") == 12.5
    assert value(text, "jobsight_outbox_published_total") == 40.0
    assert value(unknown, "jobsight_outbox_waiting") == -1.0  # the database did not answer


def test_cache_counts_and_node_state():
    stats = {"enabled": True, "requests": 10, "hits": 6, "misses": 3, "coalesced": 1, "bypassed": 0, "forwarded": 0,
             "errors": 2, "nodes": {"cache-1": {"state": "up"}, "cache-2": {"state": "down"}}}
    metrics.report("cache", lambda: metrics.cache_families(stats))
    text = scrape()
    metrics.forget("cache")
    assert value(text, 'jobsight_cache_requests_total{result="hits"}') == 6.0
    assert value(text, 'jobsight_cache_requests_total{result="misses"}') == 3.0
    assert value(text, 'jobsight_cache_node_up{node="cache-1"}') == 1.0
    assert value(text, 'jobsight_cache_node_up{node="cache-2"}') == 0.0


def test_a_source_run_counts_by_outcome_and_only_a_good_run_moves_the_last_success():
    source = f"test-{time.monotonic_ns()}"
    base = {"source": source, "fetched": 0, "new": 0, "updated": 0, "closed": 0, "skipped": 0, "errors": 0,
            "duration_ms": 0, "not_modified": False, "complete": False}
    metrics.source_run({**base, "errors": 1})
    assert value(scrape(), f'jobsight_source_last_success_timestamp_seconds{{source="{source}"}}') is None
    metrics.source_run({**base, "fetched": 12, "new": 10, "updated": 2, "skipped": 1, "duration_ms": 1500,
                        "complete": True})
    metrics.source_run({**base, "not_modified": True, "complete": True})
    text = scrape()
    assert value(text, f'jobsight_source_runs_total{{outcome="failed",source="{source}"}}') == 1.0
    assert value(text, f'jobsight_source_runs_total{{outcome="complete",source="{source}"}}') == 1.0
    assert value(text, f'jobsight_source_runs_total{{outcome="not_modified",source="{source}"}}') == 1.0
    assert value(text, f'jobsight_source_postings_total{{source="{source}"}}') == 12.0
    assert value(text, f'jobsight_source_jobs_changed_total{{change="new",source="{source}"}}') == 10.0
    assert value(text, f'jobsight_source_skips_total{{source="{source}"}}') == 1.0
    assert value(text, f'jobsight_source_errors_total{{source="{source}"}}') == 1.0
    assert value(text, f'jobsight_source_not_modified_total{{source="{source}"}}') == 1.0
    assert value(text, f'jobsight_source_run_seconds_sum{{source="{source}"}}') == 1.5
    assert abs(value(text, f'jobsight_source_last_success_timestamp_seconds{{source="{source}"}}') - time.time()) < 60


def test_warehouse_status_becomes_gauges():
    metrics.warehouse({"version": 42, "lag": {"events": 3, "seconds": 75.5}, "jobs": {"open": 90, "closed": 10},
                       "events": {"applied": 100, "rejected": 2},
                       "quality": {"ok": False, "checks": {"salary_range": {"ok": False, "failures": 4}}}})
    text = scrape()
    assert value(text, "jobsight_warehouse_version") == 42.0
    assert value(text, "jobsight_etl_lag_seconds") == 75.5
    assert value(text, "jobsight_etl_lag_events") == 3.0
    assert value(text, 'jobsight_warehouse_jobs{status="open"}') == 90.0
    assert value(text, 'jobsight_warehouse_events{outcome="rejected"}') == 2.0
    assert value(text, 'jobsight_warehouse_quality_failures{check="salary_range"}') == 4.0


def test_push_latency_is_measured_from_the_commit():
    before = value(scrape(), "jobsight_notification_push_seconds_count") or 0.0
    total = value(scrape(), "jobsight_notification_push_seconds_sum") or 0.0
    committed = (datetime.now(timezone.utc) - timedelta(seconds=2)).isoformat()
    metrics.pushed(committed)
    metrics.pushed("not a date")  # counted as pushed, not timed
    text = scrape()
    assert value(text, "jobsight_notification_push_seconds_count") == before + 1
    assert 1.9 < value(text, "jobsight_notification_push_seconds_sum") - total < 10
