"""Storing normalized postings as canonical jobs in jobs_db (the scraper's repository).

One canonical job, many observations: a posting is linked to an existing job by its source
id, then by requisition id within the company, then by normalized URL, then by a
near-duplicate description within the company (same title). Every observation keeps its own
URL and first/last seen; a job closes when every observation of it has disappeared.
Nothing here commits: the caller commits, then dispatches the events it is handed.
"""
from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlalchemy import false, func, select, text, tuple_, update
from sqlalchemy.orm import Session

from jobsight import dedup
from jobsight.db.jobs import Job, JobSource
from jobsight.errors import ValidationError
from jobsight.posting import Posting

POSTED, UPDATED, CLOSED = "job_posted", "job_updated", "job_closed"
# A run that sees fewer than this share of a source's open postings closes nothing: a
# changed page layout must not close a whole board.
MIN_SEEN_SHARE_TO_CLOSE = 0.5

_JOB_FIELDS = ("location", "city", "region", "country", "workplace", "remote", "employment_type", "seniority",
               "date_posted", "experience_years")


@dataclass
class BatchOutcome:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    closed: int = 0
    events: dict[int, str] = field(default_factory=dict)  # job_id -> event type

    def mark(self, job_id: int, event: str) -> None:
        # posted beats updated (a job born in this batch is news once); closed beats both
        current = self.events.get(job_id)
        if current == CLOSED or (current == POSTED and event == UPDATED):
            return
        self.events[job_id] = event

    def absorb(self, other: "BatchOutcome") -> None:
        self.new += other.new
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.closed += other.closed
        for job_id, event in other.events.items():
            self.mark(job_id, event)


def _now() -> datetime:
    return datetime.now(timezone.utc)


def posting_hash(posting: Posting) -> str:
    return dedup.content_hash(posting.to_dict())


def _apply(job: Job, posting: Posting, fresh: bool) -> bool:
    """Merge a posting into its canonical job; True when the job changed."""
    before = _snapshot(job)
    if fresh or not job.title:
        job.title = posting.title
        job.title_key = dedup.title_key(posting.title)
    if fresh or not job.company:
        job.company = posting.company
        job.company_key = dedup.company_key(posting.company)
    for name in _JOB_FIELDS:
        value = getattr(posting, name)
        if value is not None and (fresh or getattr(job, name) is None or name in ("workplace", "remote")):
            setattr(job, name, value)
    if fresh or len(posting.description or "") > len(job.description or ""):
        job.description = posting.description or ""
    job.skills = sorted(set(job.skills or []) | set(posting.skills)) if not fresh else sorted(set(posting.skills))
    salary = posting.salary
    if salary is not None and (fresh or job.salary_raw is None or salary.annual_min is not None):
        job.salary_min, job.salary_max = salary.min, salary.max
        job.salary_currency, job.salary_period, job.salary_raw = salary.currency, salary.period, salary.raw
        job.annual_min, job.annual_max, job.annual_currency = salary.annual_min, salary.annual_max, salary.annual_currency
    return _snapshot(job) != before


def _snapshot(job: Job) -> tuple:
    return tuple(getattr(job, name) for name in (
        "title", "company", *_JOB_FIELDS, "description", "salary_raw", "annual_min", "annual_max")) + (
        tuple(job.skills or ()),)


