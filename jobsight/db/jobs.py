"""jobs_db: canonical jobs, their source observations, the skills taxonomy and run history
(owned by the scraper service)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (BigInteger, Boolean, Computed, DateTime, FetchedValue, Float, ForeignKey, Integer, String,
                        Text, UniqueConstraint, func)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, TSVECTOR
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class JobsBase(DeclarativeBase):
    pass


class Job(JobsBase):
    """One canonical job, however many boards it was seen on."""

    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    title_key: Mapped[str | None] = mapped_column(Text)  # jobsight.dedup.title_key(title)
    # job_titles.id of lower(title), set by a trigger on every write (migration jobs_0005).
    title_id: Mapped[int | None] = mapped_column(Integer, server_default=FetchedValue(),
                                                 server_onupdate=FetchedValue(), deferred=True)
    company: Mapped[str] = mapped_column(Text)
    company_key: Mapped[str] = mapped_column(Text, index=True)
    location: Mapped[str | None] = mapped_column(Text)
    city: Mapped[str | None] = mapped_column(Text)
    region: Mapped[str | None] = mapped_column(Text)
    country: Mapped[str | None] = mapped_column(String(2))
    workplace: Mapped[str | None] = mapped_column(String(10))
    remote: Mapped[bool | None] = mapped_column(Boolean)
    employment_type: Mapped[str | None] = mapped_column(String(20))
    seniority: Mapped[str | None] = mapped_column(String(10))
    description: Mapped[str] = mapped_column(Text, default="")
    date_posted: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    skills: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list)
    salary_min: Mapped[float | None] = mapped_column(Float)
    salary_max: Mapped[float | None] = mapped_column(Float)
    salary_currency: Mapped[str | None] = mapped_column(String(3))
    salary_period: Mapped[str | None] = mapped_column(String(12))
    salary_raw: Mapped[str | None] = mapped_column(Text)
    annual_min: Mapped[float | None] = mapped_column(Float)
    annual_max: Mapped[float | None] = mapped_column(Float)
    annual_currency: Mapped[str | None] = mapped_column(String(3))
    experience_years: Mapped[float | None] = mapped_column(Float)
    simhash: Mapped[int | None] = mapped_column(BigInteger)
    simhash_bands: Mapped[list[int] | None] = mapped_column(ARRAY(Integer))  # jobsight.dedup.simhash_bands
    status: Mapped[str] = mapped_column(String(10), default="open", index=True)
    first_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    last_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # Weighted full-text vector (title A, skills B, description C), computed by PostgreSQL
    # (migration jobs_0003); deferred so loading a job never drags it along.
    search: Mapped[str | None] = mapped_column(
        TSVECTOR, Computed("jobs_search_vector(title, skills, description)", persisted=True), deferred=True)
    search_head: Mapped[str | None] = mapped_column(
        TSVECTOR, Computed("jobs_search_head(title, skills)", persisted=True), deferred=True)


class JobTitle(JobsBase):
    """Each distinct lowercased title once, with the words and terms the keyword matcher
    compares (jobsight.textmatch_sql; computed by PostgreSQL, terms GIN-indexed)."""

    __tablename__ = "job_titles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text, unique=True)
    words: Mapped[list[str]] = mapped_column(ARRAY(Text), Computed("public.textmatch_words(name)", persisted=True))
    terms: Mapped[list[str]] = mapped_column(ARRAY(Text), Computed("public.textmatch_terms(name)", persisted=True))
    role_terms: Mapped[list[str]] = mapped_column(ARRAY(Text), Computed(
        "public.textmatch_terms(regexp_replace(name, '[:,].*', ''))", persisted=True))


class JobTitleTerm(JobsBase):
    """Every term of every distinct title once (kept by a trigger): where a misspelt keyword
    looks for the words it may mean."""

    __tablename__ = "job_title_terms"

    term: Mapped[str] = mapped_column(Text, primary_key=True)


class JobSource(JobsBase):
    """One observation of a job on one source; every URL it was seen at is kept."""

    __tablename__ = "job_sources"
    __table_args__ = (UniqueConstraint("source_name", "source_id", name="uq_job_sources_source"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), index=True)
    source_name: Mapped[str] = mapped_column(Text)
    source_kind: Mapped[str] = mapped_column(String(20))
    source_id: Mapped[str] = mapped_column(Text)
    requisition_id: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str] = mapped_column(Text)
    url_key: Mapped[str] = mapped_column(Text, index=True)
    content_hash: Mapped[str | None] = mapped_column(String(64))
    first_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    last_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    job: Mapped[Job] = relationship()


class Skill(JobsBase):
    """The skills taxonomy, seeded from jobsight/data/skills.yml and the files it includes; rows can be added live."""

    __tablename__ = "skills"

    name: Mapped[str] = mapped_column(Text, primary_key=True)
    category: Mapped[str | None] = mapped_column(Text)
    aliases: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list)
    ambiguous: Mapped[bool] = mapped_column(Boolean, default=False)
    exact_case: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list, server_default="{}")
    area: Mapped[str | None] = mapped_column(Text)
    context: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list, server_default="{}")
    taxonomy_version: Mapped[int] = mapped_column(Integer, default=1)
    requested_by_users: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class SourceRun(JobsBase):
    """Statistics of one run of one source."""

    __tablename__ = "source_runs"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    source_name: Mapped[str] = mapped_column(Text, index=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    fetched: Mapped[int] = mapped_column(Integer, default=0)
    new: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    closed: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    duration_ms: Mapped[int | None] = mapped_column(Integer)
    details: Mapped[dict] = mapped_column(JSONB, default=dict)
