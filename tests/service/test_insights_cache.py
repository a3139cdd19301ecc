"""The insights service answers through the cache, keyed by the real warehouse version: a
repeated question is not recomputed, a warehouse load is (on the real warehouse_db and Redis)."""
import uuid

import pytest
from nameko.testing.services import worker_factory
from sqlalchemy import text
from sqlalchemy.orm import sessionmaker

from jobsight.adapters.units import WarehouseUnit
from jobsight.insights import queries
from jobsight.cache.ring import Ring
from jobsight.cache.store import RingCache
from jobsight.warehouse.version import current_version
from services.insights import InsightsService


@pytest.fixture
def warehouse_session(engines):
    session = sessionmaker(bind=engines["warehouse"])()
    yield session
    session.close()


@pytest.fixture
def service(warehouse_session, redis_client, monkeypatch):
    calls = []
    real = queries.COMPUTE["skills_by_demand"]

    def counted(session, keywords, *args, **kwargs):
        calls.append(keywords)
        return real(session, keywords, *args, **kwargs)

    monkeypatch.setitem(queries.COMPUTE, "skills_by_demand", counted)
    cache = RingCache(Ring(["a", "b"]), {"a": redis_client, "b": redis_client},
                      namespace=f"cachetest-{uuid.uuid4().hex[:8]}", ttl=60)
    worker = worker_factory(InsightsService, uow=WarehouseUnit.of(warehouse_session), cache=cache)
    worker.calls = calls
    return worker


def bump_warehouse_version(engines):
    with engines["warehouse"].begin() as conn:
        conn.execute(text("UPDATE etl.state SET version = version + 1 WHERE id = 1"))


def test_a_repeated_question_is_answered_from_the_cache(service):
    first = service.skills_by_demand("Python  Developer")
    assert service.skills_by_demand("python developer") == first  # same question, other spelling
    assert service.calls == ["python developer"]
    stats = service.cache_stats()
    assert stats["hits"] == 1 and stats["misses"] == 1


def test_a_warehouse_load_means_a_fresh_answer(service, engines, warehouse_session):
    before = current_version(warehouse_session)
    service.skills_by_demand("data engineer")
    warehouse_session.commit()  # a worker's session ends with its request
    bump_warehouse_version(engines)
    assert current_version(warehouse_session) != before
    service.skills_by_demand("data engineer")
    assert service.calls == ["data engineer", "data engineer"]


def test_the_version_names_the_database_and_both_counters(warehouse_session):
    oid, version, aggregates = current_version(warehouse_session).split(".")
    assert int(oid) > 0 and int(version) >= 0 and int(aggregates) >= 0
