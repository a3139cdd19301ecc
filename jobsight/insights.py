"""Insight queries over the warehouse (never the live databases).

Salaries are compared only in the base currency after annualization: rows in any other
currency are left out rather than averaged across currencies.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from sqlalchemy import case, func, select, text
from sqlalchemy.orm import Session

from jobsight.db.warehouse import (AggCompany, AggSalaryValues, AggSkill, AggSkillCompany, AggSkillFirstSeen,
                                   AggTitle, AggTitleCompany, AggTitleSkill, BridgeJobSkill, DimCompany, DimLocation, DimSkill, DimTitle, FactJob)
from jobsight.errors import ValidationError
from jobsight.normalize import default_taxonomy
from jobsight.search import _location as parse_place
from jobsight.textmatch import title_matches, normalize_keywords
from jobsight.warehouse.aggregates import EXPERIENCE_COLUMNS, WORKPLACE_COLUMNS

BASE_CURRENCY = "EUR"
TOP_SKILLS = 50

# Most questions read the maintained aggregates (jobsight.warehouse.aggregates: sums over open
# jobs per title, title and skill, ...), kept exact by every load; keywords select titles in
# dim_title (each distinct title once) with the matcher search uses. Only questions combining
# filters no aggregate is keyed by (salary for a skill and a title, say) read the facts.

_open = FactJob.status == "open"
_midpoint = func.coalesce((FactJob.annual_min + FactJob.annual_max) / 2, FactJob.annual_min, FactJob.annual_max)
_in_base = FactJob.annual_currency == BASE_CURRENCY


def matched_titles(keywords: str):
    """title_key of every distinct title the (normalized) keywords match."""
    return select(DimTitle.title_key).where(title_matches(DimTitle.name, keywords))


def _ratio(total, n, digits: int) -> float | None:
    return round(float(total) / n, digits) if n else None


def _skill_counts(keywords: str | None, limit: int | None):
    """(skill, open jobs asking for it) over the titles the keywords match (or every job)."""
    if keywords is None:
        return (select(DimSkill.name, AggSkill.open_jobs).join(DimSkill, DimSkill.skill_key == AggSkill.skill_key)
                .order_by(AggSkill.open_jobs.desc(), DimSkill.name).limit(limit))
    n = func.sum(AggTitleSkill.open_jobs).label("n")
    return (select(DimSkill.name, n).join(DimSkill, DimSkill.skill_key == AggTitleSkill.skill_key)
            .where(AggTitleSkill.title_key.in_(matched_titles(keywords)))
            .group_by(DimSkill.name).order_by(n.desc(), DimSkill.name).limit(limit))


def _title_sums(session: Session, keywords: str | None, *columns):
    """Sums of agg_title columns over the titles the keywords match (or every title); 0 for none."""
    query = select(*(func.coalesce(func.sum(c), 0) for c in columns))
    if keywords is not None:
        query = query.where(AggTitle.title_key.in_(matched_titles(keywords)))
    return session.execute(query).one()


def skills_by_demand(session: Session, keywords, limit: int = TOP_SKILLS) -> list[list]:
    rows = session.execute(_skill_counts(normalize_keywords(keywords), limit))
    return [[skill, int(n)] for skill, n in rows]


def average_experience(session: Session, keywords) -> dict:
    total, n = _title_sums(session, normalize_keywords(keywords), AggTitle.experience_sum, AggTitle.experience_stated)
    return {"average_experience": _ratio(total, n, 1), "sample_size": int(n)}


def skills_by_salary(session: Session) -> dict:
    salary = (AggSkill.salary_sum / AggSkill.salaries).label("salary")
    rows = session.execute(
        select(DimSkill.name, salary).join(DimSkill, DimSkill.skill_key == AggSkill.skill_key)
        .where(AggSkill.salaries > 0).order_by(salary.desc(), DimSkill.name))
    return {skill: round(float(value), 2) for skill, value in rows}


def average_job_salary(session: Session) -> dict:
    total, n = _title_sums(session, None, AggTitle.salary_sum, AggTitle.salaries)
    return {"average_salary": _ratio(total, n, 2), "currency": BASE_CURRENCY, "sample_size": int(n)}


def all_skills_by_demand(session: Session) -> dict:
    return {skill: int(n) for skill, n in session.execute(_skill_counts(None, None))}


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
    return round(int(part) / int(whole), 4) if whole else None


def _jobs_with_skill(skill: str):
    return (select(BridgeJobSkill.job_id)
            .join(DimSkill, DimSkill.skill_key == BridgeJobSkill.skill_key)
            .where(DimSkill.name == skill))


def _skill_key(skill: str):
    return select(DimSkill.skill_key).where(DimSkill.name == skill).scalar_subquery()


def _places(country=None, city=None):
    places = select(DimLocation.location_key)
    if country:
        places = places.where(DimLocation.country == country)
    if city:
        places = places.where(func.lower(DimLocation.city) == city.lower())
    return places


def _open_jobs(keywords=None, skill=None, title=None, country=None, city=None) -> list:
    """Conditions on fact_job selecting the open jobs a question is about (for questions that
    combine filters no aggregate is keyed by)."""
    conditions = [_open]
    for words in (keywords, title):
        if words:
            conditions.append(FactJob.title_key.in_(matched_titles(words)))
    if skill:
        conditions.append(FactJob.job_id.in_(_jobs_with_skill(skill)))
    if country or city:
        conditions.append(FactJob.location_key.in_(_places(country, city)))
    return conditions


def percentile_cont(counts: list[tuple[float, int]], fraction: float) -> float | None:
    """PostgreSQL's ``percentile_cont`` over values given as (value, how many times), sorted by
    value: linear interpolation between the values at ranks floor and ceil of fraction·(n−1)."""
    n = sum(times for _, times in counts)
    if not n:
        return None
    position = fraction * (n - 1)
    low_rank, high_rank = int(position), min(int(position) + 1, n - 1)
    low = high = None
    seen = 0
    for value, times in counts:
        seen += times
        if low is None and seen > low_rank:
            low = value
        if seen > high_rank:
            high = value
            break
    return low + (position - low_rank) * (high - low)


def _salary_counts(session: Session, skill=None, title=None, country=None, city=None) -> list[tuple]:
    """(midpoint or None, open jobs) of the matching open jobs, lowest midpoint first (None last)."""
    dimensions = [name for name, given in (("skill", skill), ("title", title), ("location", country or city)) if given]
    if len(dimensions) == 1:  # one filter: the salary values aggregate keyed by it
        keys = {"skill": lambda: AggSalaryValues.key == _skill_key(skill),
                "title": lambda: AggSalaryValues.key.in_(matched_titles(title)),
                "location": lambda: AggSalaryValues.key.in_(_places(country, city))}[dimensions[0]]()
        n = func.sum(AggSalaryValues.open_jobs)
        query = (select(AggSalaryValues.salary, n).where(AggSalaryValues.dimension == dimensions[0], keys)
                 .group_by(AggSalaryValues.salary))
    else:
        salary = case((_in_base, _midpoint))  # NULL for no salary or another currency
        query = (select(salary, func.count())
                 .where(*_open_jobs(skill=skill, title=title, country=country, city=city)).group_by(salary))
    rows = session.execute(query.order_by(text("1 NULLS LAST"))).all()
    return [(None if value is None else float(value), int(times)) for value, times in rows]


def salary_percentiles(session: Session, skill=None, title=None, country=None, city=None) -> dict:
    """p25/p50/p75/p90 of each matching open job's annual midpoint in the base currency (as
    PostgreSQL's percentile_cont), and the share of matching jobs that disclose one."""
    version = warehouse_version(session)
    counts = _salary_counts(session, skill=skill, title=title, country=country, city=city)
    open_jobs = sum(times for _, times in counts)
    disclosed = [(value, times) for value, times in counts if value is not None]
    salaries = sum(times for _, times in disclosed)
    filters = {k: v for k, v in (("skill", skill), ("title", title), ("country", country), ("city", city)) if v}
    return {"filters": filters, "currency": BASE_CURRENCY, "open_jobs": open_jobs, "sample_size": salaries,
            "disclosure_share": _share(salaries, open_jobs),
            "percentiles": {name: None if (v := percentile_cont(disclosed, q)) is None else round(v, 2)
                            for name, q in PERCENTILES},
            "warehouse_version": version}


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _date_key(day: date) -> int:
    return int(day.strftime("%Y%m%d"))


