"""Log records shipped to Elasticsearch as ECS documents, without ever making a worker wait.

``handler()`` (named in config.yml's LOGGING) turns each record into a document on the thread
that logged it and puts it in a bounded queue; a background thread sends what queued up in bulk
requests to one index per day (``<prefix>-YYYY.MM.DD``, under an index template it installs).
When Elasticsearch is away a batch is retried a few times, then dropped; a full queue drops new
records at once. Every drop is counted (``jobsight_log_records_dropped_total``), never raised.

Nothing that could identify or authenticate a person leaves the process: fields named like
emails, passwords, tokens or secrets are left out and such values are masked in every text.
"""
from __future__ import annotations

import json
import logging
import os
import queue
import re
import socket
import threading
import time
from datetime import datetime, timezone

from prometheus_client import Counter

from jobsight import metrics

# The client's own request logging would come back here and ship itself forever.
_OWN_LOGGERS = ("elasticsearch", "urllib3", "jobsight.logship")

_SECRET_KEY = re.compile(r"e-?mail|passw|secret|token|authorization|cookie|credential", re.I)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_JWT = re.compile(r"\beyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]{4,}")
_BEARER = re.compile(r"(?i)\b(bearer|token)([\s=:\"']+)[\w.~+/-]{8,}")

# Where a record's extra= fields land in ECS; the rest go under "jobsight." as they are.
_DOMAIN = ("source", "job_id", "user_id")
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request_id", "service"}

SHIPPED = Counter("jobsight_log_records_shipped_total", "Log records accepted by Elasticsearch",
                  registry=metrics.REGISTRY)
DROPPED = Counter("jobsight_log_records_dropped_total", "Log records never shipped, by why",
                  ["reason"], registry=metrics.REGISTRY)
for _reason in ("queue_full", "unavailable", "rejected"):
    DROPPED.labels(_reason)


def mask(text: str) -> str:
    """``text`` with emails and bearer tokens replaced: messages and stack traces may quote them."""
    text = _EMAIL.sub("[email]", text)
    text = _JWT.sub("[token]", text)
    return _BEARER.sub(lambda m: f"{m.group(1)}{m.group(2)}[token]", text)


def _clean(value, depth: int = 0):
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, (bool, int, float)) or value is None:
        return value
    if isinstance(value, dict) and depth < 3:
        return {str(k): _clean(v, depth + 1) for k, v in value.items() if not _SECRET_KEY.search(str(k))}
    if isinstance(value, (list, tuple)) and depth < 3:
        return [_clean(v, depth + 1) for v in value[:50]]
    return mask(str(value))


# The instance, as the supervisor names it (its log file is logs/<node>.log).
_NODE = (f"{os.environ['JOBSIGHT_SERVICE']}-{os.environ.get('JOBSIGHT_INSTANCE', '0')}"
         if os.environ.get("JOBSIGHT_SERVICE") else None)


def index_name(prefix: str, when: float) -> str:
    return f"{prefix}-{datetime.fromtimestamp(when, timezone.utc):%Y.%m.%d}"


