"""Turn a source's description (HTML, entity-escaped HTML or plain text) into clean plain text.

``html_to_text`` keeps the paragraph and list structure as line breaks; ``strip_boilerplate``
drops the lines that are about the page or the employer's legal duties rather than the job, so
later steps (skills, experience, salary) do not read them.
"""
from __future__ import annotations

import html
import re

import lxml.etree
import lxml.html

from jobsight.normalize.patterns import lower_same_length

_REAL_TAG = re.compile(r"<(?:!--|![a-zA-Z]|/?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>)")
_ESCAPED_TAG = re.compile(r"&lt;/?[a-zA-Z][a-zA-Z0-9]*(?:\s|&gt;|/)")

_BLOCK_TAGS = frozenset(
    "p div br li ul ol h1 h2 h3 h4 h5 h6 tr table section article header footer pre blockquote "
    "dl dt dd hr nav aside main form figure figcaption address details summary".split()
)


def _tag_names(names) -> str:
    # Both cases spelled out: a case-sensitive pattern scans several times faster than
    # IGNORECASE, and HTML in the wild is written in lower or upper case, not mixed.
    return "|".join(sorted({n for name in names for n in (name, name.upper())}, key=len, reverse=True))


# Block tags are replaced by line breaks before parsing (list items by "- "), so libxml2
# serializes the text in one call; walking the tree in Python costs several times more.
_LIST_ITEM = re.compile(r"<(?:li|LI)(?:\s[^<>]*)?>")
_BLOCK = re.compile(rf"</?(?:{_tag_names(_BLOCK_TAGS)})(?:\s[^<>]*)?/?>")
_CELL = re.compile(rf"</?(?:{_tag_names(('td', 'th'))})(?:\s[^<>]*)?>")
_DROP_TAGS = ("script", "style", "noscript", "template", "svg", "head", "iframe", "button")
# Odd spaces become plain ones and runs of spaces collapse (str.replace beats a regex here);
# then spaces around line breaks and blank lines go.
_ODD_SPACE = re.compile(r"[\t\f\v\u00a0\u2000-\u200b\u202f\u205f\u3000]")
_LINE_BREAKS = re.compile(r"\n[\n ]*| \n[\n ]*")


