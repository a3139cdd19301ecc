"""Helpers for the warehouse/ETL tests: jobs in the event shape of docs/EVENTS.md, and reading
back what the warehouse holds in the same shape for comparison."""
from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

from sqlalchemy import text

from jobsight.events import envelope
from jobsight.warehouse import aggregates
from jobsight.warehouse.load import LOAD_LOCK

T0 = datetime(2026, 10, 1, 9, 0, tzinfo=timezone.utc)


def make_job(job_id: int, version: int = 1, **overrides) -> dict:
    first_seen = T0 + timedelta(minutes=job_id % 10_000)
    job = {
        "job_id": job_id, "version": version, "status": "open",
        "title": f"Python Developer {job_id}", "company": f"Company {job_id % 7}",
        "description": "Build things.", "location": "Berlin, Germany", "city": "Berlin", "region": "Berlin",
        "country": "DE", "workplace": "hybrid", "remote": False, "employment_type": "full_time",
        "seniority": "mid", "date_posted": first_seen.isoformat(), "first_seen": first_seen.isoformat(),
        "last_seen": (first_seen + timedelta(days=1)).isoformat(), "closed_at": None,
        "updated_at": (first_seen + timedelta(minutes=version)).isoformat(),
        "skills": ["Python", "PostgreSQL"] if job_id % 2 else ["Python", "Django"],
        "salary": {"min": 50000 + job_id, "max": 70000 + job_id, "currency": "EUR", "period": "year",
                   "annual_min": 50000.0 + job_id, "annual_max": 70000.0 + job_id, "annual_currency": "EUR",
                   "raw": "50k-70k EUR"},
        "experience_years": 3.0, "sources": [], "n_sources": 1,
    }
    job.update(overrides)
    return job


def closed(job: dict, version: int) -> dict:
    closed_at = datetime.fromisoformat(job["last_seen"]) + timedelta(hours=1)
    return {**job, "version": version, "status": "closed", "closed_at": closed_at.isoformat(), "n_sources": 0}


def job_event(job: dict, event_id: str | None = None) -> dict:
    return envelope({"job": job}, event_id=event_id)


def warehouse_jobs(engine) -> dict[int, dict]:
    """What the warehouse holds, per job id, in comparable form."""
    with engine.connect() as conn:
        rows = conn.execute(text("""
            SELECT f.job_id, f.source_version, f.status, f.title, c.name AS company, l.country, f.workplace,
                   f.annual_min, f.annual_max, f.experience_years, f.closed_at, f.n_sources,
                   coalesce(array_agg(k.name ORDER BY k.name) FILTER (WHERE k.name IS NOT NULL), '{}') AS skills
            FROM warehouse.fact_job f
            JOIN warehouse.dim_company c ON c.company_key = f.company_key
            LEFT JOIN warehouse.dim_location l ON l.location_key = f.location_key
            LEFT JOIN warehouse.bridge_job_skill b ON b.job_id = f.job_id
            LEFT JOIN warehouse.dim_skill k ON k.skill_key = b.skill_key
            GROUP BY f.job_id, c.name, l.country""")).mappings()
        return {row["job_id"]: dict(row) for row in rows}


def expected(job: dict) -> dict:
    salary = job.get("salary") or {}
    return {"job_id": job["job_id"], "source_version": job["version"], "status": job["status"],
            "title": job["title"], "company": job["company"], "country": job["country"],
            "workplace": job["workplace"], "annual_min": salary.get("annual_min"),
            "annual_max": salary.get("annual_max"), "experience_years": job["experience_years"],
            "closed_at": datetime.fromisoformat(job["closed_at"]) if job["closed_at"] else None,
            "n_sources": job["n_sources"], "skills": sorted(set(job["skills"]))}


def reset_warehouse(engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": LOAD_LOCK})  # loads in flight finish first
        conn.execute(text(
            "TRUNCATE warehouse.fact_job, warehouse.bridge_job_skill, warehouse.dim_company, warehouse.dim_location, "
            "warehouse.dim_skill, warehouse.dim_date, warehouse.snapshot_skill_subscribers, "
            "warehouse.agg_skill_demand_daily, warehouse.agg_skill_salary, warehouse.dim_title, "
            + ", ".join(f"warehouse.{agg.table}" for agg in aggregates.MAINTAINED)
            + ", etl.processed_events, etl.quality_checks"))
        conn.execute(text("UPDATE etl.state SET watermark = NULL, aggregates_version = 0"))


def eventually(check, timeout: float = 20.0, interval: float = 0.1):
    """Poll until ``check()`` returns something truthy; its last value otherwise (for the assert)."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)


def announce_load(engine, config, rpc, timeout: float = 10.0) -> int:
    """Finish a load written straight into the warehouse as etl finishes one: bump the version
    and announce it with ``warehouse_loaded``; return once the gateway has heard it (it answers
    cached insights under the version it last heard)."""
    from nameko.standalone.events import event_dispatcher, get_event_exchange

    from jobsight.warehouse import load
    from jobsight.warehouse.version import read_version

    with engine.begin() as conn:
        load.bump_version(conn)
    with engine.connect() as conn:
        version = read_version(conn)
    dispatch = event_dispatcher(config, declare=[get_event_exchange("etl", config)])
    dispatch("etl", "warehouse_loaded", envelope({"version": version.loads, "key": version.key}))
    heard = eventually(lambda: rpc.gateway.cache_stats()["warehouse_version"]["version"] == version.key, timeout)
    assert heard, f"the gateway never heard of warehouse version {version.key}"
    return version.loads
