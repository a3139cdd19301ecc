"""Event envelopes and the job-event contract.

Every event Jobsight dispatches is a versioned fact in the past tense,
``{event_id, version, occurred_at, data}``; handlers record ``event_id`` to stay idempotent
under at-least-once delivery. The job events' ``data.job`` (docs/EVENTS.md) is one typed
payload, ``JobPayload``: built once by the scraper, read the same way by every consumer.
"""
from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from datetime import datetime, timezone

from jobsight import validate
from jobsight.errors import ValidationError

ENVELOPE_VERSION = 1
JOB_POSTED, JOB_UPDATED, JOB_CLOSED = "job_posted", "job_updated", "job_closed"
JOB_EVENTS = (JOB_POSTED, JOB_UPDATED, JOB_CLOSED)
JOB_STATUSES = ("open", "closed")


class BadEvent(ValidationError):
    """An event (or exported record) a consumer cannot use; ``message`` names the field."""


def envelope(data: dict, version: int = ENVELOPE_VERSION, event_id: str | None = None,
             occurred_at: datetime | None = None) -> dict:
    return {
        "event_id": event_id or uuid.uuid4().hex,
        "version": version,
        "occurred_at": (occurred_at or datetime.now(timezone.utc)).isoformat(),
        "data": data,
    }


def open_envelope(payload) -> dict:
    """Check an incoming envelope's shape; ``BadEvent`` names what is wrong."""
    if not isinstance(payload, dict):
        raise BadEvent("event payload is not an object")
    for key, kind in (("event_id", str), ("version", int), ("occurred_at", str), ("data", dict)):
        if not isinstance(payload.get(key), kind):
            raise BadEvent(f"event envelope field {key!r} is missing or not a {kind.__name__}")
    return payload


@dataclass(frozen=True)
class Salary:
    min: float | None = None
    max: float | None = None
    currency: str | None = None
    period: str | None = None
    annual_min: float | None = None
    annual_max: float | None = None
    annual_currency: str | None = None
    raw: str | None = None

    @classmethod
    def from_dict(cls, data) -> "Salary | None":
        if data is None:
            return None
        if not isinstance(data, dict):
            raise BadEvent("job.salary must be an object or null")
        currency = data.get("annual_currency")
        if currency is not None and (not isinstance(currency, str) or len(currency) != 3):
            raise BadEvent("job.salary.annual_currency must be a 3-letter currency code")
        return cls(
            min=validate.number(data.get("min"), "job.salary.min", error=BadEvent),
            max=validate.number(data.get("max"), "job.salary.max", error=BadEvent),
            currency=validate.text(data.get("currency"), "job.salary.currency", max_length=3, error=BadEvent),
            period=validate.text(data.get("period"), "job.salary.period", max_length=10, error=BadEvent),
            annual_min=validate.number(data.get("annual_min"), "job.salary.annual_min", error=BadEvent),
            annual_max=validate.number(data.get("annual_max"), "job.salary.annual_max", error=BadEvent),
            annual_currency=currency,
            raw=validate.text(data.get("raw"), "job.salary.raw", error=BadEvent),
        )


@dataclass(frozen=True)
class JobSource:
    """One board a job was seen on."""
    source_name: str
    kind: str | None
    url: str | None
    first_seen: str | None = None
    last_seen: str | None = None
    closed_at: str | None = None


_TIMESTAMPS = ("date_posted", "first_seen", "last_seen", "closed_at", "updated_at")


@dataclass(frozen=True)
class JobPayload:
    """A canonical job as it stands after the commit that announced it (docs/EVENTS.md)."""
    job_id: int
    version: int
    status: str
    title: str
    company: str
    description: str | None = None
    location: str | None = None
    city: str | None = None
    region: str | None = None
    country: str | None = None
    workplace: str | None = None
    remote: bool | None = None
    employment_type: str | None = None
    seniority: str | None = None
    date_posted: str | None = None
    first_seen: str | None = None
    last_seen: str | None = None
    closed_at: str | None = None
    updated_at: str | None = None
    skills: tuple[str, ...] = ()
    salary: Salary | None = None
    experience_years: float | None = None
    sources: tuple[JobSource, ...] = ()
    n_sources: int = 1

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    @property
    def url(self) -> str | None:
        """The first board's link to the posting."""
        return self.sources[0].url if self.sources else None

    def to_dict(self) -> dict:
        data = asdict(self)
        data["skills"] = list(self.skills)
        data["sources"] = [asdict(s) for s in self.sources]
        return data

    @classmethod
    def from_dict(cls, job) -> "JobPayload":
        """Check a job from the wire (untrusted input); ``BadEvent`` names the first bad field."""
        if not isinstance(job, dict):
            raise BadEvent("job must be an object")
        text = lambda key, **kw: validate.text(job.get(key), f"job.{key}", error=BadEvent, **kw)  # noqa: E731
        status = job.get("status")
        if status not in JOB_STATUSES:
            raise BadEvent(f"job.status must be one of {', '.join(JOB_STATUSES)}")
        remote = job.get("remote")
        if remote is not None and not isinstance(remote, bool):
            raise BadEvent("job.remote must be a boolean")
        workplace = text("workplace", max_length=10)
        if remote is None and workplace is not None:
            remote = workplace == "remote"
        skills = job.get("skills", [])
        if not isinstance(skills, list) or not all(isinstance(s, str) and s.strip() for s in skills):
            raise BadEvent("job.skills must be a list of non-empty strings")
        sources = job.get("sources", [])
        if not isinstance(sources, list) or not all(
                isinstance(s, dict) and isinstance(s.get("source_name"), str) for s in sources):
            raise BadEvent("job.sources must be a list of objects with a source_name")
        n_sources = job.get("n_sources", 1)
        return cls(
            job_id=validate.integer(job.get("job_id"), "job.job_id", 1, error=BadEvent),
            version=validate.integer(job.get("version"), "job.version", 1, error=BadEvent),
            status=status,
            title=text("title", required=True),
            company=text("company", required=True),
            description=text("description"),
            location=text("location"), city=text("city"), region=text("region"),
            country=text("country", max_length=2),
            workplace=workplace, remote=remote,
            employment_type=text("employment_type", max_length=20),
            seniority=text("seniority", max_length=10),
            **{key: validate.timestamp(job.get(key), f"job.{key}", error=BadEvent) for key in _TIMESTAMPS},
            skills=tuple(skills),
            salary=Salary.from_dict(job.get("salary")),
            experience_years=validate.number(job.get("experience_years"), "job.experience_years", error=BadEvent),
            sources=tuple(JobSource(s["source_name"], s.get("kind"), s.get("url"), s.get("first_seen"),
                                    s.get("last_seen"), s.get("closed_at")) for s in sources),
            n_sources=validate.integer(n_sources, "job.n_sources", 0, error=BadEvent),
        )


def job_event(payload) -> tuple[dict, JobPayload]:
    """Open a job event: its envelope and its typed job (``BadEvent`` when either is malformed)."""
    opened = open_envelope(payload)
    job = opened["data"].get("job")
    if job is None:
        raise BadEvent("event data has no job")
    return opened, JobPayload.from_dict(job)
