"""The warehouse version: what insight answers state and what their cache keys carry.

ETL bumps ``etl.state.version`` in the transaction of every load (and ``aggregates_version``
when it refreshes the aggregate tables), so a key made of both changes with every load. The
database's oid is part of the key too: a re-created warehouse starts counting again from 0 and
must not meet the old one's cached numbers.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.exc import ProgrammingError

_VERSION = text("SELECT (SELECT oid FROM pg_database WHERE datname = current_database()), "
                "version, aggregates_version FROM etl.state WHERE id = 1")


@dataclass(frozen=True, order=True)
class WarehouseVersion:
    database: int    # the warehouse database's oid
    loads: int       # etl.state.version: every load moves it (what answers call warehouse_version)
    aggregates: int  # the load the aggregate tables reflect

    @property
    def key(self) -> str:
        """``"<db oid>.<version>.<aggregates version>"``: the part of every insight cache key."""
        return f"{self.database}.{self.loads}.{self.aggregates}"

    @classmethod
    def from_key(cls, key) -> "WarehouseVersion | None":
        try:
            database, loads, aggregates = (int(part) for part in str(key).split("."))
        except (TypeError, ValueError):
            return None
        return cls(database, loads, aggregates)


def read_version(session) -> WarehouseVersion | None:
    """The warehouse's version now; None when it has none yet (not migrated), which makes the
    cache compute without storing. ``session`` may be a Session or a Connection."""
    try:
        row = session.execute(_VERSION).one_or_none()
    except ProgrammingError:  # no etl.state: the failed statement aborted the transaction
        session.rollback()
        return None
    return None if row is None else WarehouseVersion(*row)


def current_version(session) -> str | None:
    """The cache-key form of ``read_version``."""
    version = read_version(session)
    return version.key if version else None
