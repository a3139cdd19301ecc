"""Validation of HTTP input: JSON bodies against marshmallow schemas, query parameters, and
bearer tokens. Everything wrong becomes a ``ValidationError`` with a message a person
understands."""
from __future__ import annotations

import json
import re

import eventlet

from marshmallow import EXCLUDE, Schema, fields, validate, validates_schema
from marshmallow import ValidationError as SchemaError

from jobsight.auth import bearer_token
from jobsight.errors import PayloadTooLarge, RequestTimeout, UnsupportedMediaType, ValidationError

DEFAULT_MAX_BODY = 64 * 1024
MAX_DEPTH = 16  # nesting of objects and arrays in a JSON body: ours need 3
MAX_URL = 8192  # bytes of path and query string
# NUL and the other control characters (tab, newline and carriage return are text): PostgreSQL
# refuses NUL, and none belongs in a name, an email, a search or an id.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def check_text(value: str, what: str) -> str:
    if _CONTROL.search(value):
        raise ValidationError(f"{what} must not contain control characters")
    return value


def check_request_line(environ) -> None:
    """The path and query string of every request, before any route: sized, and free of
    control characters once decoded. Raises ValidationError (414 when too long)."""
    from urllib.parse import unquote

    from jobsight.errors import UriTooLong

    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI") or (
        environ.get("PATH_INFO", "") + ("?" + environ["QUERY_STRING"] if environ.get("QUERY_STRING") else ""))
    if len(raw) > MAX_URL:
        raise UriTooLong(f"URL too long (at most {MAX_URL} bytes)")
    path, _, query = raw.partition("?")
    check_text(unquote(path, errors="replace"), "The path")
    check_text(unquote(query.replace("+", " "), errors="replace"), "Query parameters")


def _depth(raw: str) -> int:
    """How deep objects and arrays nest in a JSON text (strings skipped), without parsing it."""
    depth = deepest = 0
    in_string = escaped = False
    for char in raw:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def _check_strings(value, depth: int = 0) -> None:
    if isinstance(value, str):
        check_text(value, "Text fields")
    elif isinstance(value, dict):
        for key, item in value.items():
            check_text(key, "Field names")
            _check_strings(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _check_strings(item, depth + 1)


class SignUpBody(Schema):
    class Meta:
        unknown = EXCLUDE

    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    email = fields.String(required=True, validate=validate.Length(max=254))
    password = fields.String(required=True, validate=validate.Length(max=1024))


class LoginBody(Schema):
    class Meta:
        unknown = EXCLUDE

    email = fields.String(required=True, validate=validate.Length(max=254))
    password = fields.String(required=True, validate=validate.Length(max=1024))


class PasswordBody(Schema):
    """A destructive request confirmed with the account's password."""

    class Meta:
        unknown = EXCLUDE

    password = fields.String(required=True, validate=validate.Length(min=1, max=1024))


class SubscriptionBody(Schema):
    """``{"skill": "Python"}`` or ``{"search": {"keywords": ..., ...}}`` (checked by users)."""

    class Meta:
        unknown = EXCLUDE

    skill = fields.String(validate=validate.Length(min=1, max=64))
    search = fields.Dict()

    @validates_schema
    def one_of(self, data, **kwargs):
        if ("skill" in data) == ("search" in data):
            raise SchemaError("Give either 'skill' or 'search'")


def flag(request, name: str) -> bool:
    value = (request.args.get(name) or "false").lower()
    if value not in ("true", "false", "1", "0", "yes", "no"):
        raise ValidationError(f"Query parameter '{name}' must be true or false")
    return value in ("true", "1", "yes")


def query_int(request, name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValidationError(f"Query parameter '{name}' must be an integer")
    if not low <= value <= high:
        raise ValidationError(f"Query parameter '{name}' must be between {low} and {high}")
    return value


def _first_error(messages: dict) -> str:
    field, problems = next(iter(sorted(messages.items())))
    if isinstance(problems, dict):  # nested
        return _first_error(problems)
    problem = problems[0] if isinstance(problems, list) and problems else str(problems)
    if field == "_schema":  # a rule about the whole body
        return problem
    if problem == "Missing data for required field.":
        return f"Missing field '{field}'"
    return f"Invalid field '{field}': {problem}"


def json_body(request, schema: Schema, max_bytes: int = DEFAULT_MAX_BODY, timeout: float = 10.0) -> dict:
    """Read, size-check, parse and validate a JSON object body: ``application/json`` only (a
    cross-site form cannot send it without asking first), at most ``max_bytes`` (413), all of it
    within ``timeout`` seconds (408: a body trickled a byte at a time holds no worker for long),
    nested at most MAX_DEPTH deep, and no control characters in any string the schema takes."""
    if request.mimetype != "application/json":
        raise UnsupportedMediaType("Send the body as JSON (Content-Type: application/json)")
    length = request.content_length
    if length is not None and length > max_bytes:
        raise PayloadTooLarge(f"Request body too large (at most {max_bytes} bytes)")
    # A chunked body has no length: read at most one byte past the limit, never the whole of it.
    with eventlet.Timeout(timeout, RequestTimeout(f"The request body did not arrive within {timeout:g} s")):
        raw = request.stream.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise PayloadTooLarge(f"Request body too large (at most {max_bytes} bytes)")
    if not raw.strip():
        raise ValidationError("Request body must be a JSON object")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ValidationError("Malformed JSON body")
    if _depth(text) > MAX_DEPTH:
        raise ValidationError(f"JSON body nested too deep (at most {MAX_DEPTH} levels)")
    try:
        data = json.loads(text)
    except ValueError:
        raise ValidationError("Malformed JSON body")
    if not isinstance(data, dict):
        raise ValidationError("Request body must be a JSON object")
    try:
        loaded = schema.load(data)
    except SchemaError as exc:
        raise ValidationError(_first_error(exc.messages))
    _check_strings(loaded)  # what the route takes: fields it does not know are dropped unread
    return loaded


def query_text(request, name: str, required: bool = True, max_length: int = 200) -> str | None:
    value = request.args.get(name)
    if value is None or not value.strip():
        if required:
            raise ValidationError(f"Missing query parameter '{name}'")
        return None
    value = " ".join(value.split())
    if len(value) > max_length:
        raise ValidationError(f"Query parameter '{name}' too long (at most {max_length} characters)")
    return value


def path_text(value: str, name: str, max_length: int = 200) -> str:
    value = " ".join((value or "").split())
    if not value:
        raise ValidationError(f"'{name}' must not be empty")
    if len(value) > max_length:
        raise ValidationError(f"'{name}' too long (at most {max_length} characters)")
    return value


def positive_int(value, name: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError(f"{name} must be a positive integer")
    if number <= 0 or number > 2**63 - 1:
        raise ValidationError(f"{name} must be a positive integer")
    return number


def request_token(request) -> str | None:
    return bearer_token(request.headers.get("Authorization"))


def query_params(request, allowed, max_length: int = 200) -> dict:
    """Query parameters as ``{name: text}`` (a repeated one joined with commas), only known names."""
    params = {}
    for name in request.args:
        if name not in allowed:
            raise ValidationError(f"Unknown query parameter '{name}' (known: {', '.join(allowed)})")
        value = ",".join(request.args.getlist(name))
        if len(value) > max_length:
            raise ValidationError(f"Query parameter '{name}' too long (at most {max_length} characters)")
        params[name] = value
    return params