def ecs_document(record: logging.LogRecord, host: str = socket.gethostname()) -> dict:
    """The ECS form of a record: what Kibana and ``jobsight logs`` read."""
    doc = {
        "@timestamp": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="microseconds"),
        "message": mask(record.getMessage()),
        "log": {"level": record.levelname, "logger": record.name},
        "service": {"name": getattr(record, "service", None) or os.environ.get("JOBSIGHT_SERVICE"),
                    "node": {"name": _NODE or f"{host}-{record.process}"}},
        "host": {"hostname": host},
        "process": {"pid": record.process},
        "event": {"sequence": _sequence()},
    }
    request_id = getattr(record, "request_id", None)
    if request_id:
        doc["trace"] = {"id": request_id}
    extra = {k: v for k, v in vars(record).items() if k not in _STANDARD and not _SECRET_KEY.search(k)}
    started_at = extra.pop("started_at", None)
    if isinstance(started_at, (int, float)):
        # A call's record stands where the call began, so a request's hops read in order.
        doc["@timestamp"] = datetime.fromtimestamp(started_at, timezone.utc).isoformat(timespec="microseconds")
        doc["event"]["start"] = doc["@timestamp"]
        doc["event"]["end"] = datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="microseconds")
    if extra.get("event"):
        doc["event"]["action"] = str(extra.pop("event"))
    elif extra.get("entrypoint"):
        doc["event"]["action"] = f"{doc['service']['name']}.{extra['entrypoint']}"
    if "outcome" in extra:
        doc["event"]["outcome"] = "success" if extra["outcome"] == "ok" else "failure"
    if isinstance(extra.get("duration_ms"), (int, float)):
        doc["event"]["duration"] = int(extra["duration_ms"] * 1_000_000)  # ECS: nanoseconds
    if "http" in extra and isinstance(extra["http"], dict):
        doc["http"] = _clean(extra.pop("http"))
    if "url" in extra and isinstance(extra["url"], str):
        doc["url"] = {"original": mask(extra.pop("url"))}
    error = {}
    if record.exc_info and record.exc_info[0] is not None:
        error = {"type": record.exc_info[0].__name__, "message": mask(str(record.exc_info[1])),
                 "stack_trace": mask(logging.Formatter().formatException(record.exc_info))}
    elif isinstance(extra.get("error"), str):
        error = {"type": extra.pop("error")}
    if error:
        doc["error"] = error
    if extra:
        doc["jobsight"] = _clean(extra)
    return doc


_counter = iter(range(1, 1 << 62))


def _sequence() -> int:
    """Orders one process's records that share a timestamp."""
    return next(_counter)


def template_body(prefix: str) -> dict:
    """The index template every day's index is created from."""
    return {
        "index_patterns": [f"{prefix}-*"],
        "template": {
            "settings": {"number_of_shards": 1, "number_of_replicas": 0},
            "mappings": {
                "dynamic_templates": [{"strings_as_keywords": {
                    "match_mapping_type": "string", "mapping": {"type": "keyword", "ignore_above": 1024}}}],
                "properties": {
                    "@timestamp": {"type": "date"},
                    "message": {"type": "text"},
                    "log": {"properties": {"level": {"type": "keyword"}, "logger": {"type": "keyword"}}},
                    "service": {"properties": {"name": {"type": "keyword"},
                                               "node": {"properties": {"name": {"type": "keyword"}}}}},
                    "trace": {"properties": {"id": {"type": "keyword"}}},
                    "event": {"properties": {"action": {"type": "keyword"}, "outcome": {"type": "keyword"},
                                             "duration": {"type": "long"}, "sequence": {"type": "long"},
                                             "start": {"type": "date"}, "end": {"type": "date"}}},
                    "error": {"properties": {"type": {"type": "keyword"}, "message": {"type": "text"},
                                             "stack_trace": {"type": "text"}}},
                    "http": {"properties": {"request": {"properties": {"method": {"type": "keyword"}}},
                                            "response": {"properties": {"status_code": {"type": "long"}}}}},
                    "jobsight": {"properties": {"source": {"type": "keyword"}, "job_id": {"type": "long"},
                                                "user_id": {"type": "long"}}},
                },
            },
        },
    }


def client(url: str, timeout: float = 5.0):
    """The elasticsearch-py client for ``url``, retrying nothing on its own (callers decide)."""
    from elasticsearch import Elasticsearch

    return Elasticsearch([url], timeout=timeout, max_retries=0, retry_on_timeout=False)


