"""Job search over jobs_db (the scraper owns it)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobsight.db.jobs import Job
from jobsight.textmatch import normalize_keywords, title_matches, title_score

FIND_JOBS_LIMIT = 100


def job_summary(job: Job) -> dict:
    """The shape of the original ``/find-jobs`` answer (plus a few fields clients asked for)."""
    return {
        "job_id": job.id,
        "title": job.title,
        "company": job.company,
        "location": job.location,
        "description": job.description,
        "date_posted": job.date_posted.isoformat() if job.date_posted else None,
        "remote": job.remote,
        "skills": list(job.skills or []),
    }


def find_jobs(session: Session, title, limit: int = FIND_JOBS_LIMIT) -> list[dict]:
    keywords = normalize_keywords(title)
    rows = session.scalars(
        select(Job)
        .where(Job.status == "open", title_matches(Job.title, keywords))
        .order_by(title_score(Job.title, keywords).desc(), Job.date_posted.desc().nulls_last(), Job.id)
        .limit(limit)
    )
    return [job_summary(job) for job in rows]
