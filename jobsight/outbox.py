"""The transactional outbox: no event is lost when the broker is away.

A service that changes its database and announces it writes the event into its own ``outbox``
table in the same transaction (``Outbox.add``), so the event exists if and only if the change
does. A relay (``Relay``, run in every instance by ``jobsight.adapters.outbox.OutboxRelay``)
publishes what waits with publisher confirms and marks it sent. Relays of several instances
take rows with ``FOR UPDATE SKIP LOCKED``, so each row is published by one of them; a relay
that dies between the broker's confirm and its own commit publishes that batch again, which
the consumers' processed-event ids make harmless.
"""
from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from typing import Callable

from sqlalchemy import text

from jobsight.events import envelope
from jobsight.logs import current_request_id

log = logging.getLogger("jobsight.outbox")
BATCH = 200
KEEP_PUBLISHED_HOURS = 24

_ADD = text("INSERT INTO outbox (event_type, payload, request_id) VALUES (:t, CAST(:p AS jsonb), :r)")
_TAKE = text("SELECT id, event_type, payload, request_id FROM outbox WHERE published_at IS NULL "
             "ORDER BY id LIMIT :n FOR UPDATE SKIP LOCKED")
_MARK = text("UPDATE outbox SET published_at = now(), attempts = attempts + 1 WHERE id = ANY(:ids)")
_FAILED = text("UPDATE outbox SET attempts = attempts + 1 WHERE id = :id")
_BACKLOG = text("SELECT count(*), extract(epoch FROM now() - min(created_at)) FROM outbox WHERE published_at IS NULL")
_FORGET = text("DELETE FROM outbox WHERE published_at < now() - make_interval(hours => :h)")


class Outbox:
    """Events written in the caller's transaction (the unit of work commits them with the change)."""

    def __init__(self, session, on_add: Callable[[], None] = lambda: None):
        self.session = session
        self._on_add = on_add

    def add(self, event_type: str, data: dict) -> dict:
        """Write one event (its envelope is made here); returns the envelope."""
        event = envelope(data)
        self.session.execute(_ADD, {"t": event_type, "p": json.dumps(event), "r": current_request_id()})
        self._on_add()
        return event


@dataclass
class Backlog:
    waiting: int
    oldest_seconds: float | None

    def as_dict(self) -> dict:
        return {"waiting": self.waiting,
                "oldest_seconds": None if self.oldest_seconds is None else round(self.oldest_seconds, 1)}


class Relay:
    """Publishes an outbox table: ``publish(event_type, payload, request_id)`` must raise unless
    the broker confirmed the message."""

    def __init__(self, engine, publish: Callable[[str, dict, str | None], None], batch: int = BATCH):
        self.engine = engine
        self.publish = publish
        self.batch = batch
        self.published = 0
        self.failures = 0
        self.last_error: str | None = None
        self._forgot_at = 0.0

    def relay_once(self) -> int:
        """Publish one batch of what waits; the number published. A failed publish ends the batch
        (what was confirmed before it is marked sent) and raises."""
        sent: list[int] = []
        failure = None
        with self.engine.begin() as conn:
            rows = conn.execute(_TAKE, {"n": self.batch}).all()
            for row in rows:
                try:
                    self.publish(row.event_type, row.payload, row.request_id)
                except Exception as exc:  # the broker is away: the rest waits for the next try
                    failure = exc
                    conn.execute(_FAILED, {"id": row.id})
                    break
                sent.append(row.id)
            if sent:
                conn.execute(_MARK, {"ids": sent})
        self.published += len(sent)
        if failure is not None:
            self.failures += 1
            self.last_error = f"{type(failure).__name__}: {failure}"[:300]
            raise failure
        self._forget_old()
        return len(sent)

    def drain(self, timeout: float = 30.0) -> int:
        """Publish until nothing waits (tools and benchmarks); the number published."""
        total, deadline = 0, time.monotonic() + timeout
        while time.monotonic() < deadline:
            n = self.relay_once()
            total += n
            if n < self.batch:
                return total
        return total

    def backlog(self) -> Backlog:
        with self.engine.connect() as conn:
            waiting, oldest = conn.execute(_BACKLOG).one()
        return Backlog(int(waiting), None if oldest is None else float(oldest))

    def _forget_old(self) -> None:
        now = time.monotonic()
        if now - self._forgot_at > 600:
            self._forgot_at = now
            with self.engine.begin() as conn:
                conn.execute(_FORGET, {"h": KEEP_PUBLISHED_HOURS})

    def stats(self) -> dict:
        return {"published": self.published, "failures": self.failures, "last_error": self.last_error}
