"""Ingestion end to end: the demo boards over HTTP → scraper → jobs_db → job events, driven
through RPC (as an operator in nameko shell) and read back through the gateway."""
import pytest
import requests
from sqlalchemy import text

from jobsight.demo import DemoWorld
from jobsight.errors import NotFound, ValidationError
from jobsight.sources.settings import configured_sources, demo_settings

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def demo(config):
    return demo_settings(config)


@pytest.fixture(scope="module")
def sources(config):
    return [s["name"] for s in configured_sources(config) if s.get("demo")]


@pytest.fixture(scope="module")
def ingested(system, rpc, engines, sources, demo, redis_client):
    """Every demo board ingested once, from an empty jobs_db (and no ETags remembered from
    earlier tests, which would make a board answer 304 and add nothing)."""
    with engines["jobs"].begin() as conn:
        conn.execute(text("TRUNCATE jobs, job_sources, source_runs CASCADE"))
    for key in redis_client.scan_iter("jobsight:validators:*"):
        redis_client.delete(key)
    requests.post(f"{demo['url']}/_demo/reset", timeout=5)
    return {name: rpc.scraper.run_source(name) for name in sources}


def count(engines, sql):
    with engines["jobs"].connect() as conn:
        return conn.execute(text(sql)).scalar()


def test_every_demo_board_is_ingested_without_errors(ingested, engines):
    assert all(stats["errors"] == 0 for stats in ingested.values()), {
        n: s["error_messages"] for n, s in ingested.items() if s["errors"]}
    stored = count(engines, "SELECT count(*) FROM job_sources")
    assert stored == sum(s["new"] + s["updated"] for s in ingested.values())
    kinds = count(engines, "SELECT count(DISTINCT source_kind) FROM job_sources")
    assert kinds == 10


def test_the_same_job_on_several_boards_counts_once(ingested, engines, demo):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    import dedup_quality

    with engines["jobs"].connect() as conn:
        rows = conn.execute(text("SELECT id, source_kind, url, job_id FROM job_sources")).all()
    quality = dedup_quality.measure(rows, DemoWorld(seed=demo["seed"], count=demo["count"]), demo["url"])
    assert quality["unknown"] == 0
    assert quality["true_pairs"] > 20  # the demo does put jobs on several boards
    assert quality["precision"] >= 0.95 and quality["recall"] >= 0.95, quality
    jobs = count(engines, "SELECT count(*) FROM jobs")
    assert abs(jobs - quality["true_jobs"]) <= 0.05 * quality["true_jobs"]


def test_a_canonical_job_keeps_every_source_link(ingested, http, gateway, engines):
    job_id = count(engines, "SELECT job_id FROM job_sources GROUP BY job_id HAVING count(*) >= 3 LIMIT 1")
    job = http.get(f"{gateway}/jobs/{job_id}").json()
    assert job["job_id"] == job_id and job["status"] == "open"
    assert len(job["sources"]) >= 3 and len({s["kind"] for s in job["sources"]}) == len(job["sources"])
    assert job["n_sources"] == len(job["sources"])
    assert http.get(f"{gateway}/jobs/999999999").status_code == 404
    assert http.get(f"{gateway}/jobs/abc").status_code == 400


def test_running_a_board_again_changes_nothing_and_announces_nothing(ingested, rpc, scraper_events, sources):
    name = next(n for n in sources if n.startswith("demo-lever-"))
    again = rpc.scraper.run_source(name)
    assert again["new"] == 0 and again["updated"] == 0 and again["events"] == 0
    assert again["not_modified"] or again["unchanged"] > 0
    assert scraper_events() == []


def test_jobs_that_disappear_are_closed_and_announced(ingested, rpc, scraper_events, sources, demo, engines):
    requests.post(f"{demo['url']}/_demo/advance", params={"days": 40}, timeout=5)
    try:
        runs = {name: rpc.scraper.run_source(name) for name in sources}
    finally:
        requests.post(f"{demo['url']}/_demo/reset", timeout=5)
    assert sum(r["closed"] for r in runs.values()) > 0
    assert sum(r["new"] for r in runs.values()) > 0  # new jobs appeared meanwhile
    events = scraper_events()
    kinds = {kind for kind, _ in events}
    assert {"job_posted", "job_closed"} <= kinds
    closed = [payload for kind, payload in events if kind == "job_closed"]
    assert all(p["data"]["job"]["status"] == "closed" and p["data"]["job"]["closed_at"] for p in closed)
    assert all(set(p) == {"event_id", "version", "occurred_at", "data"} for _, p in events)
    assert len({p["event_id"] for _, p in events}) == len(events)
    closed_in_db = count(engines, "SELECT count(*) FROM jobs WHERE status = 'closed'")
    assert closed_in_db == sum(r["closed"] for r in runs.values())


def test_operators_see_every_source_and_its_last_run(ingested, http, gateway, sources):
    listed = {s["name"]: s for s in http.get(f"{gateway}/sources").json()["sources"]}
    assert set(sources) <= set(listed)
    board = listed[sources[0]]
    assert board["circuit"] == "closed" and board["last_run"]["fetched"] >= 1
    assert {"new", "updated", "unchanged", "closed", "skipped", "errors", "duration_ms"} <= set(board["last_run"])


def test_unknown_sources_are_a_typed_error(rpc):
    with pytest.raises(NotFound):
        rpc.scraper.run_source("no-such-source")


def test_find_jobs_answers_from_ingested_postings(ingested, http, gateway):
    response = http.get(f"{gateway}/find-jobs", params={"title": "engineer"})
    assert response.status_code == 200 and len(response.json()) > 5


def test_operators_can_add_a_skill_while_running(rpc, engines):
    assert rpc.scraper.add_skill("Zyxlang", "language", ["zyx-lang"]) == {"skill": "Zyxlang", "created": True}
    assert rpc.scraper.add_skill("Zyxlang")["created"] is False
    with engines["jobs"].connect() as conn:
        assert conn.execute(text("SELECT aliases FROM skills WHERE name = 'Zyxlang'")).scalar() == ["zyx-lang"]
    with pytest.raises(ValidationError):
        rpc.scraper.add_skill("", None, None)
