"""Re-tagging stored jobs when the taxonomy changes: a skill tracked later is added to the open
jobs that mention it (or, undoing that, removed again), a batch at a time, each changed job
announced as ``job_updated`` through the outbox in the same transaction.

Mention means what ingestion would have extracted: the taxonomy's own rules, run over a
taxonomy holding just that skill. A SQL prefilter on the name and aliases keeps it to the
jobs that can match.
"""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import or_, select

from jobsight.db.jobs import Job
from jobsight.events import JOB_UPDATED
from jobsight.normalize.skills import Taxonomy

BATCH = 500


def _mentions(skill: str, aliases: list[str]) -> Taxonomy:
    return Taxonomy.from_rows([{"name": skill, "category": None, "aliases": aliases, "ambiguous": False}], 1)


def retag(uow, skill: str, aliases: list[str], after_id: int = 0, limit: int = BATCH, remove: bool = False) -> dict:
    """One batch of open jobs with id above ``after_id``: add ``skill`` where the text mentions it
    (``remove``: take it off again). ``{"changed": ids changed now, "tagged": ids that carry the
    skill after this batch, "next": last id read or None when done}``. Safe to repeat: a job that
    already is as wanted is left alone, and still listed in ``tagged``."""
    words = [skill, *aliases]
    query = select(Job).where(Job.status == "open", Job.id > after_id).order_by(Job.id).limit(limit)
    if remove:
        query = query.where(Job.skills.any(skill))
    else:
        query = query.where(or_(*(Job.description.ilike(f"%{w}%") for w in words),
                                *(Job.title.ilike(f"%{w}%") for w in words)))
    jobs = uow.session.scalars(query).all()
    taxonomy = _mentions(skill, aliases)
    now = datetime.now(timezone.utc)
    changed, tagged = [], []
    for job in jobs:
        has = skill in (job.skills or [])
        if not remove and has:
            tagged.append(job.id)
        if remove and has:
            job.skills = [s for s in job.skills if s != skill]
        elif not remove and not has and taxonomy.extract(job.description or "", job.title or ""):
            job.skills = sorted({*(job.skills or []), skill})
            tagged.append(job.id)
        else:
            continue
        job.version += 1
        job.updated_at = now
        changed.append(job.id)
    uow.session.flush()
    for payload in uow.jobs.payloads(changed):
        uow.outbox.add(JOB_UPDATED, {"job": payload.to_dict()})
    return {"changed": changed, "tagged": tagged, "next": jobs[-1].id if len(jobs) == limit else None}