def skill_trend(session: Session, skill: str, weeks: int = DEFAULT_WEEKS, today: date | None = None) -> dict:
    """Jobs asking for the skill first seen in each ISO week (Monday, UTC) of the last ``weeks``
    weeks, this one included, open or closed since; oldest week first, empty weeks as 0."""
    this_week = week_start(today or datetime.now(timezone.utc).date())
    first = this_week - timedelta(weeks=weeks - 1)
    version = warehouse_version(session)
    rows = session.execute(
        select(AggSkillFirstSeen.date_key, AggSkillFirstSeen.jobs)
        .where(AggSkillFirstSeen.skill_key == _skill_key(skill),
               AggSkillFirstSeen.date_key >= _date_key(first),
               AggSkillFirstSeen.date_key < _date_key(this_week + timedelta(weeks=1)))
    ).all()
    counts: dict[date, int] = {}
    for key, jobs in rows:
        monday = week_start(datetime.strptime(str(key), "%Y%m%d").date())
        counts[monday] = counts.get(monday, 0) + jobs
    series = [{"week": (first + timedelta(weeks=i)).isoformat(), "new_jobs": counts.get(first + timedelta(weeks=i), 0)}
              for i in range(weeks)]
    return {"skill": skill, "weeks": series, "sample_size": sum(w["new_jobs"] for w in series),
            "warehouse_version": version}


