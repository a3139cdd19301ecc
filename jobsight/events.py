"""Event envelopes: every event Jobsight dispatches is a versioned fact in the past tense.

``{event_id, version, occurred_at, data}``; handlers record ``event_id`` to stay idempotent
under at-least-once delivery.
"""
from __future__ import annotations

import uuid
from datetime import datetime, timezone

from jobsight.errors import ValidationError

ENVELOPE_VERSION = 1


def envelope(data: dict, version: int = ENVELOPE_VERSION, event_id: str | None = None,
             occurred_at: datetime | None = None) -> dict:
    return {
        "event_id": event_id or uuid.uuid4().hex,
        "version": version,
        "occurred_at": (occurred_at or datetime.now(timezone.utc)).isoformat(),
        "data": data,
    }


def open_envelope(payload) -> dict:
    """Check an incoming envelope's shape; ``ValidationError`` names what is wrong."""
    if not isinstance(payload, dict):
        raise ValidationError("event payload is not an object")
    for key, kind in (("event_id", str), ("version", int), ("occurred_at", str), ("data", dict)):
        if not isinstance(payload.get(key), kind):
            raise ValidationError(f"event envelope field {key!r} is missing or not a {kind.__name__}")
    return payload
