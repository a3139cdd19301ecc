"""`jobsight logs` filters: ages, levels and the query they become."""
from datetime import datetime, timezone

import pytest

from jobsight.cli import build_parser
from jobsight.logquery import build_query, parse_since

NOW = datetime(2026, 1, 2, 12, 0, tzinfo=timezone.utc)


def test_since_takes_ages_and_iso_times():
    assert parse_since("10m", NOW) == datetime(2026, 1, 2, 11, 50, tzinfo=timezone.utc)
    assert parse_since("1d", NOW) == datetime(2026, 1, 1, 12, 0, tzinfo=timezone.utc)
    assert parse_since("2026-01-02T10:00:00", NOW) == datetime(2026, 1, 2, 10, 0, tzinfo=timezone.utc)
    with pytest.raises(ValueError):
        parse_since("ten minutes", NOW)


def test_a_level_means_it_and_the_ones_above():
    query = build_query(request_id="r1", service="users", level="warning", since=NOW)
    filters = query["bool"]["filter"]
    assert {"term": {"trace.id": "r1"}} in filters and {"term": {"service.name": "users"}} in filters
    assert {"terms": {"log.level": ["WARNING", "ERROR", "CRITICAL"]}} in filters
    assert {"range": {"@timestamp": {"gte": NOW.isoformat()}}} in filters
    assert build_query() == {"match_all": {}}
    with pytest.raises(ValueError):
        build_query(level="loud")


def test_the_command_takes_every_filter():
    args = build_parser().parse_args(["logs", "--request-id", "r1", "--service", "gateway", "--level", "ERROR",
                                      "--since", "10m", "--follow"])
    assert (args.request_id, args.service, args.level, args.since, args.follow) == ("r1", "gateway", "ERROR", "10m", True)
