"""Classify where and how a job is done: workplace (remote/hybrid/onsite), employment type, seniority.

Each function reads free text in English, Romanian or German and answers None rather than
guess when the text says nothing; a source's structured value, when given, wins.
"""
from __future__ import annotations

import re

from jobsight.normalize.patterns import GuardedPattern, lower_same_length

_STRUCTURED_WORKPLACE = {
    "remote": "remote", "fully remote": "remote", "telecommute": "remote", "work from home": "remote",
    "wfh": "remote", "home office": "remote", "homeoffice": "remote", "distributed": "remote",
    "hybrid": "hybrid", "flexible": "hybrid", "partially remote": "hybrid",
    "onsite": "onsite", "on-site": "onsite", "on site": "onsite", "in-office": "onsite",
    "in office": "onsite", "office": "onsite", "in-person": "onsite", "in person": "onsite",
}

_NOT_REMOTE = GuardedPattern(
    r"\b(?:not|no|non|never)[\s-]+(?:a\s+|fully\s+|100%\s+)?remote\b|\bremote\s+(?:work\s+)?(?:is\s+)?not\s+"
    r"(?:possible|available|an\s+option|offered)|\bno\s+(?:wfh|work\s+from\s+home|home\s*office)\b"
    r"|\bkein(?:e)?\s+(?:remote|home\s*office)\b"
    r"|\bnu\s+(?:lucr[ăa]m|oferim|este)\s+(?:remote|de\s+la\s+distan[țţt][ăa])"
    r"|\bremote\s+work\s+is\s+not\b|\bthis\s+is\s+not\s+a\s+remote\b",
    hints=("remote", "wfh", "work from home", "home", "distan"),
)
_HYBRID = GuardedPattern(
    r"\bhybrid\b|\bhibrid\b|\bhybride[sn]?\b"
    r"|\b(?:\d|one|two|three|four|1-2|2-3|3-4)\s+days?\s+(?:a\s+|per\s+|each\s+)?(?:week\s+)?"
    r"(?:in|at|from)\s+(?:the\s+|our\s+)?office\b"
    r"|\b(?:\d|one|two|three|four)\s+days?\s+(?:a\s+|per\s+)?(?:week\s+)?(?:remote|from\s+home|wfh)\b"
    r"|\bremote\s+(?:\d|one|two|three|four)\s+days?\b|\bpartially\s+remote\b|\bpartly\s+remote\b"
    r"|\b(?:\d)\s+tage?\s+(?:pro\s+woche\s+)?(?:im\s+b[üu]ro|homeoffice|home\s+office)\b"
    r"|\bteilweise\s+(?:remote|homeoffice|home\s+office)\b|\bmix\s+of\s+(?:remote|office)\b"
    r"|\b(?:\d)\s+zile\s+(?:pe\s+s[ăa]pt[ăa]m[âa]n[ăa]\s+)?(?:la\s+birou|de\s+acas[ăa]|remote)\b",
    hints=("hybrid", "hibrid", "office", "remote", "home", "wfh", "büro", "buro", "mix of", "zile"),
)
_REMOTE = GuardedPattern(
    r"\bremote(?:ly)?\b|\bremote[- ](?:first|friendly|only|ok)\b|\bwork\s+from\s+(?:home|anywhere)\b|\bwfh\b"
    r"|\btelecommut\w*|\bhome\s*office\b|\b100\s*%\s*(?:remote|home\s*office)\b|\bfully\s+distributed\b"
    r"|\banywhere\b|\bworldwide\b|\bfernarbeit\b|\bmobiles\s+arbeiten\b"
    r"|\bde\s+la\s+distan[țţt][ăa]\b|\bla\s+distan[țţt][ăa]\b|\bde\s+acas[ăa]\b|\btelemunc[ăa]\b",
    hints=("remote", "work from", "wfh", "telecommut", "home", "distributed", "anywhere", "worldwide",
           "fernarbeit", "mobiles", "distan", "acas", "telemunc"),
)
_ONSITE = GuardedPattern(
    r"\bon[- ]?site\b|\bin[- ]office\b|\boffice[- ]based\b|\bin[- ]person\b|\bat\s+(?:our|the)\s+office\b"
    r"|\bfrom\s+(?:our|the)\s+office\b|\bvor\s+ort\b|\bpr[äa]senz\w*|\bim\s+b[üu]ro\b"
    r"|\bla\s+birou\b|\b[îi]n\s+oficiu\b|\bfizic\s+la\b",
    hints=("site", "office", "person", "vor ort", "senz", "büro", "buro", "birou", "oficiu", "fizic"),
)


