"""The input validators every boundary shares (HTTP parameters, RPC arguments, event payloads):
each returns the clean value or raises ``ValidationError`` (or the given subclass) with a
message a person understands."""
from __future__ import annotations

import math
import re
from datetime import datetime

from jobsight.errors import UnknownPlace, ValidationError
from jobsight.normalize.location import parse_location

INT64_MAX = 2**63 - 1
MAX_KEYWORDS_LENGTH = 200
MAX_TEXT_FILTER = 100
_KEYWORD_NOISE = re.compile(r"[^\w+#./ -]+", re.UNICODE)


def integer(value, name: str, low: int | None = None, high: int | None = None, *,
            error: type[ValidationError] = ValidationError, message: str | None = None) -> int:
    """An ``int`` (never a bool) within [low, high]."""
    if isinstance(value, bool) or not isinstance(value, int) or \
            (low is not None and value < low) or (high is not None and value > high):
        raise error(message or _integer_message(name, low, high))
    return value


def _integer_message(name: str, low: int | None, high: int | None) -> str:
    if low is not None and high is not None:
        return f"{name} must be an integer between {low} and {high}"
    if low is not None:
        return f"{name} must be an integer >= {low}"
    return f"{name} must be an integer"


def positive_id(value, name: str, *, error: type[ValidationError] = ValidationError) -> int:
    """A database id: an integer from 1 to the largest bigint."""
    return integer(value, name, 1, INT64_MAX, error=error, message=f"{name} must be a positive integer")


def parse_positive_id(text, name: str) -> int:
    """A positive id given as text (a URL path segment)."""
    try:
        number = int(text)
    except (TypeError, ValueError):
        raise ValidationError(f"{name} must be a positive integer")
    return positive_id(number, name)


def optional_integer(value, name: str, default: int, low: int, high: int) -> int:
    """``default`` for None, else an integer within [low, high]."""
    return default if value is None else integer(value, name, low, high)


def number(value, name: str, *, error: type[ValidationError] = ValidationError) -> float | None:
    """None, or a finite int or float (never a bool), as a float."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise error(f"{name} must be a finite number")
    return float(value)


def text(value, name: str, *, required: bool = False, max_length: int | None = None,
         error: type[ValidationError] = ValidationError) -> str | None:
    """None (unless required), or a string (non-blank when required) of at most max_length."""
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        raise error(f"{name} must be a {'non-empty ' if required else ''}string")
    if max_length is not None and len(value) > max_length:
        raise error(f"{name} is longer than {max_length} characters")
    return value


def timestamp(value, name: str, *, error: type[ValidationError] = ValidationError) -> str | None:
    """None, or an ISO 8601 timestamp with a time zone (returned as given)."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise error(f"{name} must be an ISO 8601 string")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise error(f"{name} is not an ISO 8601 timestamp")
    if parsed.tzinfo is None:
        raise error(f"{name} has no time zone")
    return value


def id_list(value, what: str, max_items: int) -> list[int]:
    """A non-empty list of at most ``max_items`` positive ids of ``what``."""
    if not isinstance(value, list) or not value or len(value) > max_items or \
            not all(isinstance(i, int) and not isinstance(i, bool) and i > 0 for i in value):
        raise ValidationError(f"ids must be a list of 1 to {max_items} {what} ids")
    return value


def normalize_keywords(keywords) -> str:
    """Title keywords as every matcher compares them: lowercase words, punctuation dropped."""
    if not isinstance(keywords, str):
        raise ValidationError("keywords must be a string")
    cleaned = " ".join(_KEYWORD_NOISE.sub(" ", keywords).lower().split())
    if not cleaned:
        raise ValidationError("keywords must contain at least one letter or digit")
    if len(cleaned) > MAX_KEYWORDS_LENGTH:
        raise ValidationError(f"keywords too long (at most {MAX_KEYWORDS_LENGTH} characters)")
    return cleaned


def filter_text(value, name: str, max_length: int = MAX_TEXT_FILTER) -> str | None:
    """A free-text filter, whitespace collapsed."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValidationError(f"{name} must be text")
    if len(value) > max_length:  # as sent, as the OpenAPI document's maxLength counts
        raise ValidationError(f"{name} too long (at most {max_length} characters)")
    return " ".join(value.split())


def whole_number(value, name: str, low: int, high: int) -> int | None:
    """None, or a whole number given as an int, an integral float or digits in a string."""
    if value is None:
        return None
    problem = f"{name} must be a whole number between {low} and {high:,}"
    if isinstance(value, bool):
        raise ValidationError(problem)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str):
        value = value.strip()
        if not value.lstrip("-").isdigit() or len(value) > 12:
            raise ValidationError(problem)
        value = int(value)
    if not isinstance(value, int) or not low <= value <= high:
        raise ValidationError(problem)
    return value


def place(value) -> tuple[str | None, str | None]:
    """A location filter as (country, city): a country code or name filters by country, a city by
    city (and its country)."""
    value = filter_text(value, "location")
    if value is None:
        return None, None
    if not any(char.isalnum() for char in value):
        raise ValidationError("location must contain at least one letter or digit")
    if len(value) == 2 and value.isalpha():
        return value.upper(), None
    city, _, country = parse_location(value)
    if city is None and country is None:
        raise UnknownPlace(f"location '{value}' names no place (give a city, a country or a country code)")
    return country, city
