"""The exceptions that make up Jobsight's error API.

Services raise these; nameko carries them across RPC as the same types (they are registered
with ``deserialize_to_instance``), and the gateway maps them to HTTP responses in one place.
"""
from nameko.exceptions import deserialize_to_instance


class JobsightError(Exception):
    """Base of every error a caller is meant to see. ``message`` is safe to show a person."""

    status = 500
    code = "internal_error"

    def __init__(self, message: str = "", *args):
        super().__init__(message, *args)
        self.message = message

    def __str__(self) -> str:
        return self.message


@deserialize_to_instance
class ValidationError(JobsightError):
    status = 400
    code = "invalid_request"


@deserialize_to_instance
class Unauthorized(JobsightError):
    status = 401
    code = "unauthorized"


@deserialize_to_instance
class Forbidden(JobsightError):
    status = 403
    code = "forbidden"


@deserialize_to_instance
class NotFound(JobsightError):
    status = 404
    code = "not_found"


@deserialize_to_instance
class UnknownSkill(NotFound):
    """A skill the taxonomy does not know, named in a path, a filter or a saved search: a 404 like
    any other unknown resource (GET /skills lists the known ones)."""

    code = "unknown_skill"


@deserialize_to_instance
class UnknownPlace(NotFound):
    """A location filter that names no city, country or country code: "Atlantis" is a city the
    filter looks for, "worldwide" or "!!!" name none."""

    code = "unknown_place"


@deserialize_to_instance
class Conflict(JobsightError):
    status = 409
    code = "conflict"


class PayloadTooLarge(ValidationError):
    status = 413
    code = "payload_too_large"


class UriTooLong(ValidationError):
    status = 414
    code = "uri_too_long"


class UnsupportedMediaType(ValidationError):
    status = 415
    code = "unsupported_media_type"


class RequestTimeout(ValidationError):
    """The client did not send its request (headers or body) within the gateway's deadline."""

    status = 408
    code = "request_timeout"


class LengthRequired(ValidationError):
    status = 411
    code = "length_required"


@deserialize_to_instance
class RateLimited(JobsightError):
    status = 429
    code = "rate_limited"

    def __init__(self, message: str = "Too many attempts", retry_after: int = 60):
        super().__init__(message, retry_after)
        self.retry_after = int(retry_after)


@deserialize_to_instance
class ServiceUnavailable(JobsightError):
    """A downstream service is down or its circuit is open; ``retry_after`` seconds, when known."""

    status = 503
    code = "service_unavailable"

    def __init__(self, message: str = "", retry_after: int | None = None):
        super().__init__(message)
        self.retry_after = retry_after


@deserialize_to_instance
class ServiceTimeout(JobsightError):
    """A downstream service did not answer in time."""

    status = 504
    code = "timeout"
