"""Saved searches, matching new jobs to subscribers, and the notification inbox (users_db).

Matching never scans every user: skill subscriptions are found through their index, saved
searches through an inverted index of their keyword terms (each term's deletion set, so a
misspelt keyword is found too), then confirmed term by term by the rule search and insights
use (jobsight.textmatch): a search matches when each of its keyword words matches the title.
Each user gets exactly one notification per canonical job, listing every reason.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass

from sqlalchemy import Float, String, Text, and_, bindparam, cast, delete, func, literal, or_, select, text, update
from sqlalchemy.dialects.postgresql import ARRAY, insert
from sqlalchemy.orm import Session

from jobsight.db.users import (Notification, ProcessedEvent, SavedSearch, SavedSearchKey, SavedSearchTerm,
                               Subscription, User)
from jobsight import textmatch, validate
from jobsight.errors import Conflict, NotFound, ValidationError
from jobsight.events import JobPayload, Salary
from jobsight.normalize import default_taxonomy
from jobsight.validate import MAX_TEXT_FILTER, normalize_keywords

MAX_SEARCHES_PER_USER = 50
MAX_SEARCH_SKILLS = 10
MAX_SALARY = 10_000_000
WORKPLACES = ("remote", "hybrid", "onsite")
_LOCATION = re.compile(r"^[\w .,'()-]+$", re.UNICODE)


@dataclass(frozen=True)
class SearchSpec:
    keywords: str
    location: str | None = None
    remote: str | None = None
    salary_min: float | None = None
    skills: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {"keywords": self.keywords, "location": self.location, "remote": self.remote,
                "salary_min": self.salary_min, "skills": list(self.skills)}


def parse_search(data) -> SearchSpec:
    """Validate a saved search as a user sends it; ValidationError says what is wrong."""
    if not isinstance(data, dict):
        raise ValidationError("search must be an object with at least 'keywords'")
    unknown = set(data) - {"keywords", "location", "remote", "salary_min", "skills"}
    if unknown:
        raise ValidationError(f"Unknown search field(s): {', '.join(sorted(unknown))}")
    if "keywords" not in data:
        raise ValidationError("search needs 'keywords'")
    keywords = normalize_keywords(data["keywords"])
    location = data.get("location")
    if location is not None:
        if not isinstance(location, str) or len(location) > MAX_TEXT_FILTER or not _LOCATION.match(location.strip()):
            raise ValidationError("location must be a place name of at most 100 characters")
        location = " ".join(location.split())
    remote = data.get("remote")
    if remote is True:
        remote = "remote"
    elif remote is False:
        remote = "onsite"
    elif remote is not None and remote not in WORKPLACES:
        raise ValidationError("remote must be true, false, 'remote', 'hybrid' or 'onsite'")
    salary_min = data.get("salary_min")
    if salary_min is not None:
        if isinstance(salary_min, bool) or not isinstance(salary_min, (int, float)) or \
                not math.isfinite(salary_min) or not 0 <= salary_min <= MAX_SALARY:
            raise ValidationError(f"salary_min must be an annual amount in EUR between 0 and {MAX_SALARY:,}")
        salary_min = float(salary_min)
    skills = data.get("skills")
    skills = [] if skills is None else skills
    if not isinstance(skills, list) or len(skills) > MAX_SEARCH_SKILLS or \
            not all(isinstance(s, str) for s in skills):
        raise ValidationError(f"skills must be a list of at most {MAX_SEARCH_SKILLS} skill names")
    canonical = []
    taxonomy = default_taxonomy()
    for skill in skills:
        if not skill.strip():
            raise ValidationError("skills must not be empty names")
        canonical.append(taxonomy.require(skill))
    return SearchSpec(keywords, location, remote, salary_min, tuple(sorted(set(canonical))))


def search_dict(search: SavedSearch) -> dict:
    return {"id": search.id, "keywords": search.keywords, "location": search.location, "remote": search.remote,
            "salary_min": search.salary_min, "skills": list(search.skills or []),
            "created_at": search.created_at.isoformat() if search.created_at else None}


class SavedSearches:
    def __init__(self, session: Session):
        self.session = session

    def add(self, user_id: int, spec: SearchSpec) -> dict:
        count = self.session.scalar(select(func.count()).select_from(SavedSearch).where(SavedSearch.user_id == user_id))
        if count >= MAX_SEARCHES_PER_USER:
            raise Conflict(f"At most {MAX_SEARCHES_PER_USER} saved searches per user; delete one first")
        terms, keys = index_rows(spec.keywords)
        search = SavedSearch(user_id=user_id, keywords=spec.keywords, term_count=len({t["position"] for t in terms}),
                             location=spec.location, remote=spec.remote, salary_min=spec.salary_min,
                             skills=list(spec.skills))
        self.session.add(search)
        self.session.flush()
        self.session.add_all(SavedSearchTerm(search_id=search.id, **row) for row in terms)
        self.session.add_all(SavedSearchKey(search_id=search.id, **row) for row in keys)
        self.session.flush()
        return search_dict(search)

    def list(self, user_id: int) -> list[dict]:
        rows = self.session.scalars(select(SavedSearch).where(SavedSearch.user_id == user_id).order_by(SavedSearch.id))
        return [search_dict(s) for s in rows]

    def remove(self, user_id: int, search_id: int) -> None:
        removed = self.session.execute(delete(SavedSearch).where(
            SavedSearch.id == search_id, SavedSearch.user_id == user_id)).rowcount
        if not removed:
            raise NotFound("No such saved search")


def index_rows(keywords: str) -> tuple[list[dict], list[dict]]:
    """A saved search's rows of ``saved_search_terms`` and ``saved_search_keys`` (without the
    search id): one position per keyword term, its synonyms as further terms of that position,
    and the deletion keys a title's own keys meet them by."""
    terms, keys = [], set()
    for position, term in enumerate(textmatch.keywords(keywords).terms):
        terms.append({"position": position, "term": term.text, "typos": term.typos})
        keys.update((key, position) for key in textmatch.keyword_keys(term))
        for synonym in term.also:
            terms.append({"position": position, "term": synonym, "typos": 0})
            keys.add((synonym, position))
    return terms, [{"key": key, "position": position} for key, position in sorted(keys)]


