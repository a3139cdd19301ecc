"""The export cursor: an opaque string for a position in (updated_at, job_id) order."""
from __future__ import annotations

import base64
import json
from datetime import datetime

from jobsight.errors import ValidationError


def encode_cursor(updated_at: datetime, job_id: int) -> str:
    return base64.urlsafe_b64encode(json.dumps([updated_at.isoformat(), job_id]).encode()).decode()


def decode_cursor(cursor) -> tuple[datetime, int]:
    try:
        stamp, job_id = json.loads(base64.urlsafe_b64decode(str(cursor).encode()))
        return datetime.fromisoformat(stamp), int(job_id)
    except (ValueError, TypeError):
        raise ValidationError("invalid export cursor")
