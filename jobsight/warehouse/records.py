"""From event payloads to warehouse rows: pure checks and mapping, no database.

A job (docs/EVENTS.md) becomes one staging row (a dict keyed by ``STAGE_COLUMNS``) holding
what the fact and its dimensions need; anything missing or malformed raises ``BadPayload`` naming the field, so
the handler can log why it rejected the event and move on.
"""
from __future__ import annotations

import math
from datetime import date, datetime

from jobsight.errors import ValidationError
from jobsight.events import open_envelope

JOB_EVENTS = ("job_posted", "job_updated", "job_closed")
STATUSES = ("open", "closed")

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


class BadPayload(ValidationError):
    """An event or exported job the warehouse cannot load; ``message`` says why."""


def _int(job: dict, key: str, minimum: int) -> int:
    value = job.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise BadPayload(f"job.{key} must be an integer >= {minimum}")
    return value


def _text(job: dict, key: str, required: bool = False, max_length: int | None = None) -> str | None:
    value = job.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        raise BadPayload(f"job.{key} must be a {'non-empty ' if required else ''}string")
    if max_length is not None and len(value) > max_length:
        raise BadPayload(f"job.{key} is longer than {max_length} characters")
    return value


def _number(value, name: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise BadPayload(f"{name} must be a finite number")
    return float(value)


def _timestamp(job: dict, key: str) -> str | None:
    value = job.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadPayload(f"job.{key} must be an ISO 8601 string")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise BadPayload(f"job.{key} is not an ISO 8601 timestamp")
    if parsed.tzinfo is None:
        raise BadPayload(f"job.{key} has no time zone")
    return value


def company_key(name: str) -> str:
    return " ".join(name.lower().split())


def location_key(location, city, region, country) -> str | None:
    if location is None and city is None and region is None and country is None:
        return None
    return "|".join(part or "" for part in (country, region, city, location))


def stage_row(job) -> dict:
    """The staging row (keyed by ``STAGE_COLUMNS``) of one job dict, or ``BadPayload``."""
    if not isinstance(job, dict):
        raise BadPayload("job must be an object")
    job_id = _int(job, "job_id", 1)
    version = _int(job, "version", 1)
    status = job.get("status")
    if status not in STATUSES:
        raise BadPayload(f"job.status must be one of {', '.join(STATUSES)}")
    title = _text(job, "title", required=True)
    company = _text(job, "company", required=True)
    location, city, region = (_text(job, k) for k in ("location", "city", "region"))
    country = _text(job, "country", max_length=2)
    workplace = _text(job, "workplace", max_length=10)
    seniority = _text(job, "seniority", max_length=10)
    employment_type = _text(job, "employment_type", max_length=20)
    remote = job.get("remote")
    if remote is not None and not isinstance(remote, bool):
        raise BadPayload("job.remote must be a boolean")
    if remote is None and workplace is not None:
        remote = workplace == "remote"
    skills = job.get("skills", [])
    if not isinstance(skills, list) or not all(isinstance(s, str) and s.strip() for s in skills):
        raise BadPayload("job.skills must be a list of non-empty strings")
    salary = job.get("salary")
    annual_min = annual_max = annual_currency = None
    if salary is not None:
        if not isinstance(salary, dict):
            raise BadPayload("job.salary must be an object or null")
        annual_min = _number(salary.get("annual_min"), "job.salary.annual_min")
        annual_max = _number(salary.get("annual_max"), "job.salary.annual_max")
        annual_currency = salary.get("annual_currency")
        if annual_currency is not None and (not isinstance(annual_currency, str) or len(annual_currency) != 3):
            raise BadPayload("job.salary.annual_currency must be a 3-letter currency code")
    experience = _number(job.get("experience_years"), "job.experience_years")
    n_sources = job.get("n_sources", 1)
    if not isinstance(n_sources, int) or isinstance(n_sources, bool) or n_sources < 0:
        raise BadPayload("job.n_sources must be an integer >= 0")
    return {
        "job_id": job_id, "source_version": version, "status": status, "title": title,
        "company": company, "company_key": company_key(company),
        "location": location, "city": city, "region": region, "country": country,
        "location_key": location_key(location, city, region, country),
        "workplace": workplace, "remote": remote, "seniority": seniority, "employment_type": employment_type,
        "annual_min": annual_min, "annual_max": annual_max, "annual_currency": annual_currency,
        "experience_years": experience,
        "date_posted": _timestamp(job, "date_posted"), "first_seen": _timestamp(job, "first_seen"),
        "last_seen": _timestamp(job, "last_seen"), "closed_at": _timestamp(job, "closed_at"),
        "updated_at": _timestamp(job, "updated_at"),
        "n_sources": n_sources, "skills": sorted(set(skills)),
    }


def job_event(payload) -> tuple[dict, dict]:
    """Check a job event; returns its envelope and the job's staging row."""
    try:
        envelope = open_envelope(payload)
    except ValidationError as exc:
        raise BadPayload(exc.message)
    job = envelope["data"].get("job")
    if job is None:
        raise BadPayload("event data has no job")
    return envelope, stage_row(job)


def subscription_event(payload) -> tuple[dict, int, str]:
    """Check a subscription event; returns its envelope, the user id and the skill."""
    try:
        envelope = open_envelope(payload)
    except ValidationError as exc:
        raise BadPayload(exc.message)
    data = envelope["data"]
    user_id, skill = data.get("user_id"), data.get("skill")
    if not isinstance(user_id, int) or isinstance(user_id, bool):
        raise BadPayload("data.user_id must be an integer")
    if not isinstance(skill, str) or not skill.strip() or len(skill) > 64:
        raise BadPayload("data.skill must be a non-empty string of at most 64 characters")
    return envelope, user_id, skill.strip()


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
