"""The warehouse version insight cache keys carry, read from the warehouse itself.

ETL bumps ``etl.state.version`` in the transaction of every load (and ``aggregates_version``
when it refreshes the aggregate tables), so a key made of both changes with every load. The
database's oid is part of it too: a re-created warehouse starts counting again from 0 and
must not meet the old one's cached numbers.
"""
from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.exc import ProgrammingError

_VERSION = text("SELECT (SELECT oid FROM pg_database WHERE datname = current_database()), "
                "version, aggregates_version FROM etl.state WHERE id = 1")


def current_version(session) -> str | None:
    """``"<db oid>.<version>.<aggregates version>"``; None when the warehouse has no version
    yet (not migrated), which makes the cache compute without storing."""
    try:
        row = session.execute(_VERSION).one_or_none()
    except ProgrammingError:  # no etl.state: the failed statement aborted the transaction
        session.rollback()
        return None
    if row is None:
        return None
    oid, version, aggregates = row
    return f"{oid}.{version}.{aggregates}"
