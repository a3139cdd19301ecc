"""Hacker News "Who is hiring?" adapter: finds the month's thread and reads top-level comments.

Three document kinds pass through ``parse``: the Algolia search result (→ follow the newest
thread), the thread story item (→ follow its comments) and a comment item (→ one posting).
"""
from __future__ import annotations

import html
import re

from jobsight.posting import ParseResult, RawPosting, Skip
from jobsight.sources.native import (
    NotThisLayout, load_json, opt_list, opt_number, opt_str, total_parse, utc_from_epoch,
)

KIND = "hn"
DEFAULT_BASE_URL = "https://hacker-news.firebaseio.com"
DEFAULT_SEARCH_URL = "https://hn.algolia.com"
ITEM_PAGE = "https://news.ycombinator.com/item?id={id}"

_ITEM_URL = re.compile(r"^(.*?)/v0/item/\d+\.json")
_FIRST_PARAGRAPH = re.compile(r"<p>|\n", re.IGNORECASE)
_HREF = re.compile(r"""<a\s[^>]*href=["']([^"']+)["']""", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")
_URL = re.compile(r"^(?:https?://|www\.)\S+$|^[\w-]+(?:\.[\w-]+)+(?:/\S*)?$", re.IGNORECASE)
_WORKPLACE = re.compile(r"\b(remote|on-?site|on site|in-office|hybrid)\b", re.IGNORECASE)
# "HYBRID (2 days in office)", "Onsite (flexible hours)": parenthesised details of the arrangement,
# not a place (unlike "Remote (US)" or "Remote (EU time zones)").
_WORKPLACE_DETAIL = re.compile(
    r"\([^()]*\b(?:days?|office|week(?:ly)?|month(?:ly)?|flexible|flex|optional|occasional|"
    r"travel|hours?|part\s+of\s+the)\b[^()]*\)",
    re.IGNORECASE)
_SALARY = re.compile(
    r"[$€£]\s?\d|\d\s?[kK]\b|\b\d{2,3}[,.]\d{3}\b|\b(?:USD|EUR|GBP|CAD|AUD|CHF)\b|\bequity\b",
    re.IGNORECASE)
_EMPLOYMENT = re.compile(r"\b(full[- ]?time|part[- ]?time|contract(?:or)?|intern(?:ship)?s?|freelance)\b",
                         re.IGNORECASE)
_ROLE = re.compile(
    r"\b(engineers?|developers?|programmers?|scientists?|designers?|managers?|architects?|"
    r"analysts?|devops|sre|leads?|head of|director|cto|vp|founding|full[- ]?stack|front[- ]?end|"
    r"back[- ]?end|researchers?|roles|positions|recruiter|product|marketing|sales|"
    r"specialist|administrator|technician|consultant|writer|ml|ai|"
    # German and Romanian role words; German compounds end in them ("Datenanalyst", "Softwaretester")
    r"programator|dezvoltator|inginer|tester|"
    r"\w*(?:entwickler|ingenieur|analyst|manager|tester|leiter|berater|designer|architekt)(?:in(?:nen)?)?)\b",
    re.IGNORECASE)


def start_urls(source: dict) -> list[str]:
    if source.get("thread_id"):
        base = str(source.get("base_url") or DEFAULT_BASE_URL).rstrip("/")
        return [f"{base}/v0/item/{source['thread_id']}.json"]
    search = str(source.get("search_url") or DEFAULT_SEARCH_URL).rstrip("/")
    return [f"{search}/api/v1/search_by_date?tags=story,author_whoishiring"]


@total_parse
def parse(document: str | bytes, url: str, source: dict | None = None) -> ParseResult:
    data = load_json(document)
    if data is None:
        # Firebase answers `null` for an item id that does not exist.
        return ParseResult(skipped=[Skip(url, "no such item")])
    if not isinstance(data, dict):
        raise NotThisLayout("not a JSON object")
    if isinstance(data.get("hits"), list):
        return _search_result(data["hits"], url, source)
    kind = data.get("type")
    if kind == "story":
        base = _items_base(url, source)
        kids = [kid for kid in opt_list(data.get("kids")) if isinstance(kid, int) and not isinstance(kid, bool)]
        return ParseResult(follow=[f"{base}/v0/item/{kid}.json" for kid in kids])
    if kind == "comment":
        return _comment(data, url)
    raise NotThisLayout(f"neither search result nor story/comment item (type={kind!r})")


def _items_base(url: str, source: dict | None) -> str:
    if source and source.get("base_url"):
        return str(source["base_url"]).rstrip("/")
    match = _ITEM_URL.match(url)
    return match.group(1) if match else DEFAULT_BASE_URL


def _search_result(hits: list, url: str, source: dict | None) -> ParseResult:
    threads = [
        hit for hit in hits
        if isinstance(hit, dict) and (opt_str(hit.get("title")) or "").lower().startswith("ask hn: who is hiring")
        and opt_str(hit.get("objectID"))
    ]
    if not threads:
        return ParseResult(skipped=[Skip(url, "no 'Ask HN: Who is hiring?' story in search results")])
    newest = max(threads, key=lambda hit: opt_number(hit.get("created_at_i")) or 0)
    return ParseResult(follow=[f"{_items_base(url, source)}/v0/item/{newest['objectID']}.json"])


def _comment(item: dict, url: str) -> ParseResult:
    item_id = opt_str(item.get("id"))
    page = ITEM_PAGE.format(id=item_id) if item_id else url
    text = item.get("text")
    if item.get("deleted") or item.get("dead") or not isinstance(text, str) or not text.strip():
        return ParseResult(skipped=[Skip(page, "deleted, dead or empty comment")])
    if not item_id:
        return ParseResult(skipped=[Skip(url, "comment without id")])
    header = _header_fields(text)
    if header is None:
        return ParseResult(skipped=[Skip(page, "no 'Company | Role | ...' header line")])
    fields = _classify(header)
    if not fields.get("company") or not fields.get("title"):
        return ParseResult(skipped=[Skip(page, "header names no company and role")])
    return ParseResult(postings=[RawPosting(
        source=KIND,
        source_id=item_id,
        url=page,
        title=fields["title"],
        company=fields["company"],
        description=text,
        location=fields.get("location"),
        workplace=fields.get("workplace"),
        employment_type=fields.get("employment_type"),
        date_posted=utc_from_epoch(item.get("time")),
        salary_text=fields.get("salary"),
        extra={"by": opt_str(item.get("by")), "parent": opt_str(item.get("parent")),
               "apply_url": fields.get("url"), "header": " | ".join(header),
               "other_roles": fields.get("other_roles", [])},
    )])


def _header_fields(text: str) -> list[str] | None:
    first = _FIRST_PARAGRAPH.split(text, maxsplit=1)[0]
    hrefs = _HREF.findall(first)
    plain = html.unescape(_TAG.sub(" ", first))
    if "|" not in plain:
        return None
    fields = [" ".join(part.split()) for part in plain.split("|")]
    fields = [field for field in fields if field]
    # HN truncates long link texts ("https://example.com/jo..."); the href is the real URL.
    if hrefs:
        fields = [html.unescape(hrefs[0]) if _URL.match(field) else field for field in fields]
    return fields if len(fields) >= 2 else None


def _classify(fields: list[str]) -> dict:
    """Posters order the header fields as they like, so each field is recognised by its content."""
    found: dict = {}
    unclassified: list[str] = []
    roles: list[str] = []
    for index, field in enumerate(fields):
        if _URL.match(field):
            found.setdefault("url", field)
            continue
        workplace_words = {w.lower().replace("-", "").replace(" ", "") for w in _WORKPLACE.findall(field)}
        rest = _WORKPLACE.sub("", _WORKPLACE_DETAIL.sub("", field)).strip(" ,/()&-+") if workplace_words else field
        if workplace_words:
            found.setdefault("workplace", _workplace(workplace_words))
            if rest and rest.lower() not in {"or", "and", "only"}:
                # "Remote (US)" or "Berlin or REMOTE": the rest is where.
                found.setdefault("location", field)
            continue
        if _SALARY.search(field) and index > 0:
            found.setdefault("salary", field)
            continue
        if _EMPLOYMENT.fullmatch(field.strip()):
            found.setdefault("employment_type", field)
            continue
        if index > 0 and _ROLE.search(field):
            roles.append(field)
            continue
        unclassified.append(field)
    if unclassified:
        found["company"] = unclassified.pop(0)
    if roles:
        found["title"], found["other_roles"] = roles[0], roles[1:]
    elif unclassified:
        found["title"] = unclassified.pop(0)
    if unclassified and "location" not in found:
        found["location"] = unclassified.pop(0)
    return found


def _workplace(words: set[str]) -> str | None:
    if "hybrid" in words:
        return "hybrid"
    onsite = bool(words & {"onsite", "inoffice"})
    if "remote" in words and onsite:
        return None  # "REMOTE or ONSITE": the poster offers both; the normalizer reads the text
    return "remote" if "remote" in words else "onsite"
