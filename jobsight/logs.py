"""The one logging setup: JSON lines carrying the request id of the call being served.

The gateway assigns each HTTP request an id; nameko carries it in context data through every
RPC and event hop; ``jobsight.adapters.context.RequestContext`` puts it where ``RequestIdFilter`` finds it, so every
line any service logs while serving that request names it.
"""
from __future__ import annotations

import json
import logging
import os
import socket
import threading
import time
from datetime import datetime, timezone

REQUEST_ID_KEY = "request_id"

# Green-thread local once eventlet has monkey patched threading (nameko run does it first).
_current = threading.local()


def current_request_id() -> str | None:
    return getattr(_current, "request_id", None)


def set_request_id(request_id: str | None) -> None:
    _current.request_id = request_id


def begin_call(request_id: str | None, service: str) -> None:
    """The worker now serving a call: its request id and service name go on every record."""
    _current.request_id = request_id
    _current.service = service
    _current.started = time.monotonic()
    _current.started_at = time.time()


def call_started_at() -> float | None:
    """When the current call began (epoch seconds): a call's record is dated from its start, so
    one request's records read in the order its hops began, whichever finished first."""
    return getattr(_current, "started_at", None)


def call_duration_ms() -> float:
    return round((time.monotonic() - getattr(_current, "started", time.monotonic())) * 1000, 2)


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = current_request_id()
        if not getattr(record, "service", None):
            record.service = getattr(_current, "service", None) or os.environ.get("JOBSIGHT_SERVICE")
        return True


_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line; extra= fields are kept as keys (what Kibana indexes)."""

    host = socket.gethostname()

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "@timestamp": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "service": getattr(record, "service", None),
            "request_id": getattr(record, "request_id", None),
            "host": self.host,
            "pid": record.process,
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in entry:
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)