class ElasticsearchHandler(logging.Handler):
    """Queue in the caller's thread, bulk-send from one background thread."""

    def __init__(self, url: str, index_prefix: str = "jobsight-logs", buffer: int = 10000, batch: int = 500,
                 flush_seconds: float = 1.0, retries: int = 3, retry_seconds: float = 0.5, timeout: float = 5.0):
        super().__init__()
        self.url, self.prefix = url, index_prefix
        self.buffer, self.batch, self.flush_seconds = int(buffer), int(batch), float(flush_seconds)
        self.retries, self.retry_seconds, self.timeout = int(retries), float(retry_seconds), float(timeout)
        self._queue = None
        self._thread = None
        self._closing = False
        self._start_lock = threading.Lock()
        self._template_installed = False
        self._client = None

    # -- the logging thread's side: cheap, never waits -------------------------------------

    def _started(self) -> None:
        # Started on the first record, not at dictConfig time: by then nameko run has monkey
        # patched threading, so the sender is a green thread of the service's own hub.
        with self._start_lock:
            if self._thread is None:
                self._queue = queue.Queue(self.buffer)
                self._thread = threading.Thread(target=self._run, name="log-shipper", daemon=True)
                self._thread.start()

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.startswith(_OWN_LOGGERS) or self._closing:
            return
        if self._thread is None:
            self._started()
        try:
            self._queue.put_nowait(ecs_document(record))
        except queue.Full:
            DROPPED.labels("queue_full").inc()
        except Exception:
            self.handleError(record)

    # -- the sender ------------------------------------------------------------------------

    def _take(self) -> list[dict]:
        docs = []
        try:
            docs.append(self._queue.get(timeout=self.flush_seconds))
        except queue.Empty:
            return docs
        deadline = time.monotonic() + min(self.flush_seconds, 0.2)
        while len(docs) < self.batch:
            try:
                docs.append(self._queue.get_nowait())
            except queue.Empty:
                if time.monotonic() >= deadline:
                    break
                time.sleep(0.02)  # let a burst gather into one request
        return docs

    def _run(self) -> None:
        while not (self._closing and self._queue.empty()):
            docs = self._take()
            if docs:
                self._send(docs)

    def _es(self):
        if self._client is None:
            self._client = client(self.url, self.timeout)
        return self._client

    def _send(self, docs: list[dict]) -> bool:
        lines = []
        for doc in docs:
            when = datetime.fromisoformat(doc["@timestamp"]).timestamp()
            lines.append(json.dumps({"index": {"_index": index_name(self.prefix, when)}}))
            lines.append(json.dumps(doc, default=str, ensure_ascii=False))
        body = "\n".join(lines) + "\n"
        for attempt in range(self.retries + 1):
            try:
                es = self._es()
                if not self._template_installed:
                    es.indices.put_index_template(name=self.prefix, body=template_body(self.prefix))
                    self._template_installed = True
                answer = es.bulk(body=body)
            except Exception:
                if attempt < self.retries and not self._closing:
                    time.sleep(self.retry_seconds * 2 ** attempt)
                continue
            rejected = sum(1 for item in answer.get("items", [])
                           if (next(iter(item.values()), {}) or {}).get("status", 200) >= 300)
            SHIPPED.inc(len(docs) - rejected)
            if rejected:
                DROPPED.labels("rejected").inc(rejected)
            return True
        DROPPED.labels("unavailable").inc(len(docs))
        return False

    def flush(self, timeout: float = 0) -> None:
        """With a timeout, wait that long at most for the queue to empty (tests, shutdown)."""
        deadline = time.monotonic() + timeout
        while self._queue is not None and not self._queue.empty() and time.monotonic() < deadline:
            time.sleep(0.05)

    def close(self) -> None:
        if self._thread is not None and not self._closing:
            self.flush(2.0)
            self._closing = True
        super().close()


def handler(url: str = "", enabled=True, **settings) -> logging.Handler:
    """The LOGGING handler factory: shipping switched off (or no URL) is a handler that does nothing."""
    if str(enabled).strip().lower() in ("false", "0", "no", "off", "") or not url:
        return logging.NullHandler()
    return ElasticsearchHandler(url, **settings)