def job_summary(job: JobPayload) -> dict:
    salary = job.salary or Salary()
    return {"job_id": job.job_id, "title": job.title, "company": job.company, "location": job.location,
            "workplace": job.workplace, "skills": list(job.skills), "annual_min": salary.annual_min,
            "annual_max": salary.annual_max, "annual_currency": salary.annual_currency,
            "date_posted": job.date_posted, "url": job.url}


class Subscribers:
    """Who wants to hear of a job: skill subscriptions and saved searches, found by index."""

    def __init__(self, session: Session):
        self.session = session

    def matching(self, job: JobPayload) -> dict[int, list[dict]]:
        """Every user whose subscriptions match the job, with the reasons: {user_id: [reason, ...]}."""
        reasons: dict[int, list[dict]] = {}
        skills = list(job.skills)
        if skills:
            rows = self.session.execute(select(Subscription.user_id, Subscription.skill).where(
                Subscription.skill_key.in_([s.lower() for s in skills])))
            for user_id, skill in rows:
                reasons.setdefault(user_id, []).append({"type": "skill", "skill": skill})
        salary = job.salary or Salary()
        place = " | ".join(str(value or "") for value in (job.location, job.city, job.region, job.country))
        title_keys = textmatch.title_keys(job.title)
        pairs = [(key, term) for key, terms in title_keys.items() for term in sorted(terms)]
        key_of = (func.unnest(bindparam("keys", type_=ARRAY(Text)), bindparam("key_terms", type_=ARRAY(Text)))
                  .table_valued("key", "term").render_derived())
        # A keyword position is met when one of its terms is a title term or within its edits of one.
        met = (
            select(SavedSearchKey.search_id, SavedSearchKey.position)
            .join(key_of, key_of.c.key == SavedSearchKey.key)
            .join(SavedSearchTerm, and_(SavedSearchTerm.search_id == SavedSearchKey.search_id,
                                        SavedSearchTerm.position == SavedSearchKey.position))
            .where(or_(SavedSearchTerm.term == key_of.c.term,
                       func.textmatch_close(SavedSearchTerm.term, key_of.c.term, SavedSearchTerm.typos)))
            .distinct()
            .subquery())
        candidates = (select(met.c.search_id, func.count().label("met")).group_by(met.c.search_id).subquery())
        # Explicit casts: psycopg2 sends None as an untyped NULL.
        best_salary = func.coalesce(cast(bindparam("annual_max"), Float), cast(bindparam("annual_min"), Float))
        query = (
            select(SavedSearch.id, SavedSearch.user_id, SavedSearch.keywords)
            .join(candidates, candidates.c.search_id == SavedSearch.id)
            .where(
                candidates.c.met == SavedSearch.term_count,
                (SavedSearch.remote.is_(None)) | (SavedSearch.remote == bindparam("workplace", type_=String)),
                (SavedSearch.salary_min.is_(None)) | (best_salary >= SavedSearch.salary_min),
                (SavedSearch.location.is_(None)) | literal(place).ilike(func.concat("%", SavedSearch.location, "%")),
                SavedSearch.skills.contained_by(bindparam("skills")),
            ))
        rows = self.session.execute(query, {
            "keys": [key for key, _ in pairs], "key_terms": [term for _, term in pairs],
            "workplace": job.workplace, "annual_min": salary.annual_min,
            "annual_max": salary.annual_max if salary.annual_currency in (None, "EUR") else None,
            "skills": skills})
        for search_id, user_id, keywords in rows:
            reasons.setdefault(user_id, []).append({"type": "search", "search_id": search_id, "keywords": keywords})
        return reasons


