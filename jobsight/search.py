"""Job search over jobs_db (the scraper owns it).

One engine serves ``/find-jobs`` and ``/jobs``: PostgreSQL full-text search over the weighted
``jobs.search`` vector (title A, skills B, description C; GIN index) OR the shared keyword
matcher of ``jobsight.textmatch`` over the distinct titles (typos: "pyhton developer"; synonyms:
"Programator Python"), title matches ranked first in the matcher's order. Filters, a page, the
exact total and facet counts come from one statement over the matching set.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timezone

from sqlalchemy import Float, exists, func, literal, or_, select, text
from sqlalchemy.dialects.postgresql import array
from sqlalchemy.orm import Session

from jobsight import dedup, textmatch, validate
from jobsight.db.jobs import Job, JobSource, JobTitle, JobTitleTerm
from jobsight.errors import ValidationError
from jobsight.normalize import default_taxonomy
from jobsight.normalize.skills import Taxonomy
from jobsight.textmatch_sql import Titles, title_match
from jobsight.validate import MAX_KEYWORDS_LENGTH, MAX_TEXT_FILTER, normalize_keywords

FIND_JOBS_LIMIT = 100
MAX_PAGE = 1000
MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 20
MAX_SALARY = 10_000_000
MAX_SKILLS = 10
FACET_SIZE = 20
WORKPLACES = ("remote", "hybrid", "onsite")
SORTS = ("relevance", "date")
PARAMETERS = ("q", "location", "remote", "salary_min", "skills", "since", "company", "source", "sort", "page",
              "per_page")
MAX_COMPANY_LENGTH = 200
TEXT_LIMITS = {"q": MAX_KEYWORDS_LENGTH, "location": MAX_TEXT_FILTER, "company": MAX_COMPANY_LENGTH,
               "source": MAX_TEXT_FILTER}
# ts_rank weights in {D, C, B, A} order: a title hit outweighs a skill, which outweighs the description.
RANK_WEIGHTS = "{0.05, 0.2, 0.5, 1.0}"
DESCRIPTION_WEIGHT = 0.05
REMOTE_WORDS = {"true": "remote", "yes": "remote", "1": "remote", "remote": "remote",
                 "false": "not_remote", "no": "not_remote", "0": "not_remote",
                 "hybrid": "hybrid", "onsite": "onsite", "on-site": "onsite"}


# -- the query: pure, validated ------------------------------------------------------------

@dataclass(frozen=True)
class SearchQuery:
    """A validated search. ``remote`` is a workplace, or ``"not_remote"`` (hybrid or onsite)."""

    q: str | None = None
    country: str | None = None
    city: str | None = None
    remote: str | None = None
    salary_min: int | None = None
    skills: tuple[str, ...] = ()
    since: date | None = None
    company_key: str | None = None
    source: str | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


def parse_search_query(args: dict, taxonomy: Taxonomy | None = None) -> SearchQuery:
    """Validate raw parameters (strings from HTTP, or plain values over RPC) into a SearchQuery.

    Every problem is a ``ValidationError`` naming the parameter. Skills go through the taxonomy
    ("k8s" → Kubernetes); a skill it does not know is ``UnknownSkill`` (404), and a location that
    names no place ``UnknownPlace`` (404), not an empty result, so a typo ("pyton") is told rather
    than silently answered with nothing.
    """
    if not isinstance(args, dict):
        raise ValidationError("search parameters must be an object")
    unknown = sorted(str(k) for k in args if k not in PARAMETERS)
    if unknown:
        raise ValidationError(f"Unknown parameter '{unknown[0]}' (known: {', '.join(PARAMETERS)})")
    for name, limit in TEXT_LIMITS.items():  # as sent, blank or not: the OpenAPI maxLength
        if isinstance(args.get(name), str) and len(args[name]) > limit:
            raise ValidationError(f"{name} too long (at most {limit} characters)")
    values = {k: _blank_to_none(v) for k, v in args.items()}
    q = _keywords(values.get("q"))
    country, city = validate.place(values.get("location"))
    sort = _choice(values.get("sort"), "sort", SORTS) or ("relevance" if q else "date")
    return SearchQuery(
        q=q, country=country, city=city,
        remote=_remote(values.get("remote")),
        salary_min=validate.whole_number(values.get("salary_min"), "salary_min", 0, MAX_SALARY),
        skills=_skills(values.get("skills"), taxonomy or default_taxonomy()),
        since=_since(values.get("since")),
        company_key=_company(values.get("company")),
        source=validate.filter_text(values.get("source"), "source"),
        sort=sort if q else "date",  # without keywords every match is equally relevant
        page=validate.whole_number(values.get("page"), "page", 1, MAX_PAGE) or 1,
        per_page=validate.whole_number(values.get("per_page"), "per_page", 1, MAX_PER_PAGE) or DEFAULT_PER_PAGE,
    )


def _blank_to_none(value):
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _keywords(value) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValidationError("q must be text")
    try:
        return normalize_keywords(value)
    except ValidationError as exc:
        raise ValidationError(f"q: {exc.message}")


def _choice(value, name: str, choices) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or value.strip().lower() not in choices:
        raise ValidationError(f"{name} must be one of: {', '.join(choices)}")
    return value.strip().lower()


def _remote(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or value.strip().lower() not in REMOTE_WORDS:
        raise ValidationError("remote must be one of: true, false, remote, hybrid, onsite")
    return REMOTE_WORDS[value.strip().lower()]


def _skills(value, taxonomy: Taxonomy) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        names = [part.strip() for part in value.split(",")]
    elif isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        names = [v.strip() for v in value]
    else:
        raise ValidationError("skills must be a comma-separated list of skill names")
    names = [name for name in names if name]
    if len(names) > MAX_SKILLS:
        raise ValidationError(f"at most {MAX_SKILLS} skills")
    canonical = []
    for name in names:
        found = taxonomy.require(name)
        if found not in canonical:
            canonical.append(found)
    return tuple(canonical)


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _since(value) -> date | None:
    """A calendar date, YYYY-MM-DD (RFC 3339's full-date, as the OpenAPI document says). A date in
    the future is no error: it selects nothing, as any filter no job meets."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValidationError("since must be a date, YYYY-MM-DD")


def _company(value) -> str | None:
    value = validate.filter_text(value, "company", MAX_COMPANY_LENGTH)
    if value is None:
        return None
    key = dedup.company_key(value)
    if not key or not any(ch.isalnum() for ch in value):
        raise ValidationError("company must contain at least one letter or digit")
    return key


# -- the engine ----------------------------------------------------------------------------

def _tsquery(keywords: str):
    return func.websearch_to_tsquery(text("'simple'::regconfig"), literal(keywords))


_TITLES = Titles(JobTitle.id, JobTitle.words, JobTitle.terms, JobTitle.role_terms, JobTitleTerm.term)


def matched_titles(keywords: str):
    """The distinct titles (job_titles) the keywords match, each with its matcher score: the
    matcher insights and saved searches use, run once per distinct title instead of once per job."""
    return title_match(_TITLES, textmatch.keywords(keywords)).cte("titles")


def relevance(keywords: str, titles):
    """The title's matcher score (at least 5 when the title matches, 0 when not; its steps keep
    the matcher's order) plus the weighted rank on the small title+skills vector (at most 1),
    which orders jobs within a step and those matched by skills or description alone."""
    return (func.ts_rank(text(f"'{RANK_WEIGHTS}'::float4[]"), Job.search_head, _tsquery(keywords))
            + func.coalesce(titles.c.score, 0.0) + DESCRIPTION_WEIGHT)


def _conditions(query: SearchQuery) -> list:
    found = [Job.status == "open"]
    if query.country:
        found.append(Job.country == query.country)
    if query.city:
        found.append(func.lower(Job.city) == query.city.lower())
    if query.remote == "not_remote":
        found.append(Job.workplace.in_(("hybrid", "onsite")))
    elif query.remote:
        found.append(Job.workplace == query.remote)
    if query.salary_min is not None:
        found.append(func.coalesce(Job.annual_max, Job.annual_min) >= query.salary_min)
    if query.skills:
        found.append(Job.skills.contains(array(query.skills)))
    if query.since:
        found.append(Job.date_posted >= datetime.combine(query.since, datetime.min.time(), timezone.utc))
    if query.company_key:
        found.append(Job.company_key == query.company_key)
    if query.source:
        found.append(exists().where(JobSource.job_id == Job.id, or_(
            JobSource.source_name == query.source, JobSource.source_kind == query.source)))
    return found


def search_jobs(session: Session, query: SearchQuery) -> dict:
    """One page of matching open jobs with the exact total and facets over every match."""
    filters = _conditions(query)
    if query.q:
        # Two ways keywords select a job: every word in title, skills or description (full-text,
        # GIN), or a fuzzy title match (the matched titles' jobs, title_id index). Both indexes
        # are exact, so one bitmap scan ORs them without re-reading any description-sized vector.
        titles = matched_titles(query.q)
        score = relevance(query.q, titles) if query.sort == "relevance" else literal(0.0, Float)
        matched = (select(Job.id, Job.skills, Job.workplace, Job.country, Job.city, Job.date_posted,
                          score.label("score"))
                   .select_from(Job).outerjoin(titles, titles.c.id == Job.title_id)
                   # title first: where a filter's index leads, a job whose title matched is
                   # never tested against its vector
                   .where(or_(Job.title_id == func.any(func.array(select(titles.c.id).scalar_subquery())),
                              Job.search.op("@@")(_tsquery(query.q))),
                          *filters))
    else:
        matched = select(Job.id, Job.skills, Job.workplace, Job.country, Job.city, Job.date_posted,
                         literal(0.0, Float).label("score")).where(*filters)
    matched = matched.cte("matched").prefix_with("MATERIALIZED")
    # Large match sets push the estimated cost past jit_above_cost; compiling then costs more
    # (tens of ms) than the whole query saves. Transaction-local: the session's next use is not affected.
    session.execute(text("SET LOCAL jit = off"))
    # Exact (not lossy) bitmaps for large match sets, so no page is re-checked against its
    # description-sized vector; the facets hash in memory.
    session.execute(text("SET LOCAL work_mem = '64MB'"))
    order = ([matched.c.score.desc()] if query.sort == "relevance" else []) + [
        matched.c.date_posted.desc().nullslast(), matched.c.id.desc()]
    page = select(matched.c.id, matched.c.score).order_by(*order).limit(query.per_page).offset(query.offset).subquery()
    skill = func.unnest(matched.c.skills).table_valued("skill").render_derived()
    n = func.count().label("n")
    skill_counts = (select(skill.c.skill, n).select_from(matched).join(skill, literal(True))
                    .group_by(skill.c.skill).order_by(n.desc(), skill.c.skill).limit(FACET_SIZE).subquery())
    place = func.coalesce(matched.c.country, matched.c.city)
    places = (select(place.label("place"), n).where(place.isnot(None)).group_by(place)
              .order_by(n.desc(), place).limit(FACET_SIZE).subquery())
    workplace = {name: func.count().filter(matched.c.workplace == name) for name in WORKPLACES}
    row = session.execute(select(
        select(func.count()).select_from(matched).scalar_subquery().label("total"),
        select(func.coalesce(func.json_agg(func.json_build_array(page.c.id, page.c.score)), text("'[]'::json")))
        .scalar_subquery().label("page"),
        select(func.coalesce(func.json_agg(func.json_build_array(skill_counts.c.skill, skill_counts.c.n)),
                             text("'[]'::json"))).scalar_subquery().label("skills"),
        select(func.coalesce(func.json_agg(func.json_build_array(places.c.place, places.c.n)), text("'[]'::json")))
        .scalar_subquery().label("places"),
        select(func.json_build_object(
            "remote", workplace["remote"], "hybrid", workplace["hybrid"], "onsite", workplace["onsite"],
            "unknown", func.count().filter(or_(matched.c.workplace.is_(None),
                                               matched.c.workplace.notin_(WORKPLACES)))))
        .select_from(matched).scalar_subquery().label("workplaces"),
    )).one()
    scores = {job_id: float(value) for job_id, value in row.page}
    return {
        "total": row.total, "page": query.page, "per_page": query.per_page, "sort": query.sort,
        "results": [{**result, "score": round(scores[result["job_id"]], 4)}
                    for result in _summaries(session, list(scores))],
        "facets": {"skills": [list(pair) for pair in row.skills], "remote": row.workplaces,
                   "location": [list(pair) for pair in row.places]},
    }


def _summaries(session: Session, job_ids: list[int]) -> list[dict]:
    """Result rows for a page, in the given order, with each job's count of open sources."""
    if not job_ids:
        return []
    n_sources = (select(func.count()).where(JobSource.job_id == Job.id, JobSource.closed_at.is_(None))
                 .correlate(Job).scalar_subquery())
    rows = {job.id: (job, n) for job, n in session.execute(select(Job, n_sources).where(Job.id.in_(job_ids)))}
    return [search_result(*rows[job_id]) for job_id in job_ids if job_id in rows]


def search_result(job: Job, n_sources: int) -> dict:
    return {
        "job_id": job.id, "title": job.title, "company": job.company, "location": job.location,
        "city": job.city, "country": job.country, "remote": job.remote, "workplace": job.workplace,
        "annual_min": job.annual_min, "annual_max": job.annual_max, "annual_currency": job.annual_currency,
        # The salary as the posting stated it, beside its annualized base-currency figures.
        "salary_min": job.salary_min, "salary_max": job.salary_max, "salary_currency": job.salary_currency,
        "salary_period": job.salary_period,
        "skills": list(job.skills or []),
        "date_posted": job.date_posted.isoformat() if job.date_posted else None,
        "first_seen": job.first_seen.isoformat() if job.first_seen else None,
        "n_sources": n_sources,
    }


# -- /find-jobs: the original shape, on the same engine --------------------------------------

def job_summary(job: Job) -> dict:
    """The shape of the original ``/find-jobs`` answer (plus a few fields clients asked for)."""
    return {
        "job_id": job.id,
        "title": job.title,
        "company": job.company,
        "location": job.location,
        "description": job.description,
        "date_posted": job.date_posted.isoformat() if job.date_posted else None,
        "remote": job.remote,
        "skills": list(job.skills or []),
    }


def find_jobs(session: Session, title, limit: int = FIND_JOBS_LIMIT) -> list[dict]:
    """Open jobs whose title matches, best first. Matching is the title matcher insights use
    (so both select the same jobs for the same keywords); ranking is search's relevance."""
    keywords = normalize_keywords(title)
    titles = matched_titles(keywords)
    rows = session.scalars(
        select(Job).join(titles, titles.c.id == Job.title_id)
        .where(Job.status == "open")
        .order_by(relevance(keywords, titles).desc(), Job.date_posted.desc().nulls_last(), Job.id)
        .limit(limit)
    )
    return [job_summary(job) for job in rows]
