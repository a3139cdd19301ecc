"""The warehouse loader on the real warehouse_db: idempotent, ordered by job version, checked."""
import pytest
from sqlalchemy import text

from jobsight.normalize.skills import Taxonomy
from jobsight.warehouse import records
from jobsight.warehouse.store import Warehouse
from tests.integration.etl_support import closed, expected, job_event, make_job, reset_warehouse, warehouse_jobs

pytestmark = pytest.mark.integration


@pytest.fixture
def warehouse(engines):
    reset_warehouse(engines["warehouse"])
    yield Warehouse(engines["warehouse"], skills=Taxonomy.load().skills)
    reset_warehouse(engines["warehouse"])  # no watermark or rows of ours for the next module


def apply(warehouse, job, event_id=None):
    event, row = records.job_event(job_event(job, event_id))
    return warehouse.apply_job_event(event, row)


def test_a_posted_job_lands_in_the_star_schema(warehouse, engines):
    job = make_job(1)
    result = apply(warehouse, job)
    assert result.applied == [1] and result.version is not None
    assert warehouse_jobs(engines["warehouse"]) == {1: expected(job)}


def test_the_same_event_twice_changes_nothing(warehouse, engines):
    first = apply(warehouse, make_job(2), event_id="evt-2")
    again = apply(warehouse, make_job(2, title="changed on redelivery?"), event_id="evt-2")
    assert again.duplicate and again.version is None
    assert warehouse_jobs(engines["warehouse"])[2]["title"] == "Python Developer 2"
    assert warehouse.status()["version"] == first.version


def test_an_older_update_arriving_late_does_not_overwrite_a_newer_one(warehouse, engines):
    job = make_job(3)
    newest = closed({**job, "skills": ["Go"]}, version=3)
    apply(warehouse, newest)
    stale = apply(warehouse, {**job, "version": 2, "title": "Stale title"})
    assert stale.applied == [] and stale.version is None
    assert warehouse_jobs(engines["warehouse"])[3] == expected(newest)


def test_an_update_replaces_the_skills_of_a_job(warehouse, engines):
    apply(warehouse, make_job(4, skills=["Python", "Django"]))
    apply(warehouse, make_job(4, version=2, skills=["Python", "FastAPI"]))
    assert warehouse_jobs(engines["warehouse"])[4]["skills"] == ["FastAPI", "Python"]


def test_a_page_of_exported_jobs_moves_the_watermark_and_skips_bad_jobs(warehouse, engines):
    page = [make_job(5), {"job_id": "six"}, make_job(7), make_job(7, version=2, title="Newer")]
    result = warehouse.load_page(page, "cursor-1")
    assert sorted(result.applied) == [5, 7] and result.rejected == 1
    status = warehouse.status()
    assert status["watermark"]["cursor"] == "cursor-1" and status["events"]["rejected"] >= 1
    assert warehouse_jobs(engines["warehouse"])[7]["title"] == "Newer"


def test_taxonomy_gives_skills_their_aliases(warehouse, engines):
    warehouse.sync_skills()
    with engines["warehouse"].connect() as conn:
        category, aliases = conn.execute(text(
            "SELECT category, aliases FROM warehouse.dim_skill WHERE name = 'Python'")).one()
    assert category == "language" and "python3" in aliases


def test_quality_checks_flag_insane_salaries_and_inconsistent_dates(warehouse):
    apply(warehouse, make_job(8, salary={"annual_min": 90_000_000.0, "annual_max": 95_000_000.0,
                                         "annual_currency": "EUR"}))
    apply(warehouse, make_job(9, status="closed", closed_at=None))
    checks = warehouse.status()["quality"]["checks"]
    assert not checks["salaries_in_bounds"]["ok"] and not checks["dates_consistent"]["ok"]
    after = {c.name: c for c in warehouse.check_quality(source_counts={"open": 1, "closed": 1})}
    assert not after["salaries_in_bounds"].ok and after["no_orphan_bridge_rows"].ok
    assert after["counts_reconcile"].ok
    assert warehouse.status()["quality"]["failures"] >= 2


def test_counts_that_do_not_match_the_source_fail_reconciliation(warehouse):
    apply(warehouse, make_job(10))
    result = {c.name: c for c in warehouse.check_quality(source_counts={"open": 2, "closed": 0})}
    assert not result["counts_reconcile"].ok and "open: warehouse 1, source 2" in result["counts_reconcile"].detail


