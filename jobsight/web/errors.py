"""The one HTTP error mapper: exceptions in, JSON responses out.

Known errors keep their message; anything else becomes a 500 that shows only the request id,
never internal text.
"""
from __future__ import annotations

import json
import logging

from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from jobsight.errors import JobsightError, RateLimited, ServiceUnavailable

log = logging.getLogger("jobsight.gateway")


def json_response(status: int, payload, headers=None) -> Response:
    body = "" if payload is None else json.dumps(payload, ensure_ascii=False, default=str)
    return Response(body, status=status, headers=headers,
                    content_type="application/json" if payload is not None else None)


def error_response(exc: BaseException, request_id: str | None = None) -> Response:
    if isinstance(exc, JobsightError):
        retry_after = getattr(exc, "retry_after", None) if isinstance(exc, (RateLimited, ServiceUnavailable)) else None
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
        return json_response(exc.status, {"msg": exc.message, "code": exc.code}, headers)
    if isinstance(exc, HTTPException) and exc.code and exc.code < 500:
        headers = [(k, v) for k, v in exc.get_headers() if k.lower() == "allow"]
        message = {404: "Not found", 405: "Method not allowed"}.get(exc.code, exc.name)
        return json_response(exc.code, {"msg": message, "code": exc.name.lower().replace(" ", "_")}, headers)
    log.error("unhandled error: %r", exc, exc_info=(type(exc), exc, exc.__traceback__))
    return json_response(500, {"msg": "Internal server error", "code": "internal_error", "request_id": request_id})
