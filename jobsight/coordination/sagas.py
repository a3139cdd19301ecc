"""Long-running sagas: steps that each commit on their own, each idempotent with a compensation,
persisted after every step so a crash resumes where it stopped.

``advance`` is the pure state machine over a saga's record; ``SagaRunner`` carries a due saga
one step further with the services' clients; ``SagaLog`` keeps the records in coordinator_db.

    running ──every step done──► done
       │ a step failed ``max_attempts`` times (backing off between tries)
       ▼
    compensating ──every completed step undone, then the saga's last word──► compensated
"""
from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Callable

from sqlalchemy import text

log = logging.getLogger("jobsight.sagas")
RUNNING, COMPENSATING, DONE, COMPENSATED = "running", "compensating", "done", "compensated"
ACTIVE = (RUNNING, COMPENSATING)
AGAIN = "_again"  # a step's answer with this key true runs the same step again (a batch at a time)


@dataclass(frozen=True)
class Step:
    name: str
    action: Callable[[dict, dict], dict | None]             # (clients, data) -> data to merge
    compensation: Callable[[dict, dict], None] | None = None


@dataclass(frozen=True)
class SagaKind:
    name: str
    steps: tuple[Step, ...]
    finally_compensated: Callable[[dict, dict], None] | None = None  # e.g. tell the user
    max_attempts: int = 5


@dataclass
class SagaRecord:
    id: str
    kind: str
    state: str = RUNNING
    step: int = 0
    attempts: int = 0
    data: dict = field(default_factory=dict)
    error: str | None = None
    next_try_at: datetime | None = None


def backoff(attempts: int, base: float = 0.5, cap: float = 30.0) -> float:
    return min(cap, base * 2 ** max(attempts - 1, 0))


def advance(kind: SagaKind, record: SagaRecord, answer: dict | None = None, error: str | None = None,
            now: datetime | None = None) -> SagaRecord:
    """The record after one attempt at its current step (``error`` when it failed)."""
    now = now or datetime.now(timezone.utc)
    if record.state not in ACTIVE:
        return record
    if error is not None:
        record.attempts += 1
        record.error = error
        if record.state == RUNNING and record.attempts >= kind.max_attempts:
            record.state, record.attempts = COMPENSATING, 0  # undo from the failed step down
        record.next_try_at = now + timedelta(seconds=backoff(record.attempts))
        return record
    record.error, record.attempts, record.next_try_at = None, 0, now
    if record.state == RUNNING:
        answer = dict(answer or {})
        again = answer.pop(AGAIN, False)
        record.data.update(answer)
        if not again:
            record.step += 1
            if record.step >= len(kind.steps):
                record.state = DONE
    else:
        record.step -= 1  # this step is undone; the one before it next
        if record.step < -1:
            record.state = COMPENSATED
    return record


def current_work(kind: SagaKind, record: SagaRecord) -> Callable[[dict, dict], dict | None] | None:
    """What the saga does next: a step's action, a compensation (or the last word), or nothing."""
    if record.state == RUNNING:
        return kind.steps[record.step].action
    if record.state == COMPENSATING:
        if record.step >= 0:
            return kind.steps[min(record.step, len(kind.steps) - 1)].compensation or (lambda clients, data: None)
        return kind.finally_compensated or (lambda clients, data: None)
    return None


