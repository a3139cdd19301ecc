"""Defensive readers for native source payloads, shared by every adapter.

Sources change shape without notice, so every reader here returns ``None`` (or an empty
value) for anything unexpected instead of raising; adapters stay short and total.
"""
from __future__ import annotations

import functools
import html
import json
import re
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any, Callable
from urllib.parse import parse_qs, urlsplit

import lxml.html
from lxml import etree

from jobsight.posting import ParseResult, Skip

# Exceptions a mapping function may hit on data of the wrong shape; anything else is a bug.
DATA_ERRORS = (KeyError, TypeError, ValueError, AttributeError, IndexError, OverflowError)

_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class NotThisLayout(ValueError):
    """The document is readable but not the layout the adapter expects."""


def total_parse(func: Callable[..., ParseResult]) -> Callable[..., ParseResult]:
    """Make ``parse`` total: a document that breaks the adapter yields one Skip, never an exception."""

    @functools.wraps(func)
    def wrapper(document: str | bytes, url: str, source: dict | None = None) -> ParseResult:
        try:
            return func(document, url, source)
        except NotThisLayout as exc:
            return ParseResult(skipped=[Skip(url, f"layout changed: {exc}")])
        except RecursionError:
            return ParseResult(skipped=[Skip(url, "unparseable document: nested too deeply")])
        except (*DATA_ERRORS, UnicodeError) as exc:
            return ParseResult(skipped=[Skip(url, f"unparseable document: {type(exc).__name__}: {exc}")])

    return wrapper


def load_json(document: str | bytes) -> Any:
    """Decode a JSON document once; raise NotThisLayout (→ one Skip) if it is not JSON."""
    try:
        return json.loads(document)
    except (ValueError, TypeError) as exc:
        raise NotThisLayout(f"not JSON ({exc})") from None


def board_jobs(document: str | bytes, url: str, source: dict | None, board_in_url: re.Pattern,
               to_posting: Callable[[dict, str | None, str], Any]) -> ParseResult:
    """An ATS board document ``{"jobs": [...]}`` (Greenhouse, Ashby): each job mapped with the
    board named by the source config or, without one (the CLI), by the API URL."""
    data = load_json(document)
    if not isinstance(data, dict) or not isinstance(data.get("jobs"), list):
        raise NotThisLayout("no 'jobs' list")
    match = board_in_url.search(url)
    board = (source or {}).get("board") or (match.group(1) if match else None)
    return map_items(data["jobs"], url, lambda job: to_posting(job, board, url))


def load_html(document: str | bytes):
    """Parse an HTML page once with lxml; raise NotThisLayout (→ one Skip) if it is not HTML.

    lxml directly rather than requests-html's ``HTML(...).lxml``: that goes through
    BeautifulSoup's pure-Python parser first (about 45× slower on the same page) and ends in
    the same lxml tree.
    """
    if not document or not document.strip():
        raise NotThisLayout("empty document")
    try:
        return lxml.html.fromstring(document)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise NotThisLayout(f"not HTML ({exc})") from None


def as_text(document: str | bytes) -> str:
    if isinstance(document, bytes):
        return document.decode("utf-8", errors="replace")
    return document


def opt_str(value: Any) -> str | None:
    """A scalar as a stripped string; numbers become their decimal form; blanks become None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (str, int, float)):
        text = str(value).strip()
        return text or None
    return None


def str_list(value: Any) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return []
    return [text for text in (opt_str(item) for item in value) if text]


def opt_dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def opt_list(value: Any) -> list:
    return value if isinstance(value, list) else []


def opt_number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip().replace(",", ""))
        except ValueError:
            return None
    else:
        return None
    # NaN and infinities are not amounts anyone can be paid.
    return number if number == number and abs(number) != float("inf") else None


def utc_from_epoch(value: Any, *, millis: bool = False) -> datetime | None:
    number = opt_number(value)
    if number is None:
        return None
    try:
        return datetime.fromtimestamp(number / 1000 if millis else number, tz=timezone.utc)
    except (OverflowError, OSError, ValueError):
        return None


def utc_from_iso(value: Any) -> datetime | None:
    """ISO 8601 date or datetime → aware UTC; a naive value is taken to be UTC already."""
    text = opt_str(value)
    if not text or isinstance(value, (int, float)):
        return None
    try:
        if _DATE_ONLY.match(text):
            parsed = datetime.strptime(text, "%Y-%m-%d")
        else:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def utc_from_rfc822(value: Any) -> datetime | None:
    text = opt_str(value)
    if not text:
        return None
    try:
        parsed = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return utc_from_iso(text)
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def query_int(url: str, name: str, default: int) -> int:
    values = parse_qs(urlsplit(url).query).get(name)
    try:
        return int(values[0]) if values else default
    except ValueError:
        return default


def max_pages(source: dict | None, default: int = 50) -> int:
    value = (source or {}).get("max_pages", default)
    return value if isinstance(value, int) and value > 0 else default


def base_url(source: dict | None, default: str) -> str:
    value = (source or {}).get("base_url") or default
    return str(value).rstrip("/")


def join_nonempty(parts: list[str | None], sep: str = ", ") -> str | None:
    text = sep.join(part for part in parts if part)
    return text or None


def country_code(value: Any) -> str | None:
    """ISO 3166-1 alpha-2 only when the source already gives one; names go to the normalizer."""
    text = opt_str(value)
    if text and len(text) == 2 and text.isalpha():
        return text.upper()
    return None


def require(value: Any, name: str) -> str:
    """A field a posting cannot exist without; raising here turns the item into a Skip."""
    text = opt_str(value)
    if not text:
        raise ValueError(f"missing {name}")
    return text


def map_items(items: list, url: str, mapper: Callable[[Any], Any], *, what: str = "job") -> ParseResult:
    """Map each native item on its own, so one malformed item costs one Skip, not the page."""
    result = ParseResult()
    for index, item in enumerate(items):
        try:
            if not isinstance(item, dict):
                raise TypeError(f"{what} is {type(item).__name__}, not an object")
            result.postings.append(mapper(item))
        except DATA_ERRORS as exc:
            result.skipped.append(Skip(f"{url}#{index}", f"malformed {what}: {exc}"))
    return result


def unescape_once(text: str) -> str:
    """``html.unescape`` with the five entities escaped HTML is made of replaced first.

    Same result (the replacements produce no ``&``, so nothing is unescaped twice) but several
    times faster on long entity-escaped descriptions, where the per-entity callback dominates.
    """
    text = (text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
            .replace("&#x27;", "'").replace("&#39;", "'"))
    return html.unescape(text) if "&" in text else text
