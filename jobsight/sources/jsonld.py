"""schema.org JobPosting adapter: career pages with JSON-LD → RawPostings.

A page without any JobPosting is treated as a career index: its same-host links under the
page's own path are followed, so an index leads to its job pages.
"""
from __future__ import annotations

import json
import posixpath
from urllib.parse import urldefrag, urljoin, urlsplit


from jobsight.posting import ParseResult, RawPosting, Skip, StructuredSalary
from jobsight.sources.native import (
    load_html,
    DATA_ERRORS, NotThisLayout, country_code, join_nonempty, opt_dict,
    opt_number, opt_str, str_list, total_parse, unescape_once, utc_from_iso,
)

KIND = "jsonld"
_UNITS = {"HOUR": "hour", "DAY": "day", "WEEK": "week", "MONTH": "month", "YEAR": "year"}
_MAX_FOLLOW = 500


def start_urls(source: dict) -> list[str]:
    return [str(page) for page in source.get("pages") or []]


@total_parse
def parse(document: str | bytes, url: str, source: dict | None = None) -> ParseResult:
    tree = load_html(document)
    result = ParseResult()
    nodes: list[dict] = []
    for index, script in enumerate(tree.xpath('//script[translate(normalize-space(@type), '
                                              '"ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")'
                                              '="application/ld+json"]')):
        try:
            block = json.loads(_strip_wrappers(script.text or ""))
        except ValueError as exc:
            result.skipped.append(Skip(f"{url}#ld-{index}", f"invalid JSON-LD block: {exc}"))
            continue
        _collect(block, nodes)
    by_id = {node["@id"]: node for node in nodes if isinstance(node.get("@id"), str)}
    postings = [node for node in nodes if _is_job_posting(node)]
    for index, node in enumerate(postings):
        try:
            result.postings.append(_posting(node, by_id, url, index if len(postings) > 1 else None))
        except DATA_ERRORS as exc:
            result.skipped.append(Skip(f"{url}#{index}", f"malformed JobPosting: {exc}"))
    if not postings:
        result.follow = _links_below(tree, url)
        if not result.follow and not result.skipped:
            result.skipped.append(Skip(url, "no JobPosting JSON-LD and no job links"))
    return result


def _strip_wrappers(text: str) -> str:
    """Some CMSs wrap JSON-LD in HTML comments or CDATA markers."""
    text = text.strip()
    for opener, closer in (("<!--", "-->"), ("//<![CDATA[", "//]]>"), ("<![CDATA[", "]]>")):
        if text.startswith(opener) and text.endswith(closer):
            text = text[len(opener):-len(closer)].strip()
    return text


def _collect(value, nodes: list[dict], depth: int = 0) -> None:
    """Flatten lists and @graph wrappers into one list of typed nodes."""
    if depth > 20:
        return
    if isinstance(value, list):
        for item in value:
            _collect(item, nodes, depth + 1)
    elif isinstance(value, dict):
        nodes.append(value)
        if "@graph" in value:
            _collect(value["@graph"], nodes, depth + 1)


def _is_job_posting(node: dict) -> bool:
    kind = node.get("@type")
    return kind == "JobPosting" or (isinstance(kind, list) and "JobPosting" in kind)


def _posting(node: dict, by_id: dict, page_url: str, index: int | None) -> RawPosting:
    title = node.get("title") or node.get("name")
    title = title.strip() if isinstance(title, str) else None
    if not title:
        raise ValueError("missing title")
    identifier = _identifier(node.get("identifier"))
    job_url = opt_str(node.get("url")) or page_url
    source_id = identifier or (job_url if index is None or job_url != page_url else f"{page_url}#{index}")
    places = _places(node.get("jobLocation"), by_id)
    first = places[0] if places else {}
    remote = opt_str(node.get("jobLocationType")) == "TELECOMMUTE"
    applicant_locations = _names(node.get("applicantLocationRequirements"), by_id)
    experience = _resolve(node.get("experienceRequirements"), by_id)
    months = opt_number(opt_dict(experience).get("monthsOfExperience"))
    employment = node.get("employmentType")
    return RawPosting(
        source=KIND,
        source_id=source_id,
        url=job_url,
        title=title,
        company=_organisation(node.get("hiringOrganization"), by_id) or "",
        description=_description(node.get("description")),
        location=first.get("text") or join_nonempty(applicant_locations),
        country=country_code(first.get("country")),
        city=first.get("city"),
        region=first.get("region"),
        workplace="remote" if remote else None,
        employment_type=", ".join(str_list(employment)) or None,
        date_posted=utc_from_iso(node.get("datePosted")),
        requisition_id=identifier,
        salary=_salary(_resolve(node.get("baseSalary"), by_id)),
        experience_months=int(months) if months is not None and 0 <= months < 1200 else None,
        experience_text=opt_str(experience) if isinstance(experience, str) else None,
        tags=str_list(node.get("skills")) if isinstance(node.get("skills"), list) else [],
        extra={
            "valid_through": opt_str(node.get("validThrough")),
            "applicant_locations": applicant_locations,
            "locations": [place["text"] for place in places if place.get("text")],
        },
    )


