"""warehouse_db: the read-side star schema the insights service queries (loaded by etl).

The tables live in the PostgreSQL schema ``warehouse`` (see migrations/warehouse): a rebuild
fills ``warehouse_next`` and swaps the two by renaming them, so queries name the schema and
always resolve to the complete copy. Only what the insight queries read is mapped here; the
loader (jobsight.warehouse) works in set-based SQL.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ARRAY, BigInteger, Boolean, DateTime, Float, Integer, String, Text
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