def test_subscriber_snapshot_follows_events_and_is_replaced_by_the_users_counts(warehouse, engines):
    from jobsight.events import envelope
    warehouse.sync_skills()
    for skill in ("python", "Python", "rust"):
        warehouse.apply_subscription_event(envelope({"user_id": 1, "skill": skill}), skill, +1)
    removal = envelope({"user_id": 1, "skill": "rust"})
    warehouse.apply_subscription_event(removal, "rust", -1)
    assert warehouse.apply_subscription_event(removal, "rust", -1).duplicate

    def snapshot():
        with engines["warehouse"].connect() as conn:
            return dict(conn.execute(text("SELECT skill, subscribers FROM warehouse.snapshot_skill_subscribers")).all())

    assert snapshot() == {"Python": 2, "Rust": 0}
    warehouse.replace_subscribers({"Python": 5, "Kubernetes": 1})
    assert snapshot() == {"Python": 5, "Kubernetes": 1}


def test_aggregates_follow_the_facts(warehouse, engines):
    apply(warehouse, make_job(11, skills=["Python"]))
    apply(warehouse, make_job(12, skills=["Python"], salary=None))
    apply(warehouse, closed(make_job(13, skills=["Python"]), version=2))
    assert warehouse.refresh_aggregates() is not None
    with engines["warehouse"].connect() as conn:
        open_jobs, salaries, average = conn.execute(text(
            "SELECT a.open_jobs, a.salaries, a.average FROM warehouse.agg_skill_salary a "
            "JOIN warehouse.dim_skill k USING (skill_key) WHERE k.name = 'Python'")).one()
        last_open = conn.execute(text(
            "SELECT open_jobs FROM warehouse.agg_skill_demand_daily a JOIN warehouse.dim_skill k USING (skill_key) "
            "WHERE k.name = 'Python' ORDER BY date_key DESC LIMIT 1")).scalar()
    assert (open_jobs, salaries, average) == (2, 1, 60011.0)
    assert last_open == 2
    assert warehouse.refresh_aggregates() is None  # nothing loaded since


def _maintained(conn) -> dict:
    from jobsight.warehouse import aggregates

    tables = {}
    for agg in aggregates.MAINTAINED:
        columns = ", ".join(agg.keys + agg.measures)
        tables[agg.table] = sorted(conn.execute(text(f"SELECT {columns} FROM warehouse.{agg.table}")).all(),
                                   key=repr)
    return tables


def test_maintained_aggregates_after_every_kind_of_change_equal_a_sum_from_scratch(warehouse, engines):
    from jobsight.warehouse import aggregates

    for job_id in range(20, 30):
        apply(warehouse, make_job(job_id, title="Data Engineer" if job_id % 3 else "Python Developer",
                                  experience_years=None if job_id % 4 == 0 else float(job_id % 9)))
    apply(warehouse, make_job(20, version=2, title="Senior Data Engineer"))            # title moves
    apply(warehouse, make_job(21, version=2, skills=["Go", "Kubernetes"]))             # skills change
    apply(warehouse, make_job(22, version=2, salary=None, workplace="remote"))         # salary withdrawn
    apply(warehouse, closed(make_job(23), version=2))                                  # closes
    apply(warehouse, make_job(23, version=3, status="open"))                           # reopens
    apply(warehouse, closed(make_job(24), version=2))
    apply(warehouse, make_job(25, version=1, title="Stale"))                           # not newer: no change
    warehouse.load_page([make_job(26, version=2, company="Other"), make_job(30), make_job(30, version=2)], None)
    with engines["warehouse"].begin() as conn:
        incremental = _maintained(conn)
        aggregates.build_maintained(conn, "warehouse")
        assert _maintained(conn) == incremental
        conn.rollback()
    # Nothing summed to zero is kept, and the closed job left every open-job aggregate.
    assert all(row[len(agg.keys)] != 0 for agg in aggregates.MAINTAINED for row in incremental[agg.table])
    with engines["warehouse"].connect() as conn:
        open_jobs = conn.execute(text("SELECT sum(open_jobs) FROM warehouse.agg_title")).scalar()
        assert open_jobs == conn.execute(text("SELECT count(*) FROM warehouse.fact_job WHERE status = 'open'")).scalar()
        assert open_jobs == 10  # 20..30 open, 24 closed
