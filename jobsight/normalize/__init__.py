"""Normalization: turn a source's ``RawPosting`` into a canonical ``Posting``.

Pure functions over plain data (no framework, database or network). ``normalize`` is the one
entry point; the submodules hold the rules for text, skills, salary, experience, workplace and
location, and can be used on their own.
"""
from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache

from jobsight.normalize.experience import min_years
from jobsight.normalize.location import parse_location
from jobsight.normalize.salary import (BOARD_CURRENCIES, from_structured, parse_salary, salary_in_text,
                                      with_plausible_period)
from jobsight.normalize.skills import Taxonomy
from jobsight.normalize.text import html_to_text, strip_boilerplate
from jobsight.normalize.workplace import employment_type, seniority, workplace
from jobsight.posting import Posting, RawPosting, Salary

__all__ = ["Taxonomy", "default_taxonomy", "normalize"]


@lru_cache(maxsize=1)
def default_taxonomy() -> Taxonomy:
    """The bundled taxonomy (``jobsight/data/skills.yml``), loaded once per process."""
    return Taxonomy.load()


def normalize(raw: RawPosting, taxonomy: Taxonomy | None = None) -> Posting:
    """The normalized form of one posting; structured source fields win over text."""
    taxonomy = taxonomy or default_taxonomy()
    title = (raw.title or "").strip()
    description = strip_boilerplate(html_to_text(raw.description))

    city, region, country = _location(raw)
    place = _workplace(raw, title, description)
    posted_on = raw.date_posted.date() if isinstance(raw.date_posted, datetime) else None

    return Posting(
        source=raw.source,
        source_id=raw.source_id,
        url=raw.url,
        title=title,
        company=(raw.company or "").strip(),
        location=raw.location,
        city=city,
        region=region,
        country=country,
        remote=None if place is None else place == "remote",
        workplace=place,
        employment_type=(
            employment_type(raw.employment_type) or employment_type(title) or employment_type(description)
        ),
        seniority=seniority(title, description),
        date_posted=raw.date_posted,
        description=description,
        skills=taxonomy.extract(description, title=title, tags=raw.tags or ()),
        salary=_salary(raw, description, country, posted_on),
        experience_years=_experience(raw, description),
        requisition_id=raw.requisition_id,
    )


def _location(raw: RawPosting) -> tuple[str | None, str | None, str | None]:
    stated = (raw.country or "").strip()
    if stated and len(stated) != 2:
        stated = parse_location(stated)[2] or ""  # a country name where a code was expected
    city, region, country = parse_location(raw.location, stated or None)
    if raw.city:
        # A structured city comes as the source spells it ("München", "București"): the
        # gazetteer's name makes one city one spelling, whichever board it came from.
        city = parse_location(raw.city, stated or country or None)[0] or raw.city
    return city, raw.region or region, stated.upper() or country


def _workplace(raw: RawPosting, title: str, description: str) -> str | None:
    # The location line and the title state the arrangement most reliably; a description
    # often mentions "remote" in passing (benefits, other offices), so it is read last.
    # A structured value wins, unless the source marks it as only its board's default
    # (RemoteOK says "remote" of every job): then what the posting itself says wins.
    structured = workplace(None, structured=raw.workplace)
    is_default = isinstance(raw.extra, dict) and raw.extra.get("workplace_is_default") is True
    found = None if is_default else structured
    for text in (raw.location, title, description):
        if found is not None:
            break
        found = workplace(text)
    return structured if found is None else found


def _salary(raw: RawPosting, description: str, country: str | None, on: date | None) -> Salary | None:
    board = BOARD_CURRENCIES.get(raw.source)
    found = from_structured(raw.salary, country=country, on=on, board_currency=board) if raw.salary else None
    if found is not None:
        # Structured pay wins, but a source's period can be wrong ($28–$34 filed as yearly);
        # re-read here, where the description is at hand, so every source gets the same check.
        found = with_plausible_period(found, description, on)
    if found is None and raw.salary_text:
        found = parse_salary(raw.salary_text, country=country, board_currency=board, on=on)
    if found is None:
        found = parse_salary(salary_in_text(description), country=country, board_currency=board, on=on)
    return found


def _experience(raw: RawPosting, description: str) -> float | None:
    months = raw.experience_months
    if isinstance(months, (int, float)) and not isinstance(months, bool) and 0 <= months < 600:
        return round(months / 12, 2)
    if raw.experience_text:
        found = min_years(raw.experience_text, about_experience=True)
        if found is not None:
            return found
    return min_years(description)
