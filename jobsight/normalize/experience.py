"""Read the minimum years of experience a posting asks for, in English, Romanian and German.

A number of years only counts inside a sentence that talks about experience (or is phrased as
a requirement, "3+ years", "at least 2 years"), so "founded 10 years ago" is not read as one.
The first requirement stated wins: postings lead with the main one ("3+ years of backend
experience; 1+ year with AWS" → 3).
"""
from __future__ import annotations

import re

from jobsight.normalize.patterns import GuardedPattern, lower_same_length

_NUMBER_WORDS = {
    # English
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    # Romanian
    "un": 1, "unu": 1, "una": 1, "doi": 2, "două": 2, "doua": 2, "trei": 3, "patru": 4,
    "cinci": 5, "șase": 6, "şase": 6, "sase": 6, "șapte": 7, "şapte": 7, "sapte": 7, "opt": 8,
    "nouă": 9, "noua": 9, "zece": 10,
    # German
    "ein": 1, "einem": 1, "einen": 1, "eins": 1, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5,
    "fuenf": 5, "sechs": 6, "sieben": 7, "acht": 8, "neun": 9, "zehn": 10, "elf": 11, "zwölf": 12,
}
_WORD_ALTERNATION = "|".join(sorted((re.escape(w) for w in _NUMBER_WORDS), key=len, reverse=True))
_NUM = rf"(?:\d{{1,2}}(?:[.,]5)?|{_WORD_ALTERNATION})"

_YEARS = r"(?:years?|yrs?|y\.?o\.?e\.?|ani|an|anul|jahren?|jahr)"
_MONTHS = r"(?:months?|mos?|luni|lun[ăa]|monaten?|monat)"

# "3+ years", "2-4 years", "at least five years", "de la 3 ani", "mindestens 2 Jahre", "6 months".
_MENTION = re.compile(
    rf"""(?<![\w.])(?P<lo>{_NUM})\s*(?:\+|plus)?\s*
        (?:(?:-|–|—|to|or|bis|până\s+la|pana\s+la|la|sau|oder)\s*(?P<hi>{_NUM})\s*\+?\s*)?
        (?:(?:or|and|sau|oder)\s+(?:more|above|mai\s+mult|mehr)\s*)?
        (?:(?P<years>{_YEARS})|(?P<months>{_MONTHS}))(?![\w])""",
    re.VERBOSE,
)

_EXPERIENCE_WORDS = re.compile(
    r"(?:experience|experienced|exp\b|expertise|background|track\s+record|hands-on|professional|"
    r"commercial|industry|working\s+(?:with|in|as|on)|work(?:ing)?\s+experience|in\s+a\s+similar|"
    r"in\s+(?:the\s+)?(?:role|field|position)|as\s+an?\s|of\s+(?:\w+\s+){0,3}(?:development|engineering|"
    r"programming|design|testing|management|sales|support)|"
    r"experien[țţt][ăa]|experienta|vechime|stagiu|[îi]n\s+domeniu|[îi]n\s+(?:dezvoltare|programare)|"
    r"erfahrung|berufserfahrung|praxis|berufspraxis)",
)
_REQUIREMENT_CUES = re.compile(
    r"(?:\+|\bplus\b|at\s+least|minimum|min\.|no\s+less\s+than|over|more\s+than|upwards\s+of|"
    r"mindestens|mind\.|über|uber|mehr\s+als|de\s+la|minim(?:um)?|cel\s+pu[țţt]in|peste)",
)
_NOT_EXPERIENCE = re.compile(
    r"\b(?:ago|founded|since|history|old|established|anniversary|in\s+business|past|last|next|"
    r"warranty|contract\s+(?:term|length|duration)|fixed[- ]term|probation|vesting|"
    r"vor\b|gegr[üu]ndet|seit\b|[îi]n\s+urm[ăa]|[îi]nfiin[țţt]at|fondat|age|aged|alter|v[âa]rst[ăa])",
)
_ZERO = GuardedPattern(
    r"no\s+(?:prior\s+|previous\s+|professional\s+|work\s+)?experience\s+(?:is\s+)?"
    r"(?:required|necessary|needed|neccessary)"
    r"|no\s+(?:prior\s+|previous\s+)?experience\s*(?:[,.;:)!?]|$)"
    r"|without\s+(?:prior\s+|previous\s+)?experience"
    # "Experience is not required", but not "React experience is not required": a skill's
    # experience being optional says nothing about experience in general.
    # (The look-behinds sit after the literal so the engine only tries them at "experience".)
    r"|experience(?:(?<![\w+#][ \t]experience)|(?<=prior experience)|(?<=previous experience)"
    r"|(?<=professional experience)|(?<=work experience)|(?<=any experience)|(?<=relevant experience)"
    r"|(?<=formal experience)|(?<=industry experience)|(?<=commercial experience))\s+(?:is\s+)?not\s+required"
    r"|entry[- ]level|graduates?\s+welcome|f[ăa]r[ăa]\s+experien[țţt][ăa]|fara\s+experienta"
    r"|nu\s+(?:este\s+)?necesar[ăa]\s+experien[țţt][ăa]|experien[țţt][ăa]\s+nu\s+este\s+necesar[ăa]"
    r"|keine\s+(?:berufs)?erfahrung\s+(?:erforderlich|n[öo]tig|notwendig)|ohne\s+(?:berufs)?erfahrung"
    r"|berufseinsteiger|quereinsteiger",
    hints=("experien", "entry", "graduate", "erfahrung", "einsteiger"),
)
# "years of NLP work", "years of data-platform work": a field's work, read as experience only
# where the sentence is a requirement (it opens with the years, or something asks for them).
_FIELD_WORK = re.compile(r"\s*of\s+(?:[\w+#./-]+\s+){1,3}work\b")
_REQUIRING = re.compile(
    r"(?:you\s+(?:have|bring|need|should\s+have|must\s+have)|you've\s+(?:got|had)|you'll\s+(?:have|need)|"
    r"we\s+(?:need|require|expect|want)|requires?|required|requirements?|must\s+have|needs?|looking\s+for|"
    r"ideally|with)\s*:?\s*$"
)
_MAX_YEARS = 40
_ARTICLE_CUES = re.compile(
    r"(?:at\s+least|minimum|min\.|over|more\s+than|mindestens|cel\s+pu[țţt]in|minim|peste|de)\s*$",
)


