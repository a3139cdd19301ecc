"""warehouse_db: the read-side star schema the insights service queries (loaded by etl).

The tables live in the PostgreSQL schema ``warehouse`` (see migrations/warehouse): a rebuild
fills ``warehouse_next`` and swaps the two by renaming them, so queries name the schema and
always resolve to the complete copy. Only what the insight queries read is mapped here; the
loader (jobsight.warehouse) works in set-based SQL.
"""
from __future__ import annotations

from datetime import datetime

from decimal import Decimal

from sqlalchemy import ARRAY, BigInteger, Boolean, Computed, DateTime, Float, Integer, Numeric, String, Text
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

SCHEMA = "warehouse"


class WarehouseBase(DeclarativeBase):
    pass


class DimSkill(WarehouseBase):
    __tablename__ = "dim_skill"
    __table_args__ = {"schema": SCHEMA}

    skill_key: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text, unique=True)
    category: Mapped[str | None] = mapped_column(Text)
    aliases: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list)


class DimCompany(WarehouseBase):
    __tablename__ = "dim_company"
    __table_args__ = {"schema": SCHEMA}

    company_key: Mapped[int] = mapped_column(Integer, primary_key=True)
    name_key: Mapped[str] = mapped_column(Text, unique=True)
    name: Mapped[str] = mapped_column(Text)


class FactJob(WarehouseBase):
    __tablename__ = "fact_job"
    __table_args__ = {"schema": SCHEMA}

    job_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    source_version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(Text)
    title_key: Mapped[int] = mapped_column(Integer)
    company_key: Mapped[int] = mapped_column(Integer)
    location_key: Mapped[int | None] = mapped_column(Integer)
    workplace: Mapped[str | None] = mapped_column(String(10))
    remote: Mapped[bool | None] = mapped_column(Boolean)
    seniority: Mapped[str | None] = mapped_column(String(10))
    employment_type: Mapped[str | None] = mapped_column(String(20))
    annual_min: Mapped[float | None] = mapped_column(Float)
    annual_max: Mapped[float | None] = mapped_column(Float)
    annual_currency: Mapped[str | None] = mapped_column(String(3))
    experience_years: Mapped[float | None] = mapped_column(Float)
    date_posted: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    first_seen: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_seen: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    first_seen_date_key: Mapped[int | None] = mapped_column(Integer)  # yyyymmdd (UTC), indexed
    n_sources: Mapped[int] = mapped_column(Integer)


class BridgeJobSkill(WarehouseBase):
    __tablename__ = "bridge_job_skill"
    __table_args__ = {"schema": SCHEMA}

    job_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    skill_key: Mapped[int] = mapped_column(Integer, primary_key=True)


class DimLocation(WarehouseBase):
    __tablename__ = "dim_location"
    __table_args__ = {"schema": SCHEMA}

    location_key: Mapped[int] = mapped_column(Integer, primary_key=True)
    natural_key: Mapped[str] = mapped_column(Text, unique=True)
    location: Mapped[str | None] = mapped_column(Text)
    city: Mapped[str | None] = mapped_column(Text)
    region: Mapped[str | None] = mapped_column(Text)
    country: Mapped[str | None] = mapped_column(String(2))


class DimTitle(WarehouseBase):
    """Each distinct lowercased title once: keywords are matched here, on the words and terms
    PostgreSQL computes (jobsight.textmatch_sql)."""
    __tablename__ = "dim_title"
    __table_args__ = {"schema": SCHEMA}

    title_key: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text, unique=True)
    words: Mapped[list[str]] = mapped_column(postgresql.ARRAY(Text), Computed("public.textmatch_words(name)", persisted=True))
    terms: Mapped[list[str]] = mapped_column(postgresql.ARRAY(Text), Computed("public.textmatch_terms(name)", persisted=True))
    role_terms: Mapped[list[str]] = mapped_column(postgresql.ARRAY(Text), Computed(
        "public.textmatch_terms(regexp_replace(name, '[:,].*', ''))", persisted=True))


class DimTitleTerm(WarehouseBase):
    """Every term of every distinct title once (added by each load): where a misspelt keyword
    looks for the words it may mean."""
    __tablename__ = "dim_title_terms"
    __table_args__ = {"schema": SCHEMA}

    term: Mapped[str] = mapped_column(Text, primary_key=True)


