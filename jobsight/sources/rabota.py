"""rabota.md adapter (Moldova, HTML in Romanian): listing pages → detail pages → RawPostings."""
from __future__ import annotations

import re
import unicodedata
from datetime import datetime, timezone
from urllib.parse import urljoin

from lxml import etree

from jobsight.posting import ParseResult, RawPosting, Skip
from jobsight.sources.native import NotThisLayout, load_html, max_pages, total_parse

KIND = "rabota"
DEFAULT_BASE_URL = "https://www.rabota.md"
DEFAULT_CATEGORY = "it"

_LISTING_URL = re.compile(r"^(.*/vacancies/category/[^/?#]+/)(\d+)/?(?:[?#].*)?$")
_NUMERIC_ID = re.compile(r"(\d{3,})")
_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_CARDS = ('//div[contains(concat(" ", normalize-space(@class), " "), " vacancy-list ")]'
          '//div[contains(concat(" ", normalize-space(@class), " "), " vacancyCardItem ")'
          ' and contains(concat(" ", normalize-space(@class), " "), " previewCard ")]')


def _cls(name: str) -> str:
    return f'contains(concat(" ", normalize-space(@class), " "), " {name} ")'


def start_urls(source: dict) -> list[str]:
    base = str(source.get("base_url") or DEFAULT_BASE_URL).rstrip("/")
    category = source.get("category") or DEFAULT_CATEGORY
    return [f"{base}/ro/vacancies/category/{category}/1"]


@total_parse
def parse(document: str | bytes, url: str, source: dict | None = None) -> ParseResult:
    tree = load_html(document)
    detail = tree.xpath(f"//div[{_cls('vc_detail')}]")
    if detail:
        return _detail(detail[0], url)
    return _listing(tree, url, source)


def _listing(tree, url: str, source: dict | None) -> ParseResult:
    match = _LISTING_URL.match(url)
    page = int(match.group(2)) if match else 1
    if not tree.xpath(f"//div[{_cls('vacancy-list')}]"):
        if page > 1:
            return ParseResult()  # past the last page the list is simply gone
        raise NotThisLayout("neither a vacancy list nor a vacancy detail page")
    result = ParseResult()
    cards = tree.xpath(_CARDS)
    for index, card in enumerate(cards):
        hrefs = [href for href in card.xpath(".//a/@href") if _NUMERIC_ID.search(href)]
        if not hrefs:
            result.skipped.append(Skip(f"{url}#card-{index}", "card without a vacancy link"))
            continue
        target = urljoin(url, hrefs[0].strip())
        if target not in result.follow:
            result.follow.append(target)
    if cards and match and page < max_pages(source):
        result.follow.append(f"{match.group(1)}{page + 1}")
    return result


def _detail(detail, url: str) -> ParseResult:
    top = _first(detail, f".//div[{_cls('top-info')}]")
    scope = top if top is not None else detail
    title = _text(_first(scope, ".//h1"))
    if not title:
        return ParseResult(skipped=[Skip(url, "layout changed: detail page without h1 title")])
    id_match = _NUMERIC_ID.findall(url.split("?")[0])
    vacancy_id = _first(scope, f".//span[{_cls('vacancy-id')}]")
    if not id_match and vacancy_id is not None:
        id_match = _NUMERIC_ID.findall(vacancy_id.text or "")
    if not id_match:
        return ParseResult(skipped=[Skip(url, "no numeric vacancy id in the URL")])
    rows = _summary(detail)
    summary = {_label_key(label): value for label, value in rows}
    location = _pick(summary, "locul de munca", "oras", "localitate")
    return ParseResult(postings=[RawPosting(
        source=KIND,
        source_id=id_match[-1],
        url=url,
        title=title,
        company=_text(_first(scope, f".//span[{_cls('company-name')}]")) or "",
        description=_description(detail),
        location=location,
        country="MD",
        workplace=_workplace(location, _pick(summary, "program de munca", "program")),
        employment_type=_pick(summary, "program de munca", "program", "tip de angajare"),
        date_posted=_date(vacancy_id),
        salary_text=_pick(summary, "salariu"),
        experience_text=_pick(summary, "experienta de munca", "experienta"),
        extra={"summary": dict(rows)},
    )])


def _first(node, xpath: str):
    found = node.xpath(xpath)
    return found[0] if found else None


def _text(node) -> str | None:
    if node is None:
        return None
    text = " ".join(node.text_content().split())
    return text or None


def _summary(detail) -> list[tuple[str, str]]:
    """Rows of the summary box are (label, value) span pairs."""
    rows = []
    for summary in detail.xpath(f".//div[{_cls('summary')}]"):
        for row in summary.iter():
            spans = [child for child in row if child.tag == "span"]
            if len(spans) >= 2:
                label, value = _text(spans[0]), _text(spans[1])
                if label and value:
                    rows.append((label.rstrip(":").strip(), value))
    return rows


def _label_key(label: str) -> str:
    # Labels come with and without diacritics ("muncă"/"munca", "ț"/"ţ").
    decomposed = unicodedata.normalize("NFKD", label.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).strip()


def _pick(summary: dict[str, str], *keys: str) -> str | None:
    for key in keys:
        if key in summary:
            return summary[key]
    return None


def _workplace(*values: str | None) -> str | None:
    text = _label_key(" ".join(v for v in values if v))
    if "hibrid" in text or "hybrid" in text:
        return "hybrid"
    if "distanta" in text or "remote" in text:
        return "remote"
    return None


def _date(vacancy_id) -> datetime | None:
    if vacancy_id is None:
        return None
    match = _DATE.search(vacancy_id.text_content())
    if not match:
        return None
    day, month, year = (int(part) for part in match.groups())
    try:
        return datetime(year, month, day, tzinfo=timezone.utc)
    except ValueError:
        return None


def _description(detail) -> str:
    """The detail block minus its header, summary and "similar jobs" lists, as HTML."""
    parts = []
    for child in detail:
        if not isinstance(child.tag, str):
            continue
        classes = (child.get("class") or "").lower()
        if any(word in classes for word in ("top-info", "summary", "similar", "vacancycarditem")):
            continue
        for unwanted in child.xpath('.//*[contains(translate(@class, "SIMLAR", "simlar"), "similar")]'):
            unwanted.drop_tree()
        parts.append(etree.tostring(child, encoding="unicode", method="html", with_tail=False).strip())
    return "\n".join(part for part in parts if part)