# Every mention ends in one of these unit words; finding them first (a cheap scan) and then
# reading the few characters before each is much faster than matching _MENTION everywhere.
_UNIT = re.compile(r"(?:years?|yrs?|jahre?n?|ani|an|months?|mos?|monate?n?|monat|luni|lun[ăa])(?!\w)")
_MENTION_AT_END = re.compile(_MENTION.pattern + r"\s*$", re.VERBOSE)
_SENTENCE_STOP = re.compile(r"[.!?;]\s|\n|\s[•·]\s")


def min_years(text: str | None, *, about_experience: bool = False) -> float | None:
    """Minimum years of experience required, 0 for "no experience required", None if unstated.

    ``about_experience`` says the whole text is a dedicated experience field (rabota.md's
    "Experiența de muncă: 1-3 ani"), so a bare "1-3 ani" needs no experience words around it.
    """
    if not text or not isinstance(text, str):
        return None
    # Everything below runs on lower-cased text with case-sensitive patterns: the regex engine
    # scans several times faster than with IGNORECASE.
    text = lower_same_length(text)
    candidates: list[tuple[int, float]] = []
    zero = _ZERO.search(text, text)
    if zero is not None:
        candidates.append((zero.start(), 0.0))
    for unit in _UNIT.finditer(text):
        if candidates and unit.start() > candidates[0][0] + 200:
            break  # a requirement was already found well before this point
        window_start = max(0, unit.start() - 45)
        match = _MENTION_AT_END.search(text, window_start, unit.end())
        if match is None:
            continue
        value = _value(match)
        if value is None:
            continue
        sentence_start, sentence_end = _sentence_bounds(text, match.start(), match.end())
        sentence = text[sentence_start:sentence_end]
        local = _MENTION.match(sentence, match.start() - sentence_start)
        if local is not None and (_counts(sentence, local) or about_experience and _plain(sentence, local)):
            candidates.append((match.start(), value))
    if not candidates:
        return None
    return min(candidates)[1]


def _value(match: re.Match) -> float | None:
    value = _number(match.group("lo"))
    if value is None:
        return None
    if match.group("months"):
        value = round(value / 12, 2)
    return value if value <= _MAX_YEARS else None


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    left = 0
    for stop in _SENTENCE_STOP.finditer(text, max(0, start - 300), start):
        left = stop.end()
    right_stop = _SENTENCE_STOP.search(text, end)
    return left, right_stop.start() + 1 if right_stop else len(text)


def _counts(sentence: str, match: re.Match) -> bool:
    word = match.group("lo").lower()
    before = sentence[max(0, match.start() - 40) : match.start()]
    after = sentence[match.end() : match.end() + 60]
    if _NOT_EXPERIENCE.search(after[:25]) or _NOT_EXPERIENCE.search(before[-25:]):
        return False
    near = before + " " + sentence[match.start() : match.end()] + after
    if word in ("a", "an", "un", "una", "ein", "einem", "einen"):
        # "a year of growth" means nothing; "at least a year", "un an de experiență" do.
        return bool(_ARTICLE_CUES.search(before) or _EXPERIENCE_WORDS.search(after[:30]))
    if _EXPERIENCE_WORDS.search(near):
        return True
    if _FIELD_WORK.match(after) and (not before.strip(" \t-•*:(") or _REQUIRING.search(before)):
        # "5 years of NLP work." as a requirement line, or "you bring 5 years of NLP work";
        # not "after 10 years of research work, we launched".
        return not _NOT_EXPERIENCE.search(sentence)
    cue = _REQUIREMENT_CUES.search(before[-20:]) or "+" in match.group(0)
    return bool(cue) and not _NOT_EXPERIENCE.search(sentence)


def _plain(sentence: str, match: re.Match) -> bool:
    """In an experience field, a mention counts unless it is plainly about something else."""
    return not _NOT_EXPERIENCE.search(sentence) and match.group("lo").lower() not in ("a", "an", "un", "una", "ein")


def _number(token: str) -> float | None:
    token = token.lower()
    if token in _NUMBER_WORDS:
        return float(_NUMBER_WORDS[token])
    try:
        return float(token.replace(",", "."))
    except ValueError:
        return None
