"""The two shapes a job posting takes inside Jobsight.

A source adapter turns a source's native payload into a ``RawPosting`` (what the source
said, barely interpreted); the normalizer turns that into a ``Posting`` (canonical skills,
parsed salary, experience, workplace, location). Both are plain data, free of any framework.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any


@dataclass
class StructuredSalary:
    """Pay stated in a source's own structured fields (these win over salary text)."""

    min: float | None
    max: float | None
    currency: str | None  # ISO 4217 when the source says so, else the raw symbol/code
    period: str | None  # hour | day | week | month | year
    raw: str = ""


@dataclass
class RawPosting:
    """One posting as a source adapter read it."""

    source: str  # source kind: greenhouse, lever, ashby, remoteok, remotive, arbeitnow, hn, rss, jsonld, rabota
    source_id: str  # the id the source gives the posting (stable across fetches)
    url: str
    title: str
    company: str
    description: str = ""  # HTML or plain text, as the source gives it (unescaped once)
    location: str | None = None  # free text, e.g. "Berlin, Germany" or "Remote - US"
    country: str | None = None  # ISO 3166-1 alpha-2 when the source states it
    city: str | None = None
    region: str | None = None
    workplace: str | None = None  # remote | hybrid | onsite, only when structured
    employment_type: str | None = None  # the source's own words
    date_posted: datetime | None = None  # timezone-aware UTC
    requisition_id: str | None = None
    salary: StructuredSalary | None = None
    salary_text: str | None = None
    experience_text: str | None = None  # a dedicated experience field (rabota.md)
    experience_months: int | None = None  # schema.org experienceRequirements
    tags: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Salary:
    min: float | None
    max: float | None
    currency: str | None
    period: str | None
    annual_min: float | None
    annual_max: float | None
    annual_currency: str | None
    raw: str

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Posting:
    """A normalized posting: what dedup, storage, search and insights work with."""

    source: str
    source_id: str
    url: str
    title: str
    company: str
    location: str | None
    city: str | None
    region: str | None
    country: str | None
    remote: bool | None  # True for remote, False for hybrid/onsite, None when unknown
    workplace: str | None  # remote | hybrid | onsite | None
    employment_type: str | None  # full_time | part_time | contract | internship | temporary | None
    seniority: str | None  # intern | junior | mid | senior | lead | None
    date_posted: datetime | None
    description: str  # plain text
    skills: list[str]
    salary: Salary | None
    experience_years: float | None
    requisition_id: str | None = None

    def to_dict(self) -> dict:
        data = asdict(self)
        data["date_posted"] = self.date_posted.isoformat() if self.date_posted else None
        return data


@dataclass
class Skip:
    """A payload or item an adapter could not read: counted and logged, never fatal."""

    url: str
    reason: str


@dataclass
class ParseResult:
    """What one fetched document yields: postings, skipped items, and URLs to fetch next."""

    postings: list[RawPosting] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)
    follow: list[str] = field(default_factory=list)