def co_skills(session: Session, keywords: str, limit: int = DEFAULT_CO_SKILLS) -> dict:
    """Skills of the open jobs whose title matches the keywords: how many of those jobs ask for
    each, and which share of them."""
    version = warehouse_version(session)
    (sample,) = _title_sums(session, keywords, AggTitle.open_jobs)
    rows = session.execute(_skill_counts(keywords, limit)).all()
    return {"keywords": keywords, "skills": [{"skill": name, "jobs": int(jobs), "share": _share(jobs, sample)}
                                             for name, jobs in rows],
            "sample_size": int(sample), "warehouse_version": version}


def experience_distribution(session: Session, keywords: str | None = None) -> dict:
    """Open jobs (matching the keywords, if any) per bucket of years of experience asked."""
    version = warehouse_version(session)
    total, stated, *counts = (int(v) for v in _title_sums(
        session, keywords, AggTitle.open_jobs, AggTitle.experience_stated,
        *(getattr(AggTitle, column) for column, _ in EXPERIENCE_COLUMNS)))
    labels = [label for label, _, _ in EXPERIENCE_BUCKETS] + ["unstated"]
    counts.append(total - stated)
    return {"keywords": keywords,
            "buckets": [{"years": label, "jobs": n, "share": _share(n, total)} for label, n in zip(labels, counts)],
            "sample_size": total, "stated": stated, "warehouse_version": version}


def remote_share(session: Session, keywords: str | None = None) -> dict:
    """Open jobs (matching the keywords, if any) by workplace. A job with no workplace but the
    remote flag counts as remote; with neither, as unknown."""
    version = warehouse_version(session)
    total, *counts = (int(v) for v in _title_sums(session, keywords, AggTitle.open_jobs,
                                                  *(getattr(AggTitle, w) for w in WORKPLACE_COLUMNS)))
    return {"keywords": keywords,
            "workplaces": {w: {"jobs": n, "share": _share(n, total)} for w, n in zip(WORKPLACES, counts)},
            "sample_size": total, "warehouse_version": version}


