"""Lever postings API adapter: pages of postings (skip/limit) → RawPostings and the next page."""
from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from jobsight.posting import ParseResult, RawPosting, StructuredSalary
from jobsight.sources.native import (
    NotThisLayout, country_code, load_json, map_items, max_pages, opt_dict, opt_list, opt_number,
    opt_str, query_int, require, str_list, total_parse, utc_from_epoch,
)

KIND = "lever"
DEFAULT_BASE_URL = "https://api.lever.co"
PAGE_SIZE = 100

_SITE_IN_API_URL = re.compile(r"/v0/postings/([^/?#]+)")
_SITE_IN_HOSTED_URL = re.compile(r"jobs\.(?:eu\.)?lever\.co/([^/?#]+)")
_PERIODS = {
    "per-year-salary": "year", "per-month-salary": "month", "per-week-salary": "week",
    "per-day-wage": "day", "per-hour-wage": "hour", "semi-month-salary": "semi_month",
    "bi-week-salary": "bi_week",
}
_WORKPLACES = {"on-site": "onsite", "onsite": "onsite", "remote": "remote", "hybrid": "hybrid"}


def start_urls(source: dict) -> list[str]:
    base = str(source.get("base_url") or DEFAULT_BASE_URL).rstrip("/")
    return [f"{base}/v0/postings/{source['site']}?mode=json&skip=0&limit={PAGE_SIZE}"]


@total_parse
def parse(document: str | bytes, url: str, source: dict | None = None) -> ParseResult:
    data = load_json(document)
    if not isinstance(data, list):
        raise NotThisLayout("postings are not a list")
    match = _SITE_IN_API_URL.search(url)
    site = (source or {}).get("site") or (match.group(1) if match else None)
    result = map_items(data, url, lambda posting: _posting(posting, site, url))
    skip, limit = query_int(url, "skip", 0), query_int(url, "limit", PAGE_SIZE)
    # Lever has no "next" link: a full page means there may be more.
    if limit > 0 and len(data) >= limit and skip // limit + 1 < max_pages(source):
        result.follow.append(_with_query(url, skip=skip + limit, limit=limit))
    return result


def _with_query(url: str, **params: int) -> str:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    query.update({key: str(value) for key, value in params.items()})
    return urlunsplit(parts._replace(query=urlencode(query)))


def _posting(posting: dict, site: str | None, page_url: str) -> RawPosting:
    source_id = require(posting.get("id"), "id")
    title = require(posting.get("text"), "title")
    hosted_url = opt_str(posting.get("hostedUrl")) or page_url
    if site is None:
        match = _SITE_IN_HOSTED_URL.search(hosted_url)
        site = match.group(1) if match else ""
    categories = opt_dict(posting.get("categories"))
    return RawPosting(
        source=KIND,
        source_id=source_id,
        url=hosted_url,
        title=title,
        company=site,
        description=_description(posting),
        location=opt_str(categories.get("location")),
        country=country_code(posting.get("country")),
        workplace=_WORKPLACES.get((opt_str(posting.get("workplaceType")) or "").lower()),
        employment_type=opt_str(categories.get("commitment")),
        date_posted=utc_from_epoch(posting.get("createdAt"), millis=True),
        salary=_salary(opt_dict(posting.get("salaryRange"))),
        tags=str_list([categories.get("team"), categories.get("department")]),
        extra={
            "all_locations": str_list(categories.get("allLocations")),
            "apply_url": opt_str(posting.get("applyUrl")),
        },
    )


def _description(posting: dict) -> str:
    # Requirements often live only in `lists`, so they belong in the description.
    parts = [posting.get("description") if isinstance(posting.get("description"), str) else ""]
    for section in opt_list(posting.get("lists")):
        if not isinstance(section, dict):
            continue
        heading, content = opt_str(section.get("text")), section.get("content")
        if heading:
            parts.append(f"<h3>{heading}</h3>")
        if isinstance(content, str) and content:
            parts.append(f"<ul>{content}</ul>")
    if isinstance(posting.get("additional"), str):
        parts.append(posting["additional"])
    return "\n".join(part for part in parts if part)


def _salary(salary_range: dict) -> StructuredSalary | None:
    interval = opt_str(salary_range.get("interval"))
    period = _PERIODS.get(interval or "")
    low, high = opt_number(salary_range.get("min")), opt_number(salary_range.get("max"))
    # "one-time" is a signing bonus or stipend, not pay per period.
    if period is None or (low is None and high is None):
        return None
    return StructuredSalary(min=low, max=high, currency=opt_str(salary_range.get("currency")),
                            period=period, raw=interval or "")
