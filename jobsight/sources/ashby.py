"""Ashby posting API adapter: one job-board document (with compensation) → RawPostings."""
from __future__ import annotations

import re

from jobsight.posting import ParseResult, RawPosting, StructuredSalary
from jobsight.sources.native import (
    board_jobs,
    country_code, opt_dict, opt_list, opt_number, opt_str,
    require, str_list, total_parse, utc_from_iso,
)

KIND = "ashby"
DEFAULT_BASE_URL = "https://api.ashbyhq.com"

_BOARD_IN_API_URL = re.compile(r"/job-board/([^/?#]+)")
_BOARD_IN_JOB_URL = re.compile(r"jobs\.ashbyhq\.com/([^/?#]+)")
_UNITS = {"YEAR": "year", "MONTH": "month", "WEEK": "week", "DAY": "day", "HOUR": "hour"}
_WORKPLACES = {"onsite": "onsite", "remote": "remote", "hybrid": "hybrid"}


def start_urls(source: dict) -> list[str]:
    base = str(source.get("base_url") or DEFAULT_BASE_URL).rstrip("/")
    return [f"{base}/posting-api/job-board/{source['board']}?includeCompensation=true"]


@total_parse
def parse(document: str | bytes, url: str, source: dict | None = None) -> ParseResult:
    return board_jobs(document, url, source, _BOARD_IN_API_URL, _posting)


def _posting(job: dict, board: str | None, page_url: str) -> RawPosting:
    title = require(job.get("title"), "title")
    job_url = opt_str(job.get("jobUrl")) or page_url
    source_id = opt_str(job.get("id")) or require(job.get("jobUrl"), "id")
    if board is None:
        match = _BOARD_IN_JOB_URL.search(job_url)
        board = match.group(1) if match else ""
    address = opt_dict(opt_dict(job.get("address")).get("postalAddress"))
    country = opt_str(address.get("addressCountry"))
    description = job.get("descriptionHtml")
    if not isinstance(description, str):
        description = job.get("descriptionPlain") if isinstance(job.get("descriptionPlain"), str) else ""
    return RawPosting(
        source=KIND,
        source_id=source_id,
        url=job_url,
        title=title,
        company=board,
        description=description,
        location=opt_str(job.get("location")),
        country=country_code(country),
        city=opt_str(address.get("addressLocality")),
        region=opt_str(address.get("addressRegion")),
        workplace=_workplace(job),
        employment_type=opt_str(job.get("employmentType")),
        date_posted=utc_from_iso(job.get("publishedAt")),
        salary=_salary(opt_dict(job.get("compensation"))),
        tags=str_list([job.get("department"), job.get("team")]),
        extra={
            "country_name": country if country and not country_code(country) else None,
            "secondary_locations": [
                opt_str(loc.get("location")) if isinstance(loc, dict) else opt_str(loc)
                for loc in opt_list(job.get("secondaryLocations"))
            ],
            "apply_url": opt_str(job.get("applyUrl")),
        },
    )


def _workplace(job: dict) -> str | None:
    workplace = _WORKPLACES.get((opt_str(job.get("workplaceType")) or "").lower())
    if workplace is None and job.get("isRemote") is True:
        return "remote"
    return workplace


def _salary(compensation: dict) -> StructuredSalary | None:
    for component in opt_list(compensation.get("summaryComponents")):
        if not isinstance(component, dict) or component.get("compensationType") != "Salary":
            continue
        low, high = opt_number(component.get("minValue")), opt_number(component.get("maxValue"))
        if low is None and high is None:
            continue
        return StructuredSalary(
            min=low, max=high, currency=opt_str(component.get("currencyCode")),
            period=_period(opt_str(component.get("interval")) or ""),
            raw=opt_str(compensation.get("compensationTierSummary")) or "",
        )
    return None


def _period(interval: str) -> str | None:
    """Ashby intervals are "<count> <UNIT>"; only a count of one maps onto a plain period."""
    count, _, unit = interval.strip().upper().partition(" ")
    if count == "1":
        return _UNITS.get(unit)
    if count == "2" and unit == "WEEK":
        return "bi_week"
    return None
