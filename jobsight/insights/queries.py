"""The queries behind every insight question, over the warehouse (never the live databases).

Salaries are compared only in the base currency after annualization: rows in any other
currency are left out rather than averaged across currencies.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from sqlalchemy import case, func, select, text
from sqlalchemy.orm import Session

from jobsight import textmatch
from jobsight.db.warehouse import (AggCompany, AggSalaryValues, AggSkill, AggSkillCompany, AggSkillFirstSeen,
                                   AggTitle, AggTitleCompany, AggTitleSkill, BridgeJobSkill, DimCompany, DimLocation,
                                   DimSkill, DimTitle, DimTitleTerm, FactJob)
from jobsight.insights.questions import (BASE_CURRENCY, DEFAULT_COMPANIES, DEFAULT_CO_SKILLS, DEFAULT_WEEKS,
                                         EXPERIENCE_BUCKETS, PERCENTILES, TOP_SKILLS, WORKPLACES, week_start)
from jobsight.textmatch_sql import Titles, title_match
from jobsight.validate import normalize_keywords
from jobsight.warehouse.aggregates import EXPERIENCE_COLUMNS, WORKPLACE_COLUMNS
from jobsight.warehouse.version import read_version

# Most questions read the maintained aggregates (jobsight.warehouse.aggregates: sums over open
# jobs per title, title and skill, ...), kept exact by every load; keywords select titles in
# dim_title (each distinct title once) with the matcher search uses. Only questions combining
# filters no aggregate is keyed by (salary for a skill and a title, say) read the facts.

_open = FactJob.status == "open"
_midpoint = func.coalesce((FactJob.annual_min + FactJob.annual_max) / 2, FactJob.annual_min, FactJob.annual_max)
_in_base = FactJob.annual_currency == BASE_CURRENCY


_TITLES = Titles(DimTitle.title_key, DimTitle.words, DimTitle.terms, DimTitle.role_terms, DimTitleTerm.term)


def matched_titles(keywords: str):
    """title_key of every distinct title the (normalized) keywords match."""
    return select(title_match(_TITLES, textmatch.keywords(keywords)).subquery().c.id)


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
# Every answer states its sample size and the warehouse version it was read at (their input is
# validated by jobsight.insights.questions).


def warehouse_version(session: Session) -> int | None:
    """The loads part of the warehouse version (``etl.state.version``, as ``GET /status`` shows it)."""
    version = read_version(session)
    return version.loads if version else None

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


# question -> compute(session, **arguments); the names are jobsight.insights.questions.QUESTIONS'.
COMPUTE = {
    "skills_by_demand": skills_by_demand,
    "average_experience": average_experience,
    "skills_by_salary": skills_by_salary,
    "average_job_salary": average_job_salary,
    "all_skills_by_demand": all_skills_by_demand,
    "salary_percentiles": salary_percentiles,
    "skill_trend": skill_trend,
    "co_skills": co_skills,
    "experience_distribution": experience_distribution,
    "remote_share": remote_share,
    "top_companies": top_companies,
}


def answer(session: Session, question: str, arguments: dict):
    return COMPUTE[question](session, **arguments)
