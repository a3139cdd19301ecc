"""The etl service's entrypoints with nameko's worker_factory, on the real warehouse_db: what a
load announces, what a bad event does, and a catch-up through the owners' exports."""
from contextlib import nullcontext
from unittest.mock import MagicMock

import pytest
from nameko.testing.services import worker_factory

from jobsight.events import envelope
from jobsight.normalize.skills import Taxonomy
from jobsight.warehouse.store import Warehouse
from jobsight.warehouse.version import WarehouseVersion
from services.etl import EtlService
from tests.integration.etl_support import job_event, make_job, reset_warehouse, warehouse_jobs


@pytest.fixture
def service(engines):
    reset_warehouse(engines["warehouse"])
    warehouse = Warehouse(engines["warehouse"], skills=Taxonomy.load().skills)
    backlog = MagicMock()
    backlog.waiting.return_value = 0
    worker = worker_factory(EtlService, warehouse=warehouse, backlog=backlog, config={"ETL": {"PAGE_SIZE": 2}})
    yield worker
    reset_warehouse(engines["warehouse"])


def announced(service) -> list[dict]:
    return [call.args[1]["data"] for call in service.dispatch.call_args_list if call.args[0] == "warehouse_loaded"]


def test_a_loaded_job_event_announces_the_new_version_with_its_cache_key(service, engines):
    service.on_job_posted(job_event(make_job(41)))
    assert 41 in warehouse_jobs(engines["warehouse"])
    (loaded,) = announced(service)
    assert WarehouseVersion.from_key(loaded["key"]).loads == loaded["version"]
    assert loaded["version"] <= service.warehouse.version().loads


def test_a_redelivered_event_announces_nothing_new(service):
    event = job_event(make_job(42), event_id="etl-svc-42")
    service.on_job_posted(event)
    service.on_job_posted(event)
    assert len(announced(service)) == 1


@pytest.mark.parametrize("payload", [{"no": "envelope"}, envelope({"job": {"job_id": "x"}}), "text"])
def test_a_malformed_event_is_counted_and_dropped_without_an_announcement(service, payload):
    rejected = service.status()["events"]["rejected"]
    service.on_job_posted(payload)  # returns: the message is acked, the queue moves on
    assert service.status()["events"]["rejected"] >= rejected + 1
    assert announced(service) == []


def test_a_catch_up_reads_every_export_page_and_reconciles(service, engines):
    jobs = [make_job(n) for n in (51, 52, 53)]
    pages = {None: {"jobs": jobs[:2], "next": "c1"}, "c1": {"jobs": jobs[2:], "next": None}}
    exporter = MagicMock()
    exporter.export_jobs.side_effect = lambda after, limit: pages[after]
    service.scraper.with_timeout.return_value = exporter
    service.scraper.count_jobs.return_value = {"open": 3, "closed": 0}
    service.users.subscribers_per_skill.return_value = {"Python": 2}
    service.warehouse.extract_lock = lambda: nullcontext(True)  # a running system's etl may hold the real one
    summary = service.catch_up()
    assert (summary["pages"], summary["jobs"], summary["applied"]) == (2, 3, 3)
    assert [call.kwargs["limit"] for call in exporter.export_jobs.call_args_list] == [2, 2]
    assert set(warehouse_jobs(engines["warehouse"])) >= {51, 52, 53}
    assert announced(service)  # the gateways hear of the new version


def test_a_catch_up_survives_an_owner_that_cannot_answer(service):
    exporter = MagicMock()
    exporter.export_jobs.return_value = {"jobs": [make_job(61)], "next": None}
    service.scraper.with_timeout.return_value = exporter
    service.scraper.count_jobs.side_effect = RuntimeError("scraper away")
    service.users.subscribers_per_skill.side_effect = RuntimeError("users away")
    service.warehouse.extract_lock = lambda: nullcontext(True)
    assert service.catch_up()["applied"] == 1
