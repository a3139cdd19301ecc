"""Validation of HTTP input: JSON bodies against marshmallow schemas, query parameters, and
bearer tokens. Everything wrong becomes a ``ValidationError`` with a message a person
understands."""
from __future__ import annotations

import json

from marshmallow import EXCLUDE, Schema, fields, validate, validates_schema
from marshmallow import ValidationError as SchemaError

from jobsight.auth import bearer_token
from jobsight.errors import ValidationError

DEFAULT_MAX_BODY = 64 * 1024


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


def json_body(request, schema: Schema, max_bytes: int = DEFAULT_MAX_BODY) -> dict:
    """Read, size-check, parse and validate a JSON object body."""
    length = request.content_length
    if length is not None and length > max_bytes:
        raise ValidationError(f"Request body too large (at most {max_bytes} bytes)")
    raw = request.get_data(cache=False)
    if len(raw) > max_bytes:
        raise ValidationError(f"Request body too large (at most {max_bytes} bytes)")
    if not raw.strip():
        raise ValidationError("Request body must be a JSON object")
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise ValidationError("Malformed JSON body")
    if not isinstance(data, dict):
        raise ValidationError("Request body must be a JSON object")
    try:
        return schema.load(data)
    except SchemaError as exc:
        raise ValidationError(_first_error(exc.messages))


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