def workplace(text: str | None, structured: str | None = None) -> str | None:
    """``"remote"``, ``"hybrid"``, ``"onsite"`` or None, the structured value winning.

    In free text an explicit "not remote" means onsite, any hybrid wording beats a bare
    "remote" (a hybrid posting says remote too), and "remote-friendly" counts as remote.
    """
    if structured:
        key = " ".join(str(structured).strip().lower().replace("_", " ").split())
        if key in _STRUCTURED_WORKPLACE:
            return _STRUCTURED_WORKPLACE[key]
    if not text:
        return None
    lowered = lower_same_length(text)
    if _NOT_REMOTE.search(text, lowered):
        return "hybrid" if _HYBRID.search(text, lowered) else "onsite"
    if _HYBRID.search(text, lowered):
        return "hybrid"
    if _REMOTE.search(text, lowered):
        return "remote"
    if _ONSITE.search(text, lowered):
        return "onsite"
    return None


# The earliest mention wins, so "Full-time (contract possible)" is full_time.
_EMPLOYMENT = [
    ("internship", r"\bintern(?:ship)?s?\b|\bpraktik(?:um|ant(?:in)?)\b|\bstagiar[ăa]?\b|\bstagiu\s+de\s+practic[ăa]\b"
                   r"|\btrainee(?:ship)?\b|\bwerkstudent(?:in)?\b|\bworking student\b|\bapprentice(?:ship)?\b"),
    ("contract", r"\bcontract(?:or|ors)?\b|\bfreelanc\w*|\bb2b\b|\bc2c\b|\bcorp[- ]to[- ]corp\b|\b1099\b"
                 r"|\bconsultant role\b|\bself[- ]employed\b|\bfreiberuf\w*|\bpfa\b"),
    ("temporary", r"\btemp(?:orary)?\b|\bseasonal\b|\bfixed[- ]term\b|\bbefristet\w*|\bsezonier\b"
                  r"|\bperioad[ăa]\s+determinat[ăa]\b"
                  r"|\bîn\s+afara\s+sezonului\b|\baushilfe\b"),
    ("part_time", r"\bpart[- _]?time\b|\bteilzeit\b|\bminijob\b|\bjum[ăa]tate\s+de\s+norm[ăa]\b"
                  r"|\bnorm[ăa]\s+(?:par[țţt]ial[ăa]|redus[ăa])\b"),
    ("full_time", r"\bfull[- _]?time\b|\bvollzeit\b|\bnorm[ăa]\s+(?:[îi]ntreag[ăa]|complet[ăa]|deplin[ăa])\b"
                  r"|\bpermanent\b|\bfestanstellung\b|\bunbefristet\b|\bcdi\b"),
]
# Short hints that each cover several spellings ("time": part-time, full time, fulltime ...):
# every hint costs one scan of the text, and a common one only costs a few small windows.
_EMPLOYMENT_HINTS = {
    "internship": ("intern", "praktik", "stagi", "trainee", "werkstudent", "working student", "apprentic"),
    "contract": ("contract", "freelanc", "b2b", "c2c", "corp", "1099", "self", "freiberuf", "pfa", "consultant role"),
    "temporary": ("temp", "seasonal", "fixed", "befrist", "sezon", "determinat", "aushilfe"),
    "part_time": ("time", "teilzeit", "minijob", "norm"),
    "full_time": ("time", "vollzeit", "norm", "permanent", "festanstellung", "unbefrist", "cdi"),
}
# One alternation with a named group per type: the leftmost mention wins, and at the same
# position the type listed first.
_EMPLOYMENT_PATTERN = GuardedPattern(
    "|".join(f"(?P<{kind}>{pattern})" for kind, pattern in _EMPLOYMENT),
    tuple(hint for kind, _ in _EMPLOYMENT for hint in _EMPLOYMENT_HINTS[kind]),
)
# "Contract" that names the paperwork of any job, not a contract engagement.
_CONTRACT_FALSE = re.compile(
    r"\b(employment|work|permanent|labou?r|full[- ]time|indefinite|unlimited|open-ended)\s+contract\b"
    r"|\bcontract\s+(?:de\s+munc[ăa]|individual|pe\s+perioad[ăa]\s+nedeterminat[ăa])|\bsmart\s+contracts?\b",
    re.IGNORECASE,
)