class SagaLog:
    """The ``sagas`` table; a due saga is taken with FOR UPDATE SKIP LOCKED, so one coordinator
    instance runs it at a time."""

    def __init__(self, engine):
        self.engine = engine

    def start(self, kind: str, data: dict) -> str:
        saga_id = uuid.uuid4().hex
        with self.engine.begin() as conn:
            conn.execute(text("INSERT INTO sagas (id, kind, state, step, data) VALUES (:id, :kind, 'running', 0, "
                              "CAST(:data AS jsonb))"),
                         {"id": saga_id, "kind": kind, "data": json.dumps({**data, "saga": saga_id})})
        return saga_id

    def take_due(self, conn, saga_id: str | None = None) -> SagaRecord | None:
        row = conn.execute(text(
            "SELECT id, kind, state, step, attempts, data, error, next_try_at FROM sagas "
            "WHERE state IN ('running', 'compensating') AND next_try_at <= now() "
            "AND (CAST(:id AS text) IS NULL OR id = :id) "
            "ORDER BY next_try_at LIMIT 1 FOR UPDATE SKIP LOCKED"), {"id": saga_id}).first()
        return None if row is None else SagaRecord(row.id, row.kind, row.state, row.step, row.attempts,
                                                   dict(row.data), row.error, row.next_try_at)

    def save(self, conn, record: SagaRecord) -> None:
        conn.execute(text(
            "UPDATE sagas SET state = :state, step = :step, attempts = :attempts, data = CAST(:data AS jsonb), "
            "error = :error, next_try_at = coalesce(:next, now()), updated_at = now() WHERE id = :id"),
            {"id": record.id, "state": record.state, "step": record.step, "attempts": record.attempts,
             "data": json.dumps(record.data), "error": record.error, "next": record.next_try_at})

    def get(self, saga_id: str) -> dict | None:
        rows = self.list(saga_id=saga_id)
        return rows[0] if rows else None

    def list(self, state: str | None = None, saga_id: str | None = None, limit: int = 50) -> list[dict]:
        with self.engine.connect() as conn:
            rows = conn.execute(text(
                "SELECT id, kind, state, step, attempts, data, error, next_try_at, created_at, updated_at FROM sagas "
                "WHERE (CAST(:state AS text) IS NULL OR state = :state) AND (CAST(:id AS text) IS NULL OR id = :id) "
                "ORDER BY created_at DESC LIMIT :limit"), {"state": state, "id": saga_id, "limit": limit}).all()
        return [{"id": r.id, "kind": r.kind, "state": r.state, "step": r.step, "attempts": r.attempts, "data": r.data,
                 "last_error": r.error, "next_try_at": r.next_try_at.isoformat(),
                 "created_at": r.created_at.isoformat(), "updated_at": r.updated_at.isoformat()} for r in rows]

    def resume(self, saga_id: str) -> bool:
        """Operator: try the current step now, with fresh attempts."""
        with self.engine.begin() as conn:
            return conn.execute(text("UPDATE sagas SET attempts = 0, next_try_at = now() WHERE id = :id "
                                     "AND state IN ('running', 'compensating')"), {"id": saga_id}).rowcount == 1

    def abort(self, saga_id: str) -> bool:
        """Operator: stop going forward and undo what was done (from the current step down)."""
        with self.engine.begin() as conn:
            return conn.execute(text("UPDATE sagas SET state = 'compensating', attempts = 0, next_try_at = now(), "
                                     "error = coalesce(error, 'aborted by an operator') "
                                     "WHERE id = :id AND state = 'running'"), {"id": saga_id}).rowcount == 1

    def stuck(self, older_than_seconds: float) -> int:
        """Active sagas that have been retrying for longer than this."""
        with self.engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM sagas WHERE state IN ('running', 'compensating') AND "
                                     "attempts > 0 AND updated_at < now() - make_interval(secs => :s)"),
                                {"s": older_than_seconds}).scalar()


class SagaRunner:
    """``checkpoint(record)`` is called after a step's work and before its record is saved:
    where a crash makes the step run again on resume (tests kill the process there)."""

    def __init__(self, saga_log: SagaLog, kinds: dict[str, SagaKind], clients: dict,
                 checkpoint: Callable[[SagaRecord], None] = lambda record: None):
        self.log = saga_log
        self.kinds = kinds
        self.clients = clients
        self.checkpoint = checkpoint

    def run_once(self, saga_id: str | None = None) -> SagaRecord | None:
        """Carry one due saga (that one, if given) one step, its row locked meanwhile; the record,
        or None if none is due."""
        with self.log.engine.begin() as conn:
            record = self.log.take_due(conn, saga_id)
            if record is None:
                return None
            kind = self.kinds[record.kind]
            work = current_work(kind, record)
            try:
                answer = work(self.clients, record.data) if work else None
            except Exception as exc:
                message = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
                log.warning("saga %s (%s) step %s failed: %s", record.id, record.kind, record.step, message,
                            extra={"saga_id": record.id, "step": record.step})
                advance(kind, record, error=message[:500])
            else:
                self.checkpoint(record)
                advance(kind, record, answer=answer if record.state == RUNNING else None)
            self.log.save(conn, record)
        return record

    def run_now(self, saga_id: str, max_steps: int = 20) -> SagaRecord | None:
        """Carry one saga as far as it goes without waiting (until done, a failure or max_steps)."""
        record = None
        for _ in range(max_steps):
            step = self.run_once(saga_id)
            if step is None:
                break
            record = step
            if record.state not in ACTIVE or record.error:
                break
        return record

    def run_due(self, limit: int = 100) -> int:
        steps = 0
        while steps < limit and self.run_once() is not None:
            steps += 1
        return steps