def top_companies(session: Session, keywords: str | None = None, skill: str | None = None,
                  limit: int = DEFAULT_COMPANIES) -> dict:
    """Companies with the most open jobs (matching the keywords and/or skill, if given)."""
    version = warehouse_version(session)
    if keywords and skill:  # no aggregate is keyed by both: count the facts
        n = func.count()
        query = (select(DimCompany.name, n).select_from(FactJob)
                 .join(DimCompany, DimCompany.company_key == FactJob.company_key)
                 .where(*_open_jobs(keywords=keywords, skill=skill)))
    else:
        agg = AggSkillCompany if skill else AggTitleCompany if keywords else AggCompany
        n = func.sum(agg.open_jobs)
        query = select(DimCompany.name, n).join(DimCompany, DimCompany.company_key == agg.company_key)
        if skill:
            query = query.where(AggSkillCompany.skill_key == _skill_key(skill))
        elif keywords:
            query = query.where(AggTitleCompany.title_key.in_(matched_titles(keywords)))
    rows = session.execute(
        query.add_columns(func.sum(n).over()).group_by(DimCompany.company_key, DimCompany.name)
        .order_by(n.desc(), DimCompany.name).limit(limit)
    ).all()
    sample = int(rows[0][2]) if rows else 0
    return {"keywords": keywords, "skill": skill,
            "companies": [{"company": name, "open_jobs": int(jobs), "share": _share(jobs, sample)}
                          for name, jobs, _ in rows],
            "sample_size": sample, "warehouse_version": version}


# -- questions: validation and cache key in one place -------------------------------------
# The insights service computes every question through ``prepare`` and ``answer``; the gateway
# uses ``prepare`` too, to answer a cache hit itself: both address the same key.

def _prepare_keywords(keywords):
    keywords = normalize_keywords(keywords)  # one cache key for every spelling of a query
    return {"keywords": keywords}, (keywords,)


def _prepare_salary(skill=None, title=None, location=None):
    filters = salary_filters(skill, title, location)
    return filters, (filters,)


def _prepare_trend(skill, weeks=None, today: date | None = None):
    skill = skill_name(skill)
    weeks = bounded_int(weeks, "weeks", DEFAULT_WEEKS, 1, MAX_WEEKS)
    today = today or datetime.now(timezone.utc).date()  # part of the key: a new week is a new answer
    return {"skill": skill, "weeks": weeks, "today": today}, (skill, weeks, week_start(today).isoformat())


def _prepare_co_skills(keywords, limit=None):
    keywords = normalize_keywords(keywords)
    limit = bounded_int(limit, "limit", DEFAULT_CO_SKILLS, 1, MAX_LIMIT)
    return {"keywords": keywords, "limit": limit}, (keywords, limit)


def _prepare_optional_keywords(keywords=None):
    keywords = optional_keywords(keywords)
    return {"keywords": keywords}, (keywords,)


def _prepare_companies(keywords=None, skill=None, limit=None):
    keywords = optional_keywords(keywords)
    skill = None if skill is None else skill_name(skill)
    limit = bounded_int(limit, "limit", DEFAULT_COMPANIES, 1, MAX_LIMIT)
    return {"keywords": keywords, "skill": skill, "limit": limit}, (keywords, skill, limit)


def _no_arguments():
    return {}, ()


# question -> (prepare(**raw) -> (arguments, key parts), compute(session, **arguments))
QUESTIONS = {
    "skills_by_demand": (_prepare_keywords, skills_by_demand),
    "average_experience": (_prepare_keywords, average_experience),
    "skills_by_salary": (_no_arguments, skills_by_salary),
    "average_job_salary": (_no_arguments, average_job_salary),
    "all_skills_by_demand": (_no_arguments, all_skills_by_demand),
    "salary_percentiles": (_prepare_salary, salary_percentiles),
    "skill_trend": (_prepare_trend, skill_trend),
    "co_skills": (_prepare_co_skills, co_skills),
    "experience_distribution": (_prepare_optional_keywords, experience_distribution),
    "remote_share": (_prepare_optional_keywords, remote_share),
    "top_companies": (_prepare_companies, top_companies),
}


def prepare(question: str, **raw) -> tuple[dict, tuple]:
    """Validated arguments of a question and the parts of its cache key (``ValidationError``
    on bad input, with the message the caller gets as a 400)."""
    arguments, parts = QUESTIONS[question][0](**raw)
    return arguments, (question, *parts)


def answer(session: Session, question: str, arguments: dict):
    return QUESTIONS[question][1](session, **arguments)
