"""warehouse_db: the read-side star schema the insights service queries (loaded by etl)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, DateTime, Float, Integer, String, Text, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class WarehouseBase(DeclarativeBase):
    pass


class FactJob(WarehouseBase):
    __tablename__ = "fact_job"

    job_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    company: Mapped[str] = mapped_column(Text)
    location: Mapped[str | None] = mapped_column(Text)
    country: Mapped[str | None] = mapped_column(String(2))
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
    status: Mapped[str] = mapped_column(String(10), default="open")
    n_sources: Mapped[int] = mapped_column(Integer, default=1)
    source_version: Mapped[int] = mapped_column(Integer, default=1)
    loaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class BridgeJobSkill(WarehouseBase):
    __tablename__ = "bridge_job_skill"

    job_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    skill: Mapped[str] = mapped_column(Text, primary_key=True, index=True)