# -- maintained aggregates (jobsight.warehouse.aggregates): sums over open jobs ---------------

class AggSkill(WarehouseBase):
    __tablename__ = "agg_skill"
    __table_args__ = {"schema": SCHEMA}

    skill_key: Mapped[int] = mapped_column(Integer, primary_key=True)
    open_jobs: Mapped[int] = mapped_column(Integer)
    salaries: Mapped[int] = mapped_column(Integer)
    salary_sum: Mapped[Decimal] = mapped_column(Numeric)


class AggCompany(WarehouseBase):
    __tablename__ = "agg_company"
    __table_args__ = {"schema": SCHEMA}

    company_key: Mapped[int] = mapped_column(Integer, primary_key=True)
    open_jobs: Mapped[int] = mapped_column(Integer)


class AggTitle(WarehouseBase):
    __tablename__ = "agg_title"
    __table_args__ = {"schema": SCHEMA}

    title_key: Mapped[int] = mapped_column(Integer, primary_key=True)
    open_jobs: Mapped[int] = mapped_column(Integer)
    salaries: Mapped[int] = mapped_column(Integer)
    salary_sum: Mapped[Decimal] = mapped_column(Numeric)
    experience_stated: Mapped[int] = mapped_column(Integer)
    experience_sum: Mapped[Decimal] = mapped_column(Numeric)
    experience_0: Mapped[int] = mapped_column(Integer)
    experience_1: Mapped[int] = mapped_column(Integer)
    experience_2: Mapped[int] = mapped_column(Integer)
    experience_3_4: Mapped[int] = mapped_column(Integer)
    experience_5_7: Mapped[int] = mapped_column(Integer)
    experience_8_plus: Mapped[int] = mapped_column(Integer)
    remote: Mapped[int] = mapped_column(Integer)
    hybrid: Mapped[int] = mapped_column(Integer)
    onsite: Mapped[int] = mapped_column(Integer)
    unknown: Mapped[int] = mapped_column(Integer)


class AggTitleSkill(WarehouseBase):
    __tablename__ = "agg_title_skill"
    __table_args__ = {"schema": SCHEMA}

    title_key: Mapped[int] = mapped_column(Integer, primary_key=True)
    skill_key: Mapped[int] = mapped_column(Integer, primary_key=True)
    open_jobs: Mapped[int] = mapped_column(Integer)
    salaries: Mapped[int] = mapped_column(Integer)
    salary_sum: Mapped[Decimal] = mapped_column(Numeric)


class AggTitleCompany(WarehouseBase):
    __tablename__ = "agg_title_company"
    __table_args__ = {"schema": SCHEMA}

    title_key: Mapped[int] = mapped_column(Integer, primary_key=True)
    company_key: Mapped[int] = mapped_column(Integer, primary_key=True)
    open_jobs: Mapped[int] = mapped_column(Integer)


class AggSkillCompany(WarehouseBase):
    __tablename__ = "agg_skill_company"
    __table_args__ = {"schema": SCHEMA}

    skill_key: Mapped[int] = mapped_column(Integer, primary_key=True)
    company_key: Mapped[int] = mapped_column(Integer, primary_key=True)
    open_jobs: Mapped[int] = mapped_column(Integer)


class AggSalaryValues(WarehouseBase):
    """Open jobs per (title | skill | location, midpoint in the base currency; NULL: none)."""
    __tablename__ = "agg_salary_values"
    __table_args__ = {"schema": SCHEMA}

    dimension: Mapped[str] = mapped_column(String(8), primary_key=True)
    key: Mapped[int] = mapped_column(Integer, primary_key=True)
    salary: Mapped[float | None] = mapped_column(Float, primary_key=True)
    open_jobs: Mapped[int] = mapped_column(Integer)


class AggSkillFirstSeen(WarehouseBase):
    """Jobs (open or closed since) first seen per skill and day."""
    __tablename__ = "agg_skill_first_seen"
    __table_args__ = {"schema": SCHEMA}

    skill_key: Mapped[int] = mapped_column(Integer, primary_key=True)
    date_key: Mapped[int] = mapped_column(Integer, primary_key=True)
    jobs: Mapped[int] = mapped_column(Integer)