class JobStore:
    def __init__(self, session: Session):
        self.session = session

    # -- writing ------------------------------------------------------------------------

    def ingest(self, source_name: str, source_kind: str, postings: list[Posting], now: datetime | None = None
               ) -> BatchOutcome:
        """Upsert one batch of one source's postings (call inside a transaction)."""
        now = now or _now()
        outcome = BatchOutcome()
        postings = list({p.source_id: p for p in postings}.values())  # last one wins within a batch
        if not postings:
            return outcome
        companies = sorted({dedup.company_key(p.company) for p in postings})
        # Serialize dedup per company across scraper instances, in a fixed order (no deadlocks).
        for key in companies:
            self.session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": "company:" + key})
        observed = {
            obs.source_id: obs for obs in self.session.scalars(
                select(JobSource).where(JobSource.source_name == source_name,
                                        JobSource.source_id.in_([p.source_id for p in postings])))
        }
        jobs = {job.id: job for job in self.session.scalars(
            select(Job).where(Job.id.in_({obs.job_id for obs in observed.values()})))} if observed else {}
        unseen = [p for p in postings if p.source_id not in observed]
        fingerprints = {p.source_id: dedup.simhash(p.description) for p in unseen}
        resolver = _Resolver(self.session, unseen, fingerprints)
        born: list[Job] = []  # new jobs get their ids at the single flush below

        for posting in postings:
            digest = posting_hash(posting)
            obs = observed.get(posting.source_id)
            if obs is not None:
                job = jobs[obs.job_id]
                reopened = obs.closed_at is not None
                if obs.content_hash == digest and not reopened and job.status == "open":
                    outcome.unchanged += 1
                    obs.last_seen = job.last_seen = now
                    continue
                obs.content_hash, obs.url, obs.last_seen, obs.closed_at = digest, posting.url, now, None
                obs.url_key = dedup.normalize_url(posting.url)
                obs.requisition_id = posting.requisition_id or obs.requisition_id
                changed = _apply(job, posting, fresh=False) or reopened or job.status != "open"
                self._touch(job, now, changed)
                if changed:
                    outcome.updated += 1
                    outcome.mark(job.id, UPDATED)
                else:
                    outcome.unchanged += 1
                continue

            fingerprint = fingerprints[posting.source_id]
            job = resolver.resolve(posting, source_name, fingerprint)
            if job is None:
                job = Job(status="open", first_seen=now, last_seen=now, updated_at=now, version=1, skills=[])
                _apply(job, posting, fresh=True)
                job.simhash = fingerprint
                job.simhash_bands = dedup.simhash_bands(fingerprint, job.company_key)
                self.session.add(job)
                resolver.remember(job)
                born.append(job)
                outcome.new += 1
            elif job.id is None:  # born earlier in this batch: still one posted event
                _apply(job, posting, fresh=False)
            else:
                _apply(job, posting, fresh=False)
                self._touch(job, now, True)  # a new source is news even when nothing else changed
                outcome.updated += 1
                outcome.mark(job.id, UPDATED)
            obs = JobSource(job=job, source_name=source_name, source_kind=source_kind,
                            source_id=posting.source_id, requisition_id=posting.requisition_id, url=posting.url,
                            url_key=dedup.normalize_url(posting.url), content_hash=digest, first_seen=now,
                            last_seen=now)
            self.session.add(obs)
            resolver.remember_observation(obs, job)
        self.session.flush()
        for job in born:
            outcome.mark(job.id, POSTED)
        return outcome

    def _touch(self, job: Job, now: datetime, changed: bool) -> None:
        job.last_seen = now
        if changed:
            job.version = (job.version or 0) + 1
            job.updated_at = now
            if job.status != "open":
                job.status, job.closed_at = "open", None

    def close_missing(self, source_name: str, seen_ids: set[str], now: datetime | None = None) -> BatchOutcome:
        """Close this source's observations not seen in a complete run, and jobs left with none."""
        now = now or _now()
        outcome = BatchOutcome()
        open_count = self.session.scalar(select(func.count()).select_from(JobSource).where(
            JobSource.source_name == source_name, JobSource.closed_at.is_(None)))
        if open_count and len(seen_ids) < MIN_SEEN_SHARE_TO_CLOSE * open_count:
            return outcome
        gone = self.session.execute(
            update(JobSource)
            .where(JobSource.source_name == source_name, JobSource.closed_at.is_(None),
                   JobSource.source_id.notin_(seen_ids) if seen_ids else True)
            .values(closed_at=now)
            .returning(JobSource.job_id)
        ).scalars().all()
        for job in self.session.scalars(select(Job).where(Job.id.in_(set(gone))).order_by(Job.id)):
            still_open = self.session.scalar(select(func.count()).select_from(JobSource).where(
                JobSource.job_id == job.id, JobSource.closed_at.is_(None)))
            job.version += 1
            job.updated_at = now
            if still_open == 0 and job.status == "open":
                job.status, job.closed_at = "closed", now
                outcome.closed += 1
                outcome.mark(job.id, CLOSED)
            else:
                outcome.mark(job.id, UPDATED)
        self.session.flush()
        return outcome

    # -- reading ------------------------------------------------------------------------

    def job_dicts(self, job_ids) -> list[dict]:
        """Whole canonical jobs in the event/export shape (docs/EVENTS.md), in id order."""
        ids = sorted(set(job_ids))
        if not ids:
            return []
        sources: dict[int, list[dict]] = {}
        for obs in self.session.scalars(select(JobSource).where(JobSource.job_id.in_(ids)).order_by(JobSource.id)):
            sources.setdefault(obs.job_id, []).append({
                "source_name": obs.source_name, "kind": obs.source_kind, "url": obs.url,
                "first_seen": _iso(obs.first_seen), "last_seen": _iso(obs.last_seen), "closed_at": _iso(obs.closed_at)})
        jobs = self.session.scalars(select(Job).where(Job.id.in_(ids)).order_by(Job.id))
        return [job_dict(job, sources.get(job.id, [])) for job in jobs]

    def get(self, job_id: int) -> dict | None:
        found = self.job_dicts([job_id])
        return found[0] if found else None

    def export(self, after: str | None = None, limit: int = 500) -> dict:
        """Jobs in (updated_at, id) order after a cursor, for the warehouse's catch-up."""
        if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= 5000:
            raise ValidationError("limit must be an integer between 1 and 5000")
        query = select(Job.id, Job.updated_at).order_by(Job.updated_at, Job.id).limit(limit)
        if after is not None:
            updated_at, job_id = decode_cursor(after)
            query = query.where(tuple_(Job.updated_at, Job.id) > tuple_(updated_at, job_id))
        rows = self.session.execute(query).all()
        jobs = self.job_dicts([row.id for row in rows])
        order = {row.id: i for i, row in enumerate(rows)}
        jobs.sort(key=lambda j: order[j["job_id"]])
        cursor = encode_cursor(rows[-1].updated_at, rows[-1].id) if len(rows) == limit else None
        return {"jobs": jobs, "next": cursor}


