"""The job-event payload built from a stored canonical job: the one producer of
``jobsight.events.JobPayload`` (the shape every job event and export carries)."""
from __future__ import annotations

from datetime import datetime

from jobsight.db.jobs import Job, JobSource as Observation
from jobsight.events import JobPayload, JobSource, Salary


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def source_of(obs: Observation) -> JobSource:
    return JobSource(source_name=obs.source_name, kind=obs.source_kind, url=obs.url, first_seen=_iso(obs.first_seen),
                     last_seen=_iso(obs.last_seen), closed_at=_iso(obs.closed_at))


def job_payload(job: Job, sources: list[JobSource]) -> JobPayload:
    salary = None
    if job.salary_raw is not None or job.annual_min is not None or job.salary_min is not None:
        salary = Salary(min=job.salary_min, max=job.salary_max, currency=job.salary_currency,
                        period=job.salary_period, annual_min=job.annual_min, annual_max=job.annual_max,
                        annual_currency=job.annual_currency, raw=job.salary_raw)
    return JobPayload(
        job_id=job.id, version=job.version, status=job.status, title=job.title, company=job.company,
        description=job.description, location=job.location, city=job.city, region=job.region, country=job.country,
        workplace=job.workplace, remote=job.remote, employment_type=job.employment_type, seniority=job.seniority,
        date_posted=_iso(job.date_posted), first_seen=_iso(job.first_seen), last_seen=_iso(job.last_seen),
        closed_at=_iso(job.closed_at), updated_at=_iso(job.updated_at), skills=tuple(job.skills or ()),
        salary=salary, experience_years=job.experience_years, sources=tuple(sources),
        n_sources=sum(1 for s in sources if s.closed_at is None),
    )