def employment_type(text: str | None) -> str | None:
    """``full_time``, ``part_time``, ``contract``, ``internship``, ``temporary`` or None."""
    if not text:
        return None
    lowered = lower_same_length(text)
    if "contract" in lowered:
        text = _CONTRACT_FALSE.sub(lambda m: m.group(1) or " ", text)
        lowered = lower_same_length(text)
    match = _EMPLOYMENT_PATTERN.search(text, lowered)
    return match.lastgroup if match else None


# Titles are checked from the most specific level down, so "Senior Team Lead" is lead
# and "Senior Intern" would still be intern.
_SENIORITY = [
    ("intern", r"\bintern(?:ship)?\b|\bpraktikant(?:in)?\b|\bstagiar[ăa]?\b|\btrainee\b"
               r"|\bwerkstudent(?:in)?\b|\bapprentice\b"),
    ("lead", r"\blead\b|\bleader\b|\bleiter(?:in)?\b|\bteamleiter\w*|\bhead\s+of\b|\bprincipal\b|\bstaff\b|\bchief\b"
             r"|\bdirector\b|\bvp\b|\bvice\s+president\b|\bcto\b|\bengineering\s+manager\b|\bteam\s+manager\b"
             r"|\barchitect\b|\bconduc[ăa]tor\b|\bșef\b|\bsef\b|\bcoordonator\b"),
    ("senior", r"\bsenior\b|\bsr\.?(?!\w)|\bexpert\b|\biii\b|\biv\b|\bsenior-level\b"),
    ("mid", r"\bmid(?:dle)?(?:[- ]?(?:level|senior|weight))?\b|\bintermediate\b|\bii\b|\bregular\b"
            r"|\bmedior\b|\bmiddle\b"),
    ("junior", r"\bjunior\b|\bjr\.?(?!\w)|\bentry[- ]level\b|\bgraduate\b|\bberufseinsteiger\w*|\bnew\s+grad\b"
               r"|\bbeginner\b|\bîncep[ăa]tor\b|\bincepator\b|\bassociate\b|\bi\b"),
]
_SENIORITY_PATTERNS = [(level, re.compile(p, re.IGNORECASE)) for level, p in _SENIORITY]
_LEAD_GENERATION = re.compile(r"\blead\s+gen(?:eration)?\b", re.IGNORECASE)  # a sales job, not a level
_TEXT_SENIORITY = GuardedPattern(
    r"\b(?:seniority(?:\s+level)?|level|experience\s+level|nivel(?:ul)?|erfahrungslevel)\s*[:\-]\s*"
    r"(intern(?:ship)?|junior|entry[- ]level|mid(?:dle)?(?:[- ]level)?|intermediate|senior|lead|principal)\b"
    r"|\b(entry|junior|mid|senior)[- ]level\s+(?:position|role|candidates?)\b",
    hints=("level", "nivel", "seniority"),
)
_TEXT_WORD = {"internship": "intern", "entry-level": "junior", "entry level": "junior", "entry": "junior",
              "middle": "mid", "mid-level": "mid", "mid level": "mid", "intermediate": "mid", "principal": "lead"}


def seniority(title: str | None, text: str = "") -> str | None:
    """``intern``, ``junior``, ``mid``, ``senior``, ``lead`` or None, from the title first.

    The description only counts when it states the level outright ("Seniority: Senior",
    "entry-level position"); years of experience are not turned into a level.
    """
    if title:
        # Roman numerals only count at the end of a title ("Engineer II"), not as words.
        for level, pattern in _SENIORITY_PATTERNS:
            for match in pattern.finditer(title):
                token = match.group(0).lower()
                if token in ("i", "ii", "iii", "iv") and title[match.end():].strip(" )-,") != "":
                    continue
                if token in ("i", "ii", "iii", "iv") and match.group(0) != match.group(0).upper():
                    continue
                if token == "lead" and _LEAD_GENERATION.search(title):
                    continue
                return level
    if text:
        match = _TEXT_SENIORITY.search(text)
        if match:
            word = (match.group(1) or match.group(2)).lower()
            return _TEXT_WORD.get(word, word if word in ("intern", "junior", "mid", "senior", "lead") else None)
    return None
