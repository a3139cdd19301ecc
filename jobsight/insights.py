"""Insight queries over the warehouse (never the live databases).

Salaries are compared only in the base currency after annualization: rows in any other
currency are left out rather than averaged across currencies.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from sqlalchemy import Float, and_, case, cast, func, select, text
from sqlalchemy.dialects.postgresql import ARRAY, array
from sqlalchemy.orm import Session

from jobsight.db.warehouse import BridgeJobSkill, DimCompany, DimLocation, DimSkill, FactJob
from jobsight.errors import ValidationError
from jobsight.normalize import default_taxonomy
from jobsight.search import _location as parse_place
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


# -- extended insights (GET /insights/...) ----------------------------------------------------
# Every answer states its sample size and the warehouse version it was read at. Validation of
# their input lives here too (pure), so the service and the unit tests share it.

PERCENTILES = (("p25", 0.25), ("p50", 0.5), ("p75", 0.75), ("p90", 0.9))
# Years of experience asked: under 1, [1, 2), [2, 3), [3, 5), [5, 8), 8 and more (and: not stated).
EXPERIENCE_BUCKETS = (("0", None, 1), ("1", 1, 2), ("2", 2, 3), ("3-4", 3, 5), ("5-7", 5, 8), ("8+", 8, None))
WORKPLACES = ("remote", "hybrid", "onsite", "unknown")
DEFAULT_WEEKS, MAX_WEEKS = 12, 104
DEFAULT_CO_SKILLS, DEFAULT_COMPANIES, MAX_LIMIT = 20, 10, 100
MAX_SKILL_LENGTH = 64
_VERSION = text("SELECT version FROM etl.state WHERE id = 1")


def warehouse_version(session: Session) -> int | None:
    """``etl.state.version``: moves with every load (what ``GET /status`` shows as the warehouse's)."""
    return session.execute(_VERSION).scalar()


def skill_name(value, taxonomy=None) -> str:
    """The canonical name of a skill the taxonomy knows ("k8s" → "Kubernetes"). An unknown skill is
    a 400, not an empty answer, so a typo ("pyton") is told rather than answered with nothing."""
    if not isinstance(value, str) or not value.strip():
        raise ValidationError("skill must be a non-empty skill name")
    value = " ".join(value.split())
    found = (taxonomy or default_taxonomy()).canonical(value) if len(value) <= MAX_SKILL_LENGTH else None
    if found is None:
        raise ValidationError(f"Unknown skill '{value[:MAX_SKILL_LENGTH]}'")
    return found


def bounded_int(value, name: str, default: int, low: int, high: int) -> int:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(f"{name} must be an integer")
    if not low <= value <= high:
        raise ValidationError(f"{name} must be between {low} and {high}")
    return value


def optional_keywords(value) -> str | None:
    """None means every open job; anything given must be real keywords (empty or absurd: 400)."""
    return None if value is None else normalize_keywords(value)


def salary_filters(skill=None, title=None, location=None) -> dict:
    """The validated filters of a salary question: at least one of skill, title and location."""
    if skill is None and title is None and location is None:
        raise ValidationError("Give at least one of 'skill', 'title' and 'location'")
    filters = {}
    if skill is not None:
        filters["skill"] = skill_name(skill)
    if title is not None:
        filters["title"] = normalize_keywords(title)
    if location is not None:
        country, city = parse_place(location)
        if country is None and city is None:
            raise ValidationError("location must name a city, a country or a country code")
        filters.update({k: v for k, v in (("country", country), ("city", city)) if v is not None})
    return filters


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _jobs_with_skill(skill: str):
    return (select(BridgeJobSkill.job_id)
            .join(DimSkill, DimSkill.skill_key == BridgeJobSkill.skill_key)
            .where(DimSkill.name == skill))


def _open_jobs(keywords=None, skill=None, title=None, country=None, city=None) -> list:
    """Conditions on fact_job selecting the open jobs a question is about."""
    conditions = [_open]
    for words in (keywords, title):
        if words:
            conditions.append(title_matches(FactJob.title, words))
    if skill:
        conditions.append(FactJob.job_id.in_(_jobs_with_skill(skill)))
    if country or city:
        places = select(DimLocation.location_key)
        if country:
            places = places.where(DimLocation.country == country)
        if city:
            places = places.where(func.lower(DimLocation.city) == city.lower())
        conditions.append(FactJob.location_key.in_(places))
    return conditions


def salary_percentiles(session: Session, skill=None, title=None, country=None, city=None) -> dict:
    """p25/p50/p75/p90 of each matching open job's annual midpoint in the base currency
    (percentile_cont: linear interpolation), and the share of matching jobs that disclose one."""
    version = warehouse_version(session)
    salary = case((_in_base, _midpoint))  # NULL for no salary or another currency: left out
    quantiles = cast(array([q for _, q in PERCENTILES]), ARRAY(Float))
    open_jobs, salaries, values = session.execute(
        select(func.count(), func.count(salary), func.percentile_cont(quantiles).within_group(salary))
        .where(*_open_jobs(skill=skill, title=title, country=country, city=city))
    ).one()
    values = values or [None] * len(PERCENTILES)
    filters = {k: v for k, v in (("skill", skill), ("title", title), ("country", country), ("city", city)) if v}
    return {"filters": filters, "currency": BASE_CURRENCY, "open_jobs": open_jobs, "sample_size": salaries,
            "disclosure_share": _share(salaries, open_jobs),
            "percentiles": {name: None if v is None else round(float(v), 2)
                            for (name, _), v in zip(PERCENTILES, values)},
            "warehouse_version": version}


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def skill_trend(session: Session, skill: str, weeks: int = DEFAULT_WEEKS, today: date | None = None) -> dict:
    """Jobs asking for the skill first seen in each ISO week (Monday, UTC) of the last ``weeks``
    weeks, this one included, open or closed since; oldest week first, empty weeks as 0."""
    this_week = week_start(today or datetime.now(timezone.utc).date())
    first = this_week - timedelta(weeks=weeks - 1)
    version = warehouse_version(session)
    week = func.date_trunc("week", func.timezone("UTC", FactJob.first_seen)).label("week")
    rows = session.execute(
        select(week, func.count())
        .where(FactJob.first_seen_date_key >= int(first.strftime("%Y%m%d")),
               FactJob.first_seen_date_key < int((this_week + timedelta(weeks=1)).strftime("%Y%m%d")),
               FactJob.job_id.in_(_jobs_with_skill(skill)))
        .group_by(week)
    ).all()
    counts = {moment.date(): n for moment, n in rows}
    series = [{"week": (first + timedelta(weeks=i)).isoformat(), "new_jobs": counts.get(first + timedelta(weeks=i), 0)}
              for i in range(weeks)]
    return {"skill": skill, "weeks": series, "sample_size": sum(w["new_jobs"] for w in series),
            "warehouse_version": version}


def co_skills(session: Session, keywords: str, limit: int = DEFAULT_CO_SKILLS) -> dict:
    """Skills of the open jobs whose title matches the keywords: how many of those jobs ask for
    each, and which share of them."""
    version = warehouse_version(session)
    matched = select(FactJob.job_id).where(*_open_jobs(keywords=keywords)).cte("matched")
    total = select(func.count()).select_from(matched).scalar_subquery()
    n = func.count().label("n")
    rows = session.execute(
        select(DimSkill.name, n, total)
        .select_from(matched)
        .join(BridgeJobSkill, BridgeJobSkill.job_id == matched.c.job_id)
        .join(DimSkill, DimSkill.skill_key == BridgeJobSkill.skill_key)
        .group_by(DimSkill.name)
        .order_by(n.desc(), DimSkill.name)
        .limit(limit)
    ).all()
    sample = rows[0][2] if rows else _count_open(session, keywords=keywords)
    return {"keywords": keywords, "skills": [{"skill": name, "jobs": jobs, "share": _share(jobs, sample)}
                                             for name, jobs, _ in rows],
            "sample_size": sample, "warehouse_version": version}


def _count_open(session: Session, **filters) -> int:
    return session.execute(select(func.count()).where(*_open_jobs(**filters))).scalar()


def experience_distribution(session: Session, keywords: str | None = None) -> dict:
    """Open jobs (matching the keywords, if any) per bucket of years of experience asked."""
    version = warehouse_version(session)
    years = FactJob.experience_years
    conditions = [years < high if low is None else years >= low if high is None else and_(years >= low, years < high)
                  for _, low, high in EXPERIENCE_BUCKETS]
    total, *counts = session.execute(
        select(func.count(), *(func.count().filter(c) for c in conditions), func.count().filter(years.is_(None)))
        .where(*_open_jobs(keywords=keywords))
    ).one()
    labels = [label for label, _, _ in EXPERIENCE_BUCKETS] + ["unstated"]
    return {"keywords": keywords,
            "buckets": [{"years": label, "jobs": n, "share": _share(n, total)} for label, n in zip(labels, counts)],
            "sample_size": total, "stated": total - counts[-1], "warehouse_version": version}


def remote_share(session: Session, keywords: str | None = None) -> dict:
    """Open jobs (matching the keywords, if any) by workplace. A job with no workplace but the
    remote flag counts as remote; with neither, as unknown."""
    version = warehouse_version(session)
    workplace = case((FactJob.workplace.in_(WORKPLACES[:3]), FactJob.workplace),
                     (FactJob.remote.is_(True), "remote"), else_="unknown")
    total, *counts = session.execute(
        select(func.count(), *(func.count().filter(workplace == w) for w in WORKPLACES))
        .where(*_open_jobs(keywords=keywords))
    ).one()
    return {"keywords": keywords,
            "workplaces": {w: {"jobs": n, "share": _share(n, total)} for w, n in zip(WORKPLACES, counts)},
            "sample_size": total, "warehouse_version": version}


def top_companies(session: Session, keywords: str | None = None, skill: str | None = None,
                  limit: int = DEFAULT_COMPANIES) -> dict:
    """Companies with the most open jobs (matching the keywords and/or skill, if given)."""
    version = warehouse_version(session)
    n = func.count().label("n")
    rows = session.execute(
        select(DimCompany.name, n, func.sum(func.count()).over())
        .select_from(FactJob)
        .join(DimCompany, DimCompany.company_key == FactJob.company_key)
        .where(*_open_jobs(keywords=keywords, skill=skill))
        .group_by(DimCompany.company_key, DimCompany.name)
        .order_by(n.desc(), DimCompany.name)
        .limit(limit)
    ).all()
    sample = int(rows[0][2]) if rows else _count_open(session, keywords=keywords, skill=skill)
    return {"keywords": keywords, "skill": skill,
            "companies": [{"company": name, "open_jobs": jobs, "share": _share(jobs, sample)}
                          for name, jobs, _ in rows],
            "sample_size": sample, "warehouse_version": version}
