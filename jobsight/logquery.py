"""``jobsight logs``: the shipped records (jobsight/logship.py) read back from the index, oldest
first, filtered by request id, service, level and age; ``--follow`` keeps printing new ones."""
from __future__ import annotations

import re
import sys
import time
from datetime import datetime, timedelta, timezone

from jobsight import logship

LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
_SINCE = re.compile(r"^(\d+)([smhd])$")
_UNIT = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def parse_since(text: str, now: datetime | None = None) -> datetime:
    """``10m``, ``2h``, ``1d``, ``30s``, or an ISO 8601 time."""
    match = _SINCE.match(text.strip())
    now = now or datetime.now(timezone.utc)
    if match:
        return now - timedelta(**{_UNIT[match.group(2)]: int(match.group(1))})
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def build_query(request_id=None, service=None, level=None, since: datetime | None = None) -> dict:
    """The bool filter of a search; ``level`` means that level and the ones above it."""
    filters = []
    if request_id:
        filters.append({"term": {"trace.id": request_id}})
    if service:
        filters.append({"term": {"service.name": service}})
    if level:
        level = level.upper()
        if level not in LEVELS:
            raise ValueError(f"level must be one of {', '.join(LEVELS)}")
        filters.append({"terms": {"log.level": list(LEVELS[LEVELS.index(level):])}})
    if since:
        filters.append({"range": {"@timestamp": {"gte": since.isoformat()}}})
    return {"bool": {"filter": filters}} if filters else {"match_all": {}}


_ORDER = [{"@timestamp": {"order": "asc"}}, {"event.sequence": {"order": "asc", "unmapped_type": "long"}}]


def search(es, prefix: str, query: dict, size: int = 1000, after=None) -> list[dict]:
    """Matching records oldest first, each with its sort values (for ``after``) under ``_sort``."""
    body = {"query": query, "sort": _ORDER, "size": size}
    if after:
        body["search_after"] = after
    answer = es.search(index=f"{prefix}-*", body=body, ignore_unavailable=True, allow_no_indices=True)
    docs = [{**hit["_source"], "_sort": hit.get("sort")} for hit in answer["hits"]["hits"]]
    # The index keeps milliseconds; the records carry microseconds (same format, UTC), which
    # order the services' records within one millisecond.
    return sorted(docs, key=lambda d: (d.get("@timestamp", ""), (d.get("event") or {}).get("sequence", 0)))


def line(doc: dict) -> str:
    service = doc.get("service") or {}
    parts = [doc.get("@timestamp", ""), f"{(doc.get('log') or {}).get('level', ''):<7}",
             f"{(service.get('node') or {}).get('name') or service.get('name') or '-':<12}",
             (doc.get("trace") or {}).get("id") or "-", doc.get("message", "")]
    error = doc.get("error") or {}
    text = " ".join(str(p) for p in parts)
    if error.get("stack_trace"):
        text += "\n" + error["stack_trace"]
    return text


def run(config: dict, args, out=sys.stdout) -> int:
    settings = config.get("LOGS") or {}
    url = settings.get("ELASTICSEARCH_URL") or "http://127.0.0.1:9200"
    prefix = settings.get("INDEX_PREFIX") or "jobsight-logs"
    since = parse_since(args.since) if args.since else None
    query = build_query(args.request_id, args.service, args.level, since)
    es = logship.client(url, timeout=10)
    try:
        docs = search(es, prefix, query, size=args.limit)
    except Exception as exc:
        print(f"cannot read the logs from {url}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    after = None
    for doc in docs:
        print(line(doc), file=out, flush=True)
        after = doc["_sort"]
    while args.follow:
        try:
            time.sleep(1.0)
            for doc in search(es, prefix, query, size=args.limit, after=after):
                print(line(doc), file=out, flush=True)
                after = doc["_sort"]
        except KeyboardInterrupt:
            return 0
        except Exception as exc:  # the server may come back: keep following
            print(f"(log server: {type(exc).__name__})", file=sys.stderr)
    return 0


def add_parser(sub, load_config) -> None:
    """The ``logs`` subcommand of the ``jobsight`` command."""
    logs = sub.add_parser("logs", help="read the shipped logs, oldest first (one request: --request-id)")
    logs.add_argument("--request-id", help="only this X-Request-ID's records, through every service")
    logs.add_argument("--service", help="only this service's records (users, gateway, ...)")
    logs.add_argument("--level", help="this level and above (DEBUG, INFO, WARNING, ERROR)")
    logs.add_argument("--since", help="records newer than this: 30s, 10m, 2h, 1d or an ISO time")
    logs.add_argument("--follow", "-f", action="store_true", help="keep printing new records")
    logs.add_argument("--limit", type=int, default=1000, help="records per read (default 1000)")
    logs.set_defaults(func=lambda args: run(load_config(args), args))