def html_to_text(html_text: str | None) -> str:
    """Plain text of an HTML fragment, one line per paragraph, heading or list item.

    Greenhouse and HN send HTML whose tags are entity-escaped (``&lt;p&gt;``); when a text has
    no real tags but escaped ones, it is unescaped once before parsing. Plain text passes
    through with its line breaks and entities resolved.
    """
    if not html_text:
        return ""
    text = html_text
    if not _REAL_TAG.search(text):
        if not _ESCAPED_TAG.search(text):
            return _tidy(html.unescape(text) if "&" in text else text)
        text = html.unescape(text)
    text = _BLOCK.sub("\n", _LIST_ITEM.sub("\n- ", text))
    if "<t" in text or "<T" in text:
        text = _CELL.sub(" ", text)  # cells of a row must not run together into one word
    if not _REAL_TAG.search(text):
        return _tidy(html.unescape(text))
    try:
        root = lxml.html.fragment_fromstring(text, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return _tidy(html.unescape(_REAL_TAG.sub(" ", text)))
    lxml.etree.strip_elements(root, *_DROP_TAGS, lxml.etree.Comment, with_tail=False)
    return _tidy(lxml.etree.tostring(root, method="text", encoding="unicode"))


def _tidy(text: str) -> str:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _ODD_SPACE.sub(" ", text)
    while "  " in text:
        text = text.replace("  ", " ")
    return _LINE_BREAKS.sub("\n", text).strip()


# A line is boilerplate when it matches one of these; each family is about the page or the
# employer's legal notices, never about what the job requires.
_BOILERPLATE_LINE = re.compile(
    r"""
    \b(?:
        equal[ -]opportunit(?:y|ies)(?:\s+(?:employer|workplace))? | \beeo\b | e\.e\.o\.
      | affirmative\s+action | without\s+regard\s+to\s+(?:race|age|sex|gender|religion)
      | regardless\s+of\s+(?:race|age|gender|religion|sexual)
      | (?:race|colou?r),\s+(?:colou?r|religion|creed)
      | reasonable\s+accommodations?
      | e-?verify | pay\s+transparency\s+(?:act|nondiscrimination)
      | we\s+(?:use|store)\s+cookies | this\s+(?:site|website)\s+uses\s+cookies
      | cookie\s+(?:policy|settings|preferences|consent) | accept\s+(?:all\s+)?cookies
      | privacy\s+(?:policy|notice|statement) | terms\s+(?:of\s+(?:use|service)|and\s+conditions)
      | all\s+rights\s+reserved | ©\s*\d{4} | copyright\s+(?:©\s*)?\d{4}
      | share\s+(?:this\s+)?(?:job|on\s+(?:linkedin|facebook|twitter|x)) | back\s+to\s+(?:jobs|search|top)
      | (?:follow|find|connect\s+with|join|star)\s+us\s+on\s+(?:github|gitlab|linkedin|twitter|x|facebook|
            instagram|youtube|mastodon|bluesky|medium|discord|slack)\b
      | apply\s+(?:now|for\s+this\s+job)\s*$ | sign\s+in\s+to | log\s*in\s+to\s+(?:apply|save)
      | report\s+this\s+job | save\s+(?:this\s+)?job
      | datenschutz(?:erklärung)? | impressum | chancengleichheit | gleichbehandlung
      | gem[äa](?:ß|ss)\s+(?:der\s+)?dsgvo | (?:bewerbungs)?daten\s+(?:werden|verarbeiten|behandeln)\b
      | sexuelle[rn]?\s+identit[äa]t
      | (?:process|handle|store)\w*\s+(?:your|applicants['’]?|candidates['’]?)\s+(?:personal\s+)?data
      | (?:date(?:le)?\s+personale|datele\s+candida[țţt]ilor)[^.]{0,40}prelucrate | prelucrate\s+conform
      | ohne\s+ansehen\s+(?:von|des|der) | diskriminierungsfrei
      | politica\s+de\s+confiden[țţt]ialitate | (?:folosim|utiliz[ăa]m)\s+cookie
      | date(?:le)?\s+cu\s+caracter\s+personal | prelucrarea\s+datelor
    )""",
    re.IGNORECASE | re.VERBOSE,
)

# Headings after which the rest of the page is not the job (other listings, site footer).
_TAIL_HEADING = re.compile(
    r"""^\W*(?:
        similar\s+(?:jobs|positions|vacancies|roles|offers) | related\s+(?:jobs|positions|vacancies)
      | more\s+jobs(?:\s+(?:at|from|like\s+this))? | other\s+jobs | you\s+may\s+also\s+like
      | people\s+also\s+(?:viewed|applied) | recommended\s+jobs | jobs\s+you\s+might\s+like
      | [îi]n\s+aceea[șşs]i\s+categorie | posturi\s+similare | (?:joburi|locuri\s+de\s+munc[ăa]|vacan[țţt]e)\s+similare
      | alte\s+(?:joburi|vacan[țţt]e|locuri\s+de\s+munc[ăa])
      | [äa]hnliche\s+(?:jobs|stellen(?:angebote)?) | weitere\s+(?:jobs|stellen(?:angebote)?)
    )\W*""",
    re.IGNORECASE | re.VERBOSE,
)

# Short lines that are only site navigation or sharing widgets.
_NAV_LINE = re.compile(
    r"""^\W*(?:
        home | jobs | search | menu | login | log\s*in | sign\s*in | sign\s*up | register | post\s+a\s+job
      | for\s+employers | companies | blog | contact(?:\s+us)? | about(?:\s+us)? | help | faq
      | share | tweet | print | next | previous | back | apply | apply\s+now | save | skip\s+to\s+content
      | acas[ăa] | c[ăa]utare | autentificare | [îi]nregistrare | locuri\s+de\s+munc[ăa] | aplic[ăa]
      | startseite | anmelden | registrieren | suche | jetzt\s+bewerben | teilen
    )(?:\s*[|/·•>»]\s*\w[\w ]{0,20})*\W*$""",
    re.IGNORECASE | re.VERBOSE,
)


# Substrings at least one of which every boilerplate, tail-heading or navigation line
# contains; lines without any are kept without running the (much slower) regexes.
_BOILERPLATE_HINTS = (
    "opportunit", "eeo", "e.e.o", "affirmative", "regard", "religion", "creed", "accommodat",
    "verify", "transparency", "cookie", "privacy", "terms", "rights reserved", "©", "copyright",
    "share", "back to", "us on", "apply", "sign in", "log in", "login", "report this", "save",
    "datenschutz", "impressum", "chancengleich", "gleichbehandlung", "ansehen", "diskriminier",
    "confiden", "caracter personal", "prelucrarea", "dsgvo", "ihre daten", "bewerbungsdaten", "identität", "identitat",
    "personal data", "applicant data", "candidate data", "prelucrate",
)
_TAIL_HINTS = (
    "similar", "related", "more jobs", "other jobs", "also like", "also viewed", "also applied",
    "recommended", "might like", "aceea", "similare", "alte ", "hnliche", "weitere",
)


def strip_boilerplate(text: str) -> str:
    """Drop navigation, cookie/legal/equal-opportunity lines and 'similar jobs' tails."""
    if not text:
        return ""
    lowered = lower_same_length(text)
    boiler_hints = [hint for hint in _BOILERPLATE_HINTS if hint in lowered]
    tail_hints = [hint for hint in _TAIL_HINTS if hint in lowered]
    kept: list[str] = []
    for line, low in zip(text.split("\n"), lowered.split("\n")):
        stripped = line.strip()
        size = len(stripped)
        if not size:
            continue
        if size <= 60:
            if tail_hints and _has_any(low, tail_hints) and _TAIL_HEADING.match(stripped):
                break
            if size <= 40 and _NAV_LINE.match(stripped):
                continue
        if boiler_hints and _has_any(low, boiler_hints) and _BOILERPLATE_LINE.search(stripped):
            continue
        kept.append(stripped)
    return "\n".join(kept)


def _has_any(text: str, hints: list[str]) -> bool:
    for hint in hints:
        if hint in text:
            return True
    return False
