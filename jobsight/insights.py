"""Insight queries over the warehouse (never the live databases).

Salaries are compared only in the base currency after annualization: rows in any other
currency are left out rather than averaged across currencies.
"""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jobsight.db.warehouse import BridgeJobSkill, DimSkill, FactJob
from jobsight.textmatch import normalize_keywords, title_matches

BASE_CURRENCY = "EUR"
TOP_SKILLS = 50

_open = FactJob.status == "open"
_midpoint = func.coalesce((FactJob.annual_min + FactJob.annual_max) / 2, FactJob.annual_min, FactJob.annual_max)
_in_base = FactJob.annual_currency == BASE_CURRENCY


def _skills_of_jobs():
    """skill name per (job, skill) pair: the bridge joined to both sides of the star."""
    return (select(DimSkill.name.label("skill"))
            .select_from(BridgeJobSkill)
            .join(FactJob, FactJob.job_id == BridgeJobSkill.job_id)
            .join(DimSkill, DimSkill.skill_key == BridgeJobSkill.skill_key))


def skills_by_demand(session: Session, keywords, limit: int = TOP_SKILLS) -> list[list]:
    keywords = normalize_keywords(keywords)
    count = func.count().label("n")
    rows = session.execute(
        _skills_of_jobs().add_columns(count)
        .where(_open, title_matches(FactJob.title, keywords))
        .group_by(DimSkill.name)
        .order_by(count.desc(), DimSkill.name)
        .limit(limit)
    )
    return [[skill, n] for skill, n in rows]


def average_experience(session: Session, keywords) -> dict:
    keywords = normalize_keywords(keywords)
    avg, n = session.execute(
        select(func.avg(FactJob.experience_years), func.count(FactJob.experience_years))
        .where(_open, title_matches(FactJob.title, keywords))
    ).one()
    return {"average_experience": round(float(avg), 1) if avg is not None else None, "sample_size": n}


def skills_by_salary(session: Session) -> dict:
    salary = func.avg(_midpoint).label("salary")
    rows = session.execute(
        _skills_of_jobs().add_columns(salary)
        .where(_open, _in_base, _midpoint.isnot(None))
        .group_by(DimSkill.name)
        .order_by(salary.desc(), DimSkill.name)
    )
    return {skill: round(float(value), 2) for skill, value in rows}


def average_job_salary(session: Session) -> dict:
    avg, n = session.execute(
        select(func.avg(_midpoint), func.count(_midpoint)).where(_open, _in_base)
    ).one()
    return {"average_salary": round(float(avg), 2) if avg is not None else None,
            "currency": BASE_CURRENCY, "sample_size": n}


def all_skills_by_demand(session: Session) -> dict:
    count = func.count().label("n")
    rows = session.execute(
        _skills_of_jobs().add_columns(count)
        .where(_open)
        .group_by(DimSkill.name)
        .order_by(count.desc(), DimSkill.name)
    )
    return {skill: n for skill, n in rows}
