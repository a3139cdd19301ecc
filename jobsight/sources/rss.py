"""RSS job-feed adapter (We Work Remotely style): feed items → RawPostings."""
from __future__ import annotations

from lxml import etree

from jobsight.posting import ParseResult, RawPosting, Skip
from jobsight.sources.native import NotThisLayout, DATA_ERRORS, opt_str, total_parse, utc_from_rfc822

KIND = "rss"
DEFAULT_BASE_URL = "https://weworkremotely.com"
DEFAULT_PATH = "/remote-jobs.rss"

# No entity expansion and no network: a feed must not make the parser fetch or explode.
_PARSER_OPTIONS = dict(resolve_entities=False, no_network=True, recover=True, huge_tree=False)


def start_urls(source: dict) -> list[str]:
    base = str(source.get("base_url") or DEFAULT_BASE_URL).rstrip("/")
    path = str(source.get("path") or DEFAULT_PATH)
    return [f"{base}{path if path.startswith('/') else '/' + path}"]


@total_parse
def parse(document: str | bytes, url: str, source: dict | None = None) -> ParseResult:
    data = document.encode("utf-8") if isinstance(document, str) else document
    # The parser is per call: lxml parsers are not safe to share across threads.
    try:
        root = etree.fromstring(data, etree.XMLParser(**_PARSER_OPTIONS))
    except etree.XMLSyntaxError as exc:
        raise NotThisLayout(f"not XML ({exc})") from None
    if root is None:
        raise NotThisLayout("not XML")
    items = [el for el in root.iter() if isinstance(el.tag, str) and etree.QName(el).localname == "item"]
    if not items and etree.QName(root).localname not in {"rss", "RDF", "channel"}:
        raise NotThisLayout(f"root element is <{etree.QName(root).localname}>, not an RSS feed")
    workplace = (source or {}).get("workplace")
    result = ParseResult()
    for index, item in enumerate(items):
        try:
            result.postings.append(_posting(_children(item), url, workplace))
        except DATA_ERRORS as exc:
            result.skipped.append(Skip(f"{url}#{index}", f"malformed item: {exc}"))
    return result


def _children(item) -> dict[str, str]:
    """Child texts by local name, so namespaced feeds read the same as plain ones."""
    fields: dict[str, str] = {}
    for child in item:
        if not isinstance(child.tag, str):
            continue
        name = etree.QName(child).localname.lower()
        text = (child.text or "").strip() if len(child) == 0 else "".join(child.itertext()).strip()
        if name == "category":
            fields["category"] = f"{fields['category']}\n{text}" if "category" in fields else text
        elif text and name not in fields:
            fields[name] = text
    return fields


def _posting(fields: dict[str, str], feed_url: str, workplace: str | None) -> RawPosting:
    full_title = opt_str(fields.get("title"))
    if not full_title:
        raise ValueError("missing title")
    company, colon, title = full_title.partition(":")
    if not colon or not title.strip():
        company, title = fields.get("company", ""), full_title
    link = opt_str(fields.get("link"))
    source_id = opt_str(fields.get("guid")) or link
    if not source_id:
        raise ValueError("missing guid and link")
    region = opt_str(fields.get("region"))
    if workplace is None and region:
        # <region> is We Work Remotely's own element, and WWR lists only remote jobs: "USA Only"
        # says where the remote worker may live, not where an office is. A plain RSS feed has
        # no <region>, so its postings keep an unknown workplace for the text to settle.
        workplace = "remote"
    return RawPosting(
        source=KIND,
        source_id=source_id,
        url=link or feed_url,
        title=title.strip(),
        company=company.strip(),
        # The XML parser has already undone the entity encoding (or CDATA): this is the HTML.
        description=fields.get("description") or fields.get("encoded", ""),
        location=region or opt_str(fields.get("location")),
        workplace=workplace,
        employment_type=opt_str(fields.get("type")),
        date_posted=utc_from_rfc822(fields.get("pubdate")),
        tags=[tag for tag in (fields.get("category") or "").split("\n") if tag],
        extra={"region": region},
    )
