"""The scraper's repositories over jobs_db: canonical jobs (the store stage and the reads
that serve jobs and exports) and the history of source runs.

One canonical job, many observations: every observation keeps its own URL and first/last
seen; a job closes when every observation of it has disappeared. Nothing here commits: the
caller's unit of work does, then announces what it is handed.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlalchemy import func, select, text, tuple_, update
from sqlalchemy.orm import Session

from jobsight import validate
from jobsight.db.jobs import Job, JobSource, SourceRun
from jobsight.events import JOB_CLOSED as CLOSED, JOB_POSTED as POSTED, JOB_UPDATED as UPDATED, JobPayload
from jobsight.ingestion.cursor import decode_cursor, encode_cursor
from jobsight.ingestion.payload import job_payload, source_of
from jobsight.ingestion.resolver import NewJob, Resolution
from jobsight.posting import Posting

# A run that sees fewer than this share of a source's open postings closes nothing: a
# changed page layout must not close a whole board.
MIN_SEEN_SHARE_TO_CLOSE = 0.5
MAX_EXPORT_PAGE = 5000

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


def _apply(job: Job, posting: Posting, fresh: bool, title_key: str, company_key: str) -> bool:
    """Merge a posting into its canonical job; True when the job changed."""
    before = _snapshot(job)
    if fresh or not job.title:
        job.title = posting.title
        job.title_key = title_key
    if fresh or not job.company:
        job.company = posting.company
        job.company_key = company_key
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


def _touch(job: Job, now: datetime, changed: bool) -> None:
    job.last_seen = now
    if changed:
        job.version = (job.version or 0) + 1
        job.updated_at = now
        if job.status != "open":
            job.status, job.closed_at = "open", None


class JobRepository:
    def __init__(self, session: Session):
        self.session = session

    # -- the store stage ------------------------------------------------------------------

    def lock_companies(self, company_keys) -> None:
        """Serialize dedup per company across scraper instances, in a fixed order (no deadlocks);
        held until the transaction ends."""
        for key in sorted(set(company_keys)):
            self.session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": "company:" + key})

    def store(self, source_name: str, source_kind: str, resolutions: list[Resolution],
              now: datetime | None = None) -> BatchOutcome:
        """Write one resolved batch: update observed postings, link the others to their job or
        create it, and say which jobs changed how."""
        now = now or _now()
        outcome = BatchOutcome()
        born: dict[NewJob, Job] = {}  # new jobs get their ids at the single flush below
        for item in resolutions:
            posting, keys = item.posting, item.keys
            obs = item.observation
            if obs is not None:
                job = item.job
                reopened = obs.closed_at is not None
                if obs.content_hash == keys.content_hash and not reopened and job.status == "open":
                    outcome.unchanged += 1
                    obs.last_seen = job.last_seen = now
                    continue
                obs.content_hash, obs.url, obs.last_seen, obs.closed_at = keys.content_hash, posting.url, now, None
                obs.url_key = keys.url
                obs.requisition_id = posting.requisition_id or obs.requisition_id
                changed = _apply(job, posting, False, keys.title, keys.company) or reopened or job.status != "open"
                _touch(job, now, changed)
                if changed:
                    outcome.updated += 1
                    outcome.mark(job.id, UPDATED)
                else:
                    outcome.unchanged += 1
                continue

            if item.first_of_new:
                job = Job(status="open", first_seen=now, last_seen=now, updated_at=now, version=1, skills=[])
                _apply(job, posting, True, keys.title, keys.company)
                job.simhash = keys.simhash
                job.simhash_bands = keys.bands
                self.session.add(job)
                born[item.new] = job
                outcome.new += 1
            elif item.new is not None:  # born earlier in this batch: still one posted event
                job = born[item.new]
                _apply(job, posting, False, keys.title, keys.company)
            else:
                job = item.job
                _apply(job, posting, False, keys.title, keys.company)
                _touch(job, now, True)  # a new source is news even when nothing else changed
                outcome.updated += 1
                outcome.mark(job.id, UPDATED)
            self.session.add(JobSource(
                job=job, source_name=source_name, source_kind=source_kind, source_id=posting.source_id,
                requisition_id=posting.requisition_id, url=posting.url, url_key=keys.url,
                content_hash=keys.content_hash, first_seen=now, last_seen=now))
        self.session.flush()
        for job in born.values():
            outcome.mark(job.id, POSTED)
        return outcome

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

    # -- reading --------------------------------------------------------------------------

    def payloads(self, job_ids) -> list[JobPayload]:
        """Whole canonical jobs in the event/export shape (docs/EVENTS.md), in id order."""
        ids = sorted(set(job_ids))
        if not ids:
            return []
        sources: dict[int, list] = {}
        for obs in self.session.scalars(select(JobSource).where(JobSource.job_id.in_(ids)).order_by(JobSource.id)):
            sources.setdefault(obs.job_id, []).append(source_of(obs))
        jobs = self.session.scalars(select(Job).where(Job.id.in_(ids)).order_by(Job.id))
        return [job_payload(job, sources.get(job.id, [])) for job in jobs]

    def get(self, job_id: int) -> dict | None:
        found = self.payloads([job_id])
        return found[0].to_dict() if found else None

    def export(self, after: str | None = None, limit: int = 500) -> dict:
        """Jobs in (updated_at, id) order after a cursor, for the warehouse's catch-up."""
        limit = validate.integer(limit, "limit", 1, MAX_EXPORT_PAGE)
        query = select(Job.id, Job.updated_at).order_by(Job.updated_at, Job.id).limit(limit)
        if after is not None:
            updated_at, job_id = decode_cursor(after)
            query = query.where(tuple_(Job.updated_at, Job.id) > tuple_(updated_at, job_id))
        rows = self.session.execute(query).all()
        order = {row.id: i for i, row in enumerate(rows)}
        jobs = sorted((p.to_dict() for p in self.payloads(order)), key=lambda j: order[j["job_id"]])
        cursor = encode_cursor(rows[-1].updated_at, rows[-1].id) if len(rows) == limit else None
        return {"jobs": jobs, "next": cursor}

    def count_by_status(self) -> dict:
        rows = self.session.execute(select(Job.status, func.count()).group_by(Job.status)).all()
        return {"open": 0, "closed": 0, **{status: n for status, n in rows}}

    def open_postings_per_source(self) -> dict[str, int]:
        return dict(self.session.execute(select(JobSource.source_name, func.count()).where(
            JobSource.closed_at.is_(None)).group_by(JobSource.source_name)).all())