class _Resolver:
    """Finds the canonical job for postings not yet observed, with a few batched queries."""

    def __init__(self, session: Session, postings: list[Posting], fingerprints: dict[str, int | None]):
        self.by_requisition: dict[tuple[str, str], Job] = {}
        self.by_url: dict[str, Job] = {}
        # Keyed by the Job object itself: jobs born in this batch have no id until the flush.
        self.seen_on: dict[Job, tuple[set, set]] = {}  # job -> (source names, requisition ids)
        self.by_company: dict[str, list[Job]] = {}
        if not postings:
            return
        requisitions = {p.requisition_id for p in postings if p.requisition_id}
        urls = {dedup.normalize_url(p.url) for p in postings}
        companies = sorted({dedup.company_key(p.company) for p in postings})
        # Candidates share the company and either the normalized title or a SimHash band (both
        # index lookups): the cost does not grow with how many other jobs a company has open.
        pairs = sorted({(dedup.company_key(p.company), dedup.title_key(p.title)) for p in postings})
        bands = sorted({b for p in postings
                        for b in (dedup.simhash_bands(fingerprints[p.source_id], dedup.company_key(p.company)) or ())})
        rows = []
        if requisitions:
            rows += session.execute(select(JobSource.requisition_id, JobSource.url_key, Job).join(
                Job, Job.id == JobSource.job_id).where(JobSource.requisition_id.in_(requisitions),
                                                      Job.company_key.in_(companies))).all()
        rows += session.execute(select(JobSource.requisition_id, JobSource.url_key, Job).join(
            Job, Job.id == JobSource.job_id).where(JobSource.url_key.in_(urls))).all()
        for requisition, url_key, job in rows:
            if requisition:
                self.by_requisition.setdefault((job.company_key, requisition), job)
            self.by_url.setdefault(url_key, job)
        near = Job.simhash_bands.overlap(bands) if bands else false()
        open_jobs = session.scalars(select(Job).where(
            Job.status == "open", tuple_(Job.company_key, Job.title_key).in_(pairs) | near)).all()
        by_id = {job.id: job for job in open_jobs}
        for job in open_jobs:
            self._add(job)
        if open_jobs:
            for job_id, source_name, requisition in session.execute(
                    select(JobSource.job_id, JobSource.source_name, JobSource.requisition_id)
                    .where(JobSource.job_id.in_(list(by_id)))):
                self._note(by_id[job_id], source_name, requisition)

    def _add(self, job: Job) -> None:
        if job not in self.seen_on:
            self.seen_on[job] = (set(), set())
            self.by_company.setdefault(job.company_key, []).append(job)

    def _note(self, job: Job, source_name: str, requisition: str | None) -> None:
        self.seen_on[job][0].add(source_name)
        if requisition:
            self.seen_on[job][1].add(requisition)

    def _candidate(self, number: int, job: Job) -> dedup.Candidate:
        sources, requisitions = self.seen_on[job]
        return dedup.Candidate(number, job.company_key, dedup.title_key(job.title), job.simhash, job.country,
                               frozenset(sources), frozenset(requisitions))

    def resolve(self, posting: Posting, source_name: str, fingerprint: int | None) -> Job | None:
        key = dedup.company_key(posting.company)
        if posting.requisition_id and (key, posting.requisition_id) in self.by_requisition:
            return self.by_requisition[(key, posting.requisition_id)]
        url_key = dedup.normalize_url(posting.url)
        if url_key in self.by_url:
            return self.by_url[url_key]
        jobs = self.by_company.get(key)
        if not jobs:
            return None
        found = dedup.same_job(posting.title, fingerprint, key, posting.country, source_name,
                               posting.requisition_id, [self._candidate(n, job) for n, job in enumerate(jobs)])
        return None if found is None else jobs[found]

    def remember(self, job: Job) -> None:
        self._add(job)

    def remember_observation(self, obs: JobSource, job: Job) -> None:
        self._add(job)
        self._note(job, obs.source_name, obs.requisition_id)
        if obs.requisition_id:
            self.by_requisition.setdefault((job.company_key, obs.requisition_id), job)
        self.by_url.setdefault(obs.url_key, job)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def job_dict(job: Job, sources: list[dict]) -> dict:
    salary = None
    if job.salary_raw is not None or job.annual_min is not None or job.salary_min is not None:
        salary = {"min": job.salary_min, "max": job.salary_max, "currency": job.salary_currency,
                  "period": job.salary_period, "annual_min": job.annual_min, "annual_max": job.annual_max,
                  "annual_currency": job.annual_currency, "raw": job.salary_raw}
    return {
        "job_id": job.id, "version": job.version, "status": job.status, "title": job.title,
        "company": job.company, "description": job.description, "location": job.location, "city": job.city,
        "region": job.region, "country": job.country, "workplace": job.workplace, "remote": job.remote,
        "employment_type": job.employment_type, "seniority": job.seniority,
        "date_posted": _iso(job.date_posted), "first_seen": _iso(job.first_seen), "last_seen": _iso(job.last_seen),
        "closed_at": _iso(job.closed_at), "updated_at": _iso(job.updated_at), "skills": list(job.skills or []),
        "salary": salary, "experience_years": job.experience_years, "sources": sources,
        "n_sources": sum(1 for s in sources if s["closed_at"] is None),
    }


def encode_cursor(updated_at: datetime, job_id: int) -> str:
    return base64.urlsafe_b64encode(json.dumps([updated_at.isoformat(), job_id]).encode()).decode()


def decode_cursor(cursor) -> tuple[datetime, int]:
    try:
        stamp, job_id = json.loads(base64.urlsafe_b64decode(str(cursor).encode()))
        return datetime.fromisoformat(stamp), int(job_id)
    except (ValueError, TypeError):
        raise ValidationError("invalid export cursor")
