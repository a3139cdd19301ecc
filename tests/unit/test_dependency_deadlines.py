"""Every outgoing dependency has a deadline: SQL statements per service, HTTP sources, and the
source breakers' reset period per source."""
import requests

from jobsight import config as config_module
from jobsight.adapters.database import with_statement_timeout
from jobsight.sources.fetch import Fetcher


def test_statement_timeout_is_set_at_connect_for_the_service():
    config = {"DB_STATEMENT_TIMEOUT_MS": {"users": 5000}}
    options = with_statement_timeout({"pool_pre_ping": True}, config, "users")
    assert options == {"pool_pre_ping": True, "connect_args": {"options": "-c statement_timeout=5000"}}


def test_statement_timeout_keeps_the_other_connect_options():
    config = {"DB_STATEMENT_TIMEOUT_MS": {"users": 250}}
    options = with_statement_timeout({"connect_args": {"options": "-c search_path=x", "connect_timeout": 3}},
                                     config, "users")
    assert options["connect_args"] == {"options": "-c search_path=x -c statement_timeout=250", "connect_timeout": 3}


def test_zero_or_no_entry_means_no_limit():
    assert with_statement_timeout({"pool_size": 3}, {"DB_STATEMENT_TIMEOUT_MS": {"etl": 0}}, "etl") == {"pool_size": 3}
    assert with_statement_timeout({}, {}, "users") == {}


def test_the_shipped_config_bounds_every_database_owner():
    timeouts = config_module.load()["DB_STATEMENT_TIMEOUT_MS"]
    assert set(timeouts) == {"users", "scraper", "insights", "coordinator", "etl"}
    assert all(int(ms) > 0 for ms in timeouts.values())


def test_http_sources_have_connect_and_read_timeouts():
    with Fetcher({"name": "board"}, session=requests.Session()) as fetcher:
        assert fetcher.timeout == (10.0, 30.0)


def test_a_source_breaker_reset_comes_from_its_entry_else_five_minutes():
    with Fetcher({"name": "board", "breaker_reset": 42}, session=requests.Session()) as fetcher:
        assert fetcher._breaker.reset_timeout == 42
    with Fetcher({"name": "board"}, session=requests.Session()) as fetcher:
        assert fetcher._breaker.reset_timeout == 300
    with Fetcher({"name": "board", "breaker_reset": 42}, session=requests.Session(), reset_timeout=1) as fetcher:
        assert fetcher._breaker.reset_timeout == 1
