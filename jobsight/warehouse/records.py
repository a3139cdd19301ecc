"""From event payloads to warehouse rows: pure mapping, no database.

A job (``jobsight.events.JobPayload``, which does the checking) becomes one staging row (a dict
keyed by ``STAGE_COLUMNS``) holding what the fact and its dimensions need; anything missing or
malformed raises ``BadPayload`` naming the field, so the handler can log why it rejected the
event and move on.
"""
from __future__ import annotations

from datetime import date, datetime

from jobsight import events, validate
from jobsight.events import BadEvent, JobPayload, Salary, open_envelope

# Columns of the staging table, i.e. the keys of the rows ``stage_row`` returns.
STAGE_COLUMNS = (
    ("job_id", "bigint"), ("source_version", "integer"), ("status", "text"), ("title", "text"),
    ("company", "text"), ("company_key", "text"),
    ("location", "text"), ("city", "text"), ("region", "text"), ("country", "text"), ("location_key", "text"),
    ("workplace", "text"), ("remote", "boolean"), ("seniority", "text"), ("employment_type", "text"),
    ("annual_min", "double precision"), ("annual_max", "double precision"), ("annual_currency", "text"),
    ("experience_years", "double precision"),
    ("date_posted", "timestamptz"), ("first_seen", "timestamptz"), ("last_seen", "timestamptz"),
    ("closed_at", "timestamptz"), ("updated_at", "timestamptz"),
    ("n_sources", "integer"), ("skills", "text[]"),
)


BadPayload = BadEvent  # what the warehouse calls an event or exported job it cannot load


def company_key(name: str) -> str:
    return " ".join(name.lower().split())


def location_key(location, city, region, country) -> str | None:
    if location is None and city is None and region is None and country is None:
        return None
    return "|".join(part or "" for part in (country, region, city, location))


def stage_row(job) -> dict:
    """The staging row (keyed by ``STAGE_COLUMNS``) of one job dict, or ``BadPayload``."""
    return row_of(job if isinstance(job, JobPayload) else JobPayload.from_dict(job))


def row_of(job: JobPayload) -> dict:
    salary = job.salary or Salary()
    return {
        "job_id": job.job_id, "source_version": job.version, "status": job.status, "title": job.title,
        "company": job.company, "company_key": company_key(job.company),
        "location": job.location, "city": job.city, "region": job.region, "country": job.country,
        "location_key": location_key(job.location, job.city, job.region, job.country),
        "workplace": job.workplace, "remote": job.remote, "seniority": job.seniority,
        "employment_type": job.employment_type,
        "annual_min": salary.annual_min, "annual_max": salary.annual_max, "annual_currency": salary.annual_currency,
        "experience_years": job.experience_years,
        "date_posted": job.date_posted, "first_seen": job.first_seen, "last_seen": job.last_seen,
        "closed_at": job.closed_at, "updated_at": job.updated_at,
        "n_sources": job.n_sources, "skills": sorted(set(job.skills)),
    }


def job_event(payload) -> tuple[dict, dict]:
    """Check a job event; returns its envelope and the job's staging row."""
    opened, job = events.job_event(payload)
    return opened, row_of(job)


def subscription_event(payload) -> tuple[dict, int, str]:
    """Check a subscription event; returns its envelope, the user id and the skill."""
    opened = open_envelope(payload)
    data = opened["data"]
    user_id = validate.integer(data.get("user_id"), "data.user_id", error=BadPayload)
    skill = data.get("skill")
    if not isinstance(skill, str) or not skill.strip() or len(skill) > 64:
        raise BadPayload("data.skill must be a non-empty string of at most 64 characters")
    return opened, user_id, skill.strip()


def occurred_at(envelope: dict) -> datetime | None:
    try:
        return datetime.fromisoformat(envelope["occurred_at"])
    except (KeyError, TypeError, ValueError):
        return None


def date_key(day: date) -> int:
    return day.year * 10000 + day.month * 100 + day.day


def newest_per_job(rows) -> list[dict]:
    """One row per job_id (the highest version), so a batch never updates a row twice."""
    best: dict[int, dict] = {}
    for row in rows:
        kept = best.get(row["job_id"])
        if kept is None or row["source_version"] > kept["source_version"]:
            best[row["job_id"]] = row
    return list(best.values())
