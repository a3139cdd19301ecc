"""The coordinator's durable log of two-phase commits in coordinator_db (``transactions``).

Every write commits before the protocol goes on: a transaction is logged before any participant
is asked to prepare, and its decision before phase two. A decision is a conditional update from
``preparing``, so a coordinator and a recovery pass can never decide one transaction two ways.
"""
from __future__ import annotations

import json

from sqlalchemy import text

from jobsight.coordination.twophase import DECIDED, Participant, Transaction

_INSERT = text("INSERT INTO transactions (xid, state, participants, payload) "
               "VALUES (:xid, 'preparing', CAST(:participants AS jsonb), CAST(:payload AS jsonb))")
_DECIDE = text("UPDATE transactions SET state = :state, decided_at = now(), "
               "payload = payload || CAST(:extra AS jsonb) WHERE xid = :xid AND state = 'preparing' RETURNING xid")
_FINISH = text("UPDATE transactions SET state = :state, payload = payload || CAST(:extra AS jsonb) "
               "WHERE xid = :xid AND state = ANY(:decided)")
_STATE = text("SELECT state FROM transactions WHERE xid = :xid")
_UNFINISHED = text("SELECT xid, state, participants, payload, extract(epoch FROM now() - created_at) AS age "
                   "FROM transactions WHERE state IN ('preparing', 'committing', 'aborting') ORDER BY created_at")
_STATES = text("SELECT xid, state FROM transactions WHERE xid = ANY(:xids)")
_LIST = text("SELECT xid, state, participants, payload, created_at, decided_at FROM transactions "
             "WHERE (CAST(:state AS text) IS NULL OR state = :state) ORDER BY created_at DESC LIMIT :limit")


def _json(value) -> str:
    return json.dumps(value)


class TransactionLog:
    def __init__(self, engine):
        self.engine = engine

    def begin(self, transaction: Transaction, payload: dict | None = None) -> None:
        with self.engine.begin() as conn:
            conn.execute(_INSERT, {"xid": transaction.id, "payload": _json(payload or {}),
                                   "participants": _json([p.as_dict() for p in transaction.participants])})

    def decide(self, transaction_id: str, state: str, **extra) -> str:
        """Log the decision unless one is logged already; the decision that stands."""
        assert state in DECIDED
        with self.engine.begin() as conn:
            if conn.execute(_DECIDE, {"xid": transaction_id, "state": state, "extra": _json(extra)}).first():
                return state
            return conn.execute(_STATE, {"xid": transaction_id}).scalar()

    def finish(self, transaction_id: str, state: str, **extra) -> None:
        with self.engine.begin() as conn:
            conn.execute(_FINISH, {"xid": transaction_id, "state": state, "extra": _json(extra),
                                   "decided": list(DECIDED)})

    def state(self, transaction_id: str) -> str | None:
        with self.engine.connect() as conn:
            return conn.execute(_STATE, {"xid": transaction_id}).scalar()

    def states(self, transaction_ids) -> dict[str, str]:
        with self.engine.connect() as conn:
            return dict(conn.execute(_STATES, {"xids": list(transaction_ids)}).all())

    def unfinished(self) -> list[tuple[Transaction, float]]:
        """Every transaction not yet committed or aborted, with its age in seconds."""
        with self.engine.connect() as conn:
            rows = conn.execute(_UNFINISHED).all()
        return [(Transaction(row.xid, [Participant.from_dict(p) for p in row.participants], row.state),
                 float(row.age)) for row in rows]

    def list(self, state: str | None = None, limit: int = 50) -> list[dict]:
        with self.engine.connect() as conn:
            rows = conn.execute(_LIST, {"state": state, "limit": limit}).all()
        return [{"gid": row.xid, "state": row.state, "participants": row.participants, "payload": row.payload,
                 "created_at": row.created_at.isoformat(),
                 "decided_at": row.decided_at.isoformat() if row.decided_at else None} for row in rows]