def _resolve(value, by_id: dict):
    if isinstance(value, dict) and set(value) == {"@id"}:
        return by_id.get(value["@id"], value)
    return value


def _description(value) -> str:
    if not isinstance(value, str):
        return ""
    # Escaped HTML ("&lt;p&gt;") has no real tags; unescape it once. Real HTML is kept as is.
    if "&lt;" in value and "<" not in value:
        return unescape_once(value)
    return value


def _organisation(value, by_id: dict) -> str | None:
    value = _resolve(value, by_id)
    if isinstance(value, list) and value:
        value = _resolve(value[0], by_id)
    if isinstance(value, dict):
        return opt_str(value.get("name")) or opt_str(value.get("legalName"))
    return opt_str(value)


def _identifier(value) -> str | None:
    if isinstance(value, list) and value:
        value = value[0]
    if isinstance(value, dict):
        return opt_str(value.get("value")) or opt_str(value.get("@id")) or opt_str(value.get("name"))
    return opt_str(value)


def _names(value, by_id: dict) -> list[str]:
    names = []
    for item in value if isinstance(value, list) else [value]:
        item = _resolve(item, by_id)
        name = opt_str(item.get("name")) if isinstance(item, dict) else opt_str(item)
        if name:
            names.append(name)
    return names


def _places(value, by_id: dict) -> list[dict]:
    places = []
    for place in value if isinstance(value, list) else [value]:
        place = _resolve(place, by_id)
        if isinstance(place, str):
            places.append({"text": place.strip() or None})
            continue
        if not isinstance(place, dict):
            continue
        address = _resolve(place.get("address"), by_id)
        if isinstance(address, str):
            places.append({"text": opt_str(address)})
            continue
        address = opt_dict(address)
        country = address.get("addressCountry")
        if isinstance(country, dict):
            country = country.get("name") or country.get("identifier")
        city, region, country = (opt_str(address.get("addressLocality")),
                                 opt_str(address.get("addressRegion")), opt_str(country))
        places.append({"city": city, "region": region, "country": country,
                       "text": join_nonempty([city, region, country]) or opt_str(place.get("name"))})
    return places


def _salary(value) -> StructuredSalary | None:
    if not isinstance(value, dict):
        return None
    amount = value.get("value")
    currency = opt_str(value.get("currency"))
    if isinstance(amount, dict):
        low = opt_number(amount.get("minValue"))
        high = opt_number(amount.get("maxValue"))
        if low is None and high is None:
            low = high = opt_number(amount.get("value"))
        unit = opt_str(amount.get("unitText")) or opt_str(value.get("unitText"))
    else:
        low = high = opt_number(amount)
        unit = opt_str(value.get("unitText"))
    if low is None and high is None:
        return None
    return StructuredSalary(min=low, max=high, currency=currency,
                            period=_UNITS.get((unit or "").upper()), raw=unit or "")


def _links_below(tree, page_url: str) -> list[str]:
    page = urlsplit(page_url)
    if page.scheme not in {"http", "https"}:
        return []
    path = page.path or "/"
    # /careers and /careers/ both own /careers/...; /careers/index.html owns its directory.
    prefix = path if path.endswith("/") else (posixpath.dirname(path) + "/" if "." in posixpath.basename(path)
                                              else path + "/")
    links: list[str] = []
    seen = {urldefrag(page_url)[0]}
    for href in tree.xpath("//a/@href"):
        target = urldefrag(urljoin(page_url, str(href).strip()))[0]
        parts = urlsplit(target)
        if (parts.scheme in {"http", "https"} and parts.netloc == page.netloc
                and parts.path.startswith(prefix) and target not in seen):
            seen.add(target)
            links.append(target)
            if len(links) >= _MAX_FOLLOW:
                break
    return links