def subscribers_of(session: Session, skill: str) -> list[int]:
    return list(session.scalars(select(Subscription.user_id).where(Subscription.skill_key == skill.lower())))


class ProcessedEvents:
    """Event ids a handler has done its work for (at-least-once delivery made idempotent)."""

    def __init__(self, session: Session):
        self.session = session

    def record(self, event_id: str, event_type: str) -> bool:
        """Mark an event processed (in the caller's transaction); False when it already was."""
        inserted = self.session.execute(insert(ProcessedEvent).values(event_id=event_id, event_type=event_type)
                                        .on_conflict_do_nothing().returning(ProcessedEvent.event_id)).first()
        return inserted is not None


def notification_dict(n: Notification) -> dict:
    return {"id": n.id, "job": n.job, "reasons": n.reasons, "created_at": n.created_at.isoformat(),
            "read": n.read_at is not None}


class Inbox:
    def __init__(self, session: Session):
        self.session = session

    def notify(self, event_id: str, job: JobPayload, reasons: dict[int, list[dict]]) -> dict | None:
        """Store one notification per (user, job); users already told about this job are skipped.

        Returns what the gateways need to push, the job's summary once for all its notifications:
        ``{"job": summary, "notifications": [{"id", "user_id", "reasons", "created_at"}, ...]}``.
        """
        if not reasons:
            return None
        summary = job_summary(job)
        users = sorted(reasons)
        # One statement whatever the number of users, the job summary sent once (not per row).
        created = self.session.execute(text(
            "INSERT INTO notifications (user_id, job_id, job, reasons, event_id) "
            "SELECT u, :job_id, CAST(:job AS jsonb), r, :event_id "
            "FROM unnest(CAST(:users AS bigint[]), CAST(:reasons AS jsonb[])) AS t(u, r) "
            "ON CONFLICT ON CONSTRAINT uq_notifications_user_job DO NOTHING "
            "RETURNING id, user_id, created_at, reasons"),
            {"job_id": job.job_id, "job": json.dumps(summary), "event_id": event_id, "users": users,
             "reasons": [json.dumps(reasons[u]) for u in users]}).all()
        if not created:
            return None
        return {"job": summary, "notifications": [
            {"id": row.id, "user_id": row.user_id, "reasons": row.reasons, "created_at": row.created_at.isoformat()}
            for row in created]}

    def notice_skill_not_tracked(self, user_ids: list[int], skill: str) -> dict | None:
        """Tell each user that ``skill`` could not be tracked (once per user and skill)."""
        if not user_ids:
            return None
        message = {"title": f"We could not start tracking '{skill}'",
                   "notice": f"Your subscription to '{skill}' stays, but no job will be tagged with it. "
                             "Try a more common name for the skill."}
        created = self.session.execute(text(
            "INSERT INTO notifications (user_id, job_id, kind, subject, job, reasons, event_id) "
            "SELECT u, NULL, 'skill_not_tracked', :skill, CAST(:job AS jsonb), CAST(:reasons AS jsonb), :event "
            "FROM unnest(CAST(:users AS bigint[])) AS t(u) "
            "ON CONFLICT (user_id, kind, subject) WHERE kind <> 'job' DO NOTHING "
            "RETURNING id, user_id, created_at, reasons"),
            {"skill": skill, "job": json.dumps(message), "event": f"notice:{skill}"[:64],
             "reasons": json.dumps([{"type": "skill_not_tracked", "skill": skill}]), "users": sorted(user_ids)}).all()
        if not created:
            return None
        return {"job": message, "notifications": [
            {"id": row.id, "user_id": row.user_id, "reasons": row.reasons, "created_at": row.created_at.isoformat()}
            for row in created]}

    def forget_user(self, user_id: int) -> int:
        return self.session.execute(delete(Notification).where(Notification.user_id == user_id)).rowcount

    def page(self, user_id: int, unread_only: bool = False, page: int = 1, per_page: int = 20) -> dict:
        page = validate.integer(page, "page", 1, 10_000)
        per_page = validate.integer(per_page, "per_page", 1, 100)
        mine = Notification.user_id == user_id
        condition = and_(mine, Notification.read_at.is_(None)) if unread_only else mine
        total = self.session.scalar(select(func.count()).select_from(Notification).where(condition))
        unread = self.session.scalar(select(func.count()).select_from(Notification).where(
            mine, Notification.read_at.is_(None)))
        rows = self.session.scalars(select(Notification).where(condition).order_by(Notification.id.desc())
                                    .offset((page - 1) * per_page).limit(per_page))
        return {"total": total, "unread": unread, "page": page, "per_page": per_page,
                "notifications": [notification_dict(n) for n in rows]}

    def mark_read(self, user_id: int, ids) -> dict:
        """Mark the user's notifications read: {"read": newly read, "missing": not the user's}."""
        ids = validate.id_list(ids, "notification", 500)
        owned = set(self.session.scalars(select(Notification.id).where(
            Notification.user_id == user_id, Notification.id.in_(ids))))
        marked = self.session.execute(
            update(Notification).where(Notification.user_id == user_id, Notification.id.in_(owned),
                                       Notification.read_at.is_(None))
            .values(read_at=func.now()).returning(Notification.id)).scalars().all()
        return {"read": sorted(marked), "missing": sorted(set(ids) - owned)}

    def stats(self) -> dict:
        session = self.session
        total, unread = session.execute(select(func.count(), func.count().filter(Notification.read_at.is_(None)))
                                        .select_from(Notification)).one()
        processed = session.scalar(select(func.count()).select_from(ProcessedEvent))
        users = session.scalar(select(func.count()).select_from(User))
        searches = session.scalar(select(func.count()).select_from(SavedSearch))
        subscriptions = session.scalar(select(func.count()).select_from(Subscription))
        return {"notifications": total, "unread": unread, "events_processed": processed, "users": users,
                "skill_subscriptions": subscriptions, "saved_searches": searches}