def run_dict(run: SourceRun) -> dict:
    return {"source": run.source_name, "started_at": run.started_at.isoformat(),
            "finished_at": run.finished_at.isoformat() if run.finished_at else None,
            "fetched": run.fetched, "new": run.new, "updated": run.updated, "unchanged": run.unchanged,
            "closed": run.closed, "skipped": run.skipped, "errors": run.errors, "duration_ms": run.duration_ms,
            **{k: v for k, v in (run.details or {}).items()}}


class SourceRunRepository:
    """Statistics of every run of every source."""

    def __init__(self, session: Session):
        self.session = session

    def record(self, stats, started_at: datetime) -> None:
        self.session.add(SourceRun(
            source_name=stats.source, started_at=started_at, finished_at=_now(),
            fetched=stats.fetched, new=stats.new, updated=stats.updated, unchanged=stats.unchanged,
            closed=stats.closed, skipped=stats.skipped, errors=stats.errors, duration_ms=stats.duration_ms,
            details={"events": stats.events, "not_modified": stats.not_modified, "complete": stats.complete,
                     "messages": stats.error_messages}))

    def latest_per_source(self) -> dict[str, dict]:
        latest = select(SourceRun.source_name, func.max(SourceRun.id).label("id")).group_by(SourceRun.source_name)
        return {run.source_name: run_dict(run) for run in self.session.scalars(
            select(SourceRun).where(SourceRun.id.in_(select(latest.subquery().c.id))))}

    def recent(self, source_name: str, limit: int) -> list[dict]:
        rows = self.session.scalars(select(SourceRun).where(SourceRun.source_name == source_name)
                                    .order_by(SourceRun.id.desc()).limit(limit))
        return [run_dict(run) for run in rows]
