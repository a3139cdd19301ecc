"""The skills taxonomy as a jobs_db table: seeded from the versioned file, extended live.

Setup seeds it (``jobsight migrate``); the scraper reads it back into a ``Taxonomy`` and
re-reads it when rows change, so a skill added while running is extracted from then on.
Nothing here commits: the caller does.
"""
from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from jobsight.db.jobs import Skill
from jobsight.errors import ValidationError
from jobsight.normalize.skills import Taxonomy, skill_name


def seed(session: Session, taxonomy: Taxonomy | None = None) -> int:
    """Upsert every skill of the bundled file; rows added by hand are kept. Returns rows written."""
    taxonomy = taxonomy or Taxonomy.load()
    rows = [{"name": s.name, "category": s.category, "aliases": list(s.aliases), "ambiguous": s.ambiguous,
             "exact_case": list(s.exact_case), "area": s.area, "context": list(s.context),
             "taxonomy_version": taxonomy.version} for s in taxonomy.skills]
    if not rows:
        return 0
    statement = insert(Skill).values(rows)
    session.execute(statement.on_conflict_do_update(
        index_elements=[Skill.name],
        set_={"category": statement.excluded.category, "aliases": statement.excluded.aliases,
              "ambiguous": statement.excluded.ambiguous,
              "exact_case": statement.excluded.exact_case, "area": statement.excluded.area,
              "context": statement.excluded.context, "taxonomy_version": statement.excluded.taxonomy_version},
        where=Skill.taxonomy_version <= statement.excluded.taxonomy_version))
    return len(rows)


def fingerprint(session: Session) -> tuple:
    """Changes whenever a skill is added, removed or edited."""
    return tuple(session.execute(select(func.count(), func.max(Skill.added_at), func.max(Skill.taxonomy_version))).one())


def load(session: Session) -> Taxonomy:
    rows = session.execute(select(Skill.name, Skill.category, Skill.aliases, Skill.ambiguous, Skill.exact_case,
                                  Skill.area, Skill.context, Skill.taxonomy_version)).mappings().all()
    if not rows:
        return Taxonomy.load()
    version = max(row["taxonomy_version"] for row in rows)
    return Taxonomy.from_rows([dict(row) for row in rows], version)


def validate_new_skill(name, category=None, aliases=None) -> tuple[str, list[str]]:
    if not isinstance(name, str) or not name.strip() or len(name.strip()) > 64:
        raise ValidationError("skill name must be 1 to 64 characters")
    if category is not None and not isinstance(category, str):
        raise ValidationError("category must be a string")
    aliases = aliases or []
    if not isinstance(aliases, list) or not all(isinstance(a, str) and 0 < len(a) <= 64 for a in aliases):
        raise ValidationError("aliases must be a list of short strings")
    return " ".join(name.split()), [a.strip() for a in aliases]


def add_skill(session: Session, name: str, category: str | None = None, aliases: list[str] | None = None,
              requested: bool = False) -> bool:
    """Track a new skill while running (``requested``: because a subscriber asked for it). False
    when it was already tracked."""
    result = session.execute(insert(Skill).values(
        name=name, category=category, aliases=aliases or [], ambiguous=False, requested_by_users=requested,
        taxonomy_version=session.scalar(select(func.coalesce(func.max(Skill.taxonomy_version), 1))),
    ).on_conflict_do_nothing(index_elements=[Skill.name]))
    return result.rowcount == 1


def untrack_requested(session: Session, name: str) -> bool:
    """Stop tracking a skill users asked for (a saga's compensation); skills from the bundled
    file or an operator are never removed this way."""
    return session.execute(delete(Skill).where(Skill.name == name, Skill.requested_by_users.is_(True))).rowcount == 1


def proposed_skill(value) -> tuple[str, list[str]]:
    """A name a subscriber asks to track: its display form and its normalized aliases, or a
    ``ValidationError`` saying why it cannot be a skill."""
    name = skill_name(value)
    folded = name.casefold()
    return name, sorted({folded, folded.replace(" ", ""), folded.replace(" ", "-")} - {name})
