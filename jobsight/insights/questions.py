"""The insight questions: their names, the validation of their input and their cache keys.

Pure (no database): the gateway imports only this, to answer a cache hit itself under the same
key the insights service computes with; the queries behind each question are in
``jobsight.insights.queries``.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from jobsight import validate
from jobsight.errors import ValidationError
from jobsight.normalize import default_taxonomy
from jobsight.validate import normalize_keywords

BASE_CURRENCY = "EUR"
TOP_SKILLS = 50
PERCENTILES = (("p25", 0.25), ("p50", 0.5), ("p75", 0.75), ("p90", 0.9))
# Years of experience asked: under 1, [1, 2), [2, 3), [3, 5), [5, 8), 8 and more (and: not stated).
EXPERIENCE_BUCKETS = (("0", None, 1), ("1", 1, 2), ("2", 2, 3), ("3-4", 3, 5), ("5-7", 5, 8), ("8+", 8, None))
WORKPLACES = ("remote", "hybrid", "onsite", "unknown")
DEFAULT_WEEKS, MAX_WEEKS = 12, 104
DEFAULT_CO_SKILLS, DEFAULT_COMPANIES, MAX_LIMIT = 20, 10, 100
MAX_SKILL_LENGTH = 64


def skill_name(value, taxonomy=None) -> str:
    """The canonical name of a skill the taxonomy knows ("k8s" → "Kubernetes"). An unknown skill is
    a 404 (``UnknownSkill``), not an empty answer, so a typo ("pyton") is told rather than answered
    with nothing."""
    if not isinstance(value, str) or not value.strip():
        raise ValidationError("skill must be a non-empty skill name")
    value = " ".join(value.split())
    if len(value) > MAX_SKILL_LENGTH:
        raise ValidationError(f"skill too long (at most {MAX_SKILL_LENGTH} characters)")
    return (taxonomy or default_taxonomy()).require(value, MAX_SKILL_LENGTH)


bounded_int = validate.optional_integer


def optional_keywords(value) -> str | None:
    """None means every open job; anything given must be real keywords (empty or absurd: 400)."""
    return None if value is None else normalize_keywords(value)


def salary_filters(skill=None, title=None, location=None) -> dict:
    """The validated filters of a salary question: any of skill, title and location; none is
    every open job."""
    filters = {}
    if skill is not None:
        filters["skill"] = skill_name(skill)
    if title is not None:
        filters["title"] = normalize_keywords(title)
    if location is not None:
        country, city = validate.place(location)
        filters.update({k: v for k, v in (("country", country), ("city", city)) if v is not None})
    return filters


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


# -- each question's prepare(**raw) -> (validated arguments, cache key parts) --------------

def _keywords(keywords):
    keywords = normalize_keywords(keywords)  # one cache key for every spelling of a query
    return {"keywords": keywords}, (keywords,)


def _salary(skill=None, title=None, location=None):
    filters = salary_filters(skill, title, location)
    return filters, (filters,)


def _trend(skill, weeks=None, today: date | None = None):
    skill = skill_name(skill)
    weeks = bounded_int(weeks, "weeks", DEFAULT_WEEKS, 1, MAX_WEEKS)
    today = today or datetime.now(timezone.utc).date()  # part of the key: a new week is a new answer
    return {"skill": skill, "weeks": weeks, "today": today}, (skill, weeks, week_start(today).isoformat())


def _co_skills(keywords, limit=None):
    keywords = normalize_keywords(keywords)
    limit = bounded_int(limit, "limit", DEFAULT_CO_SKILLS, 1, MAX_LIMIT)
    return {"keywords": keywords, "limit": limit}, (keywords, limit)


def _optional_keywords(keywords=None):
    keywords = optional_keywords(keywords)
    return {"keywords": keywords}, (keywords,)


def _companies(keywords=None, skill=None, limit=None):
    keywords = optional_keywords(keywords)
    skill = None if skill is None else skill_name(skill)
    limit = bounded_int(limit, "limit", DEFAULT_COMPANIES, 1, MAX_LIMIT)
    return {"keywords": keywords, "skill": skill, "limit": limit}, (keywords, skill, limit)


def _no_arguments():
    return {}, ()


# question -> prepare; jobsight.insights.queries.COMPUTE has the same names.
QUESTIONS = {
    "skills_by_demand": _keywords,
    "average_experience": _keywords,
    "skills_by_salary": _no_arguments,
    "average_job_salary": _no_arguments,
    "all_skills_by_demand": _no_arguments,
    "salary_percentiles": _salary,
    "skill_trend": _trend,
    "co_skills": _co_skills,
    "experience_distribution": _optional_keywords,
    "remote_share": _optional_keywords,
    "top_companies": _companies,
}


def prepare(question: str, **raw) -> tuple[dict, tuple]:
    """Validated arguments of a question and the parts of its cache key (``ValidationError``
    on bad input, with the message the caller gets as a 400)."""
    arguments, parts = QUESTIONS[question](**raw)
    return arguments, (question, *parts)
