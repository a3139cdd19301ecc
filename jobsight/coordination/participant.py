"""A service's side of two-phase commit: named operations it prepares with PostgreSQL's
``PREPARE TRANSACTION``, then commits or rolls back when the coordinator says so.

The coordinator knows only the names: each service registers what it can do in a transaction
(``Participant.register("subscribe", fn)``, ``fn(unit, **arguments)``). Prepared transactions
survive a crash of the service and of PostgreSQL; they hold their locks until phase two, so the
coordinator resolves them on start and on a timer.
"""
from __future__ import annotations

import logging
from typing import Callable

from sqlalchemy import text

from jobsight.coordination.twophase import GID_PREFIX, is_our_gid
from jobsight.errors import JobsightError, ValidationError

log = logging.getLogger("jobsight.coordination")
_IN_DOUBT = text("SELECT gid, extract(epoch FROM now() - prepared) AS age FROM pg_prepared_xacts "
                 "WHERE database = current_database() AND gid LIKE :prefix ORDER BY prepared")


class Participant:
    def __init__(self, service: str):
        self.service = service
        self._operations: dict[str, Callable] = {}

    def register(self, name: str, operation: Callable) -> None:
        self._operations[name] = operation

    def prepare(self, unit, gid: str, operation: str, arguments: dict) -> dict:
        """Do ``operation`` in ``unit``'s transaction and prepare it under ``gid``; the answer the
        operation gives. Preparing a gid that is already prepared answers again without redoing it
        (an RPC redelivered after a crash)."""
        if not is_our_gid(gid) or not gid.endswith("_" + self.service):
            raise ValidationError(f"not a transaction id for {self.service}: {gid!r}")
        if operation not in self._operations:
            raise ValidationError(f"{self.service} has no transactional operation {operation!r}")
        if gid in self.in_doubt_gids(unit.session):
            unit.rollback()
            return {"prepared": gid, "again": True}
        try:
            answer = self._operations[operation](unit, **(arguments or {}))
            unit.session.flush()
            # gid is checked against a strict pattern above: safe to put in the statement.
            unit.session.execute(text(f"PREPARE TRANSACTION '{gid}'"))
        except JobsightError:
            unit.rollback()
            raise
        finally:
            unit.session.close()  # the prepared transaction no longer belongs to this connection
        log.info("prepared %s (%s)", gid, operation, extra={"gid": gid, "operation": operation})
        return {"prepared": gid, **(answer or {})}

    @staticmethod
    def finish(engine, gid: str, commit: bool) -> bool:
        """COMMIT PREPARED or ROLLBACK PREPARED; False when nothing is prepared under ``gid``
        (phase two already happened: both are safe to repeat)."""
        if not is_our_gid(gid):
            raise ValidationError(f"not a transaction id: {gid!r}")
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            if not conn.execute(text("SELECT 1 FROM pg_prepared_xacts WHERE gid = :g AND database = "
                                     "current_database()"), {"g": gid}).first():
                return False
            conn.execute(text(f"{'COMMIT' if commit else 'ROLLBACK'} PREPARED '{gid}'"))
        log.info("%s %s", "committed" if commit else "rolled back", gid, extra={"gid": gid})
        return True

    @staticmethod
    def in_doubt_gids(session_or_conn) -> list[str]:
        return [row.gid for row in session_or_conn.execute(_IN_DOUBT, {"prefix": GID_PREFIX + "%"})]

    @staticmethod
    def in_doubt(engine) -> list[dict]:
        """Our prepared transactions in this database, oldest first, with their age in seconds."""
        with engine.connect() as conn:
            return [{"gid": row.gid, "age_seconds": round(float(row.age), 1)}
                    for row in conn.execute(_IN_DOUBT, {"prefix": GID_PREFIX + "%"})]
