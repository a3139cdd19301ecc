"""Find the skills a posting asks for, as canonical names from a curated, versioned taxonomy.

All spellings of all skills are compiled into one trie-shaped regular expression per taxonomy,
so a description is scanned once whatever the taxonomy's size. Names that are also everyday
words (Go, R, C, Spark, Swift, Rust, Excel, ...) only count with technical context, and a skill
mentioned only in a negation ("no Java needed") does not count.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from jobsight.errors import UnknownSkill, ValidationError
from jobsight.normalize.patterns import lower_same_length

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "skills.yml"

# Characters that glue onto a skill token: a match must not sit inside a longer token
# ("Javanese", "mysqlx", "file.go"), but "C/C++", "React-based" and "(Python)" still match.
_BEFORE = r"(?<![\w.@])"
_AFTER = r"(?![\w+#@]|\.[A-Za-z0-9])"

# URLs and e-mail domains name no skills ("github.com/acme/react", "jobs@rust.dev"); the
# e-mail pattern starts at "@" so the regex engine can skip ahead to it.
_URL_OR_EMAIL = re.compile(r"(?:https?://|www\.|@[\w-]+\.)\S*", re.IGNORECASE)

# How far (in characters) around an ambiguous mention we look for technical context.
_WINDOW = 90

_TECH_WORDS = re.compile(
    r"\b(?:programming|programmer|developer|development|engineer(?:ing)?|software|language|"
    r"languages|code|coding|backend|back-end|frontend|front-end|full[- ]?stack|stack|framework|"
    r"library|libraries|api|apis|sdk|devops|deploy\w*|infrastructure|database|scripting|"
    r"tech|technologies|technical|experience\s+(?:with|in)|proficien\w*|knowledge\s+of|"
    r"dezvoltator|programator|limbaj|entwickler|programmier\w*|kenntnisse)\b",
)

# Negations are matched against lower-cased text.
_NEGATION_BEFORE = re.compile(
    r"(?:\bno|\bnot(?!\s+only)(?:\s+an?)?|\w+n['’]t|\bwithout|\bohne|\bkeine?n?|\bf[ăa]r[ăa]|\bnu)"
    r"\s+(?:[\w-]+\s+){0,2}$"
)
_NEGATION_AFTER = re.compile(
    r"^\s*(?:\w+\s+){0,2}?(?:(?:is|are|ist|sind)\s+not|(?:is|are)n't|not|(?:ist\s+|sind\s+)?nicht)\s+"
    r"(?:required|needed|necessary|a\s+must|mandatory|erforderlich|notwendig|n[öo]tig)\b"
    r"|^\s*(?:\w+\s+)?(?:nu\s+este|nu\s+e)\s+(?:necesar|obligatoriu)"
)


# A skill's name, known or proposed: letters, digits and the marks skill names use (.NET, C++, C#,
# Node.js, CI/CD, R&D); at least one letter, at most 64 characters and 4 words.
MAX_SKILL_NAME_LENGTH, MAX_SKILL_WORDS = 64, 4
_SKILL_NAME = re.compile(r"^\.?[^\W_][\w .+#/&-]*$")
_LETTER = re.compile(r"[^\W\d_]")


def skill_name(value) -> str:
    """``value`` as a skill's display name (whitespace collapsed), or a ``ValidationError`` saying
    why it cannot name one. The OpenAPI document states the same rule as a pattern."""
    if not isinstance(value, str) or not value.strip():
        raise ValidationError("A skill name is required")
    name = " ".join(value.split())
    if len(name) > MAX_SKILL_NAME_LENGTH:
        raise ValidationError(f"A skill name has at most {MAX_SKILL_NAME_LENGTH} characters")
    if not _SKILL_NAME.match(name) or not _LETTER.search(name):
        raise ValidationError("A skill name needs a letter and may use only letters, digits, spaces and . + # / & -")
    if len(name.split()) > MAX_SKILL_WORDS:
        raise ValidationError(f"A skill name has at most {MAX_SKILL_WORDS} words; that reads like a sentence")
    return name


# What a skill is. Every bundled skill has one of these; ``area`` says which field of work it
# belongs to (finance, it_ops, embedded, ...).
CATEGORIES = ("language", "framework", "tool", "platform", "method", "domain", "spoken_language", "certification")


@dataclass(frozen=True)
class Skill:
    """One taxonomy entry. ``exact_case`` lists spellings that only count with that
    capitalisation; ``context`` lists the words (a trailing ``*``: any word they start) one of
    which must stand near a mention of an ``ambiguous`` skill for it to count."""

    name: str
    category: str
    aliases: tuple[str, ...]
    ambiguous: bool
    exact_case: tuple[str, ...] = ()
    area: str | None = None
    context: tuple[str, ...] = ()


class _Hit(NamedTuple):
    skill: Skill
    start: int
    end: int
    surface: str


class Taxonomy:
    """A versioned skill list with its compiled matcher; build once and share."""

    def __init__(self, skills: Iterable[Skill | Mapping[str, Any]], version: int):
        """``skills`` are ``Skill``s or mappings ``{name, category, aliases, ambiguous}``."""
        self.version = int(version)
        self.skills: tuple[Skill, ...] = tuple(
            skill if isinstance(skill, Skill) else _skill_from_row(skill) for skill in skills
        )
        self._by_spelling: dict[str, Skill] = {}
        exact: dict[str, set[str]] = {}
        for skill in self.skills:
            for spelling in (skill.name, *skill.aliases):
                key = _fold(spelling)
                if key and key not in self._by_spelling:
                    self._by_spelling[key] = skill
            for spelling in skill.exact_case:
                exact.setdefault(_fold(spelling), set()).add(spelling)
        self._exact = {key: frozenset(spellings) for key, spellings in exact.items()}
        self._by_name = {skill.name: skill for skill in self.skills}
        # Matching runs on lower-cased text without IGNORECASE, which the regex engine scans
        # several times faster; exact-case spellings are checked against the original text.
        self._patterns = _scanners(frozenset(self._by_spelling))

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, Any]], version: int) -> "Taxonomy":
        """Build from mappings with ``name, category, aliases, ambiguous`` (``exact_case`` optional),
        e.g. the rows of a database table; other keys are ignored."""
        return cls([_skill_from_row(row) for row in rows], version)

    @classmethod
    def load(cls, path: str | Path | None = None) -> "Taxonomy":
        """Read the taxonomy YAML (``version:``, ``skills:`` and the ``include:`` files beside it,
        each with ``skills:`` of its own), by default the bundled one."""
        return cls.from_rows(*read_taxonomy_file(path))

    def __len__(self) -> int:
        return len(self.skills)

    def canonical(self, name: str) -> str | None:
        """The canonical name for a spelling (case-insensitive), e.g. ``"k8s"`` → ``"Kubernetes"``."""
        if not name:
            return None
        skill = self._by_spelling.get(_fold(name.strip()))
        return skill.name if skill else None

    def require(self, name: str, max_length: int = 64) -> str:
        """The canonical name for a spelling, or ``UnknownSkill`` (the message quotes the name)."""
        found = self.canonical(name) if len(name) <= max_length else None
        if found is None:
            raise UnknownSkill(f"Unknown skill '{name.strip()[:max_length]}'")
        return found

    def category(self, name: str) -> str | None:
        skill = self._by_name.get(name)
        return skill.category if skill else None

    def extract(self, text: str, title: str = "", tags: Iterable[str] = ()) -> list[str]:
        """Canonical skills named in the title, text and tags, ordered by first occurrence.

        The title is read first, then the text, then the tags (each tag mapped through
        ``canonical``; unknown tags are dropped), and each skill is listed once.
        """
        found: dict[str, None] = {}
        for part in (title, text):
            if part:
                for name in self._scan(part):
                    found.setdefault(name, None)
        for tag in tags or ():
            name = self.canonical(tag) if isinstance(tag, str) else None
            if name:
                found.setdefault(name, None)
        return list(found)

    def _spans(self, lowered: str) -> list[tuple[int, int, str]]:
        """(start, end, spelling) of every mention, left to right, the longest where two overlap."""
        by_spelling = self._by_spelling
        spans = []
        for pattern in self._patterns:
            for match in pattern.finditer(lowered):
                start, end = match.span(1)
                key = _fold(match.group(1))
                if key not in by_spelling:  # a bundled spelling this taxonomy lacks: a shorter one may fit
                    end, key = _known_prefix(lowered, start, end, by_spelling)
                    if key is None:
                        continue
                spans.append((start, end, key))
        if len(self._patterns) > 1:
            spans.sort(key=lambda span: (span[0], span[0] - span[1]))
            kept, reach = [], -1
            for span in spans:
                if span[0] >= reach:
                    kept.append(span)
                    reach = span[1]
            spans = kept
        return spans

    def _scan(self, text: str) -> list[str]:
        if not self._patterns:
            return []
        text = _URL_OR_EMAIL.sub(_blank, text) if ("://" in text or "www." in text or "@" in text) else text
        lowered = lower_same_length(text).translate(_ROMANIAN_LETTERS)
        hits: list[_Hit] = []
        for start, end, key in self._spans(lowered):
            surface = text[start:end]
            exact = self._exact.get(key)
            if exact is not None and surface not in exact:
                continue
            hits.append(_Hit(self._by_spelling[key], start, end, surface))
        accepted: dict[str, None] = {}
        negated_through = -1  # index of the last mention a negation covers
        waived = _waived_clauses(lowered) if hits else ()
        for index, hit in enumerate(hits):
            name = hit.skill.name
            if name in accepted:
                continue  # one good mention is enough; later ones need no checks
            if hit.skill.ambiguous and not _in_context(hit, text, hits):
                continue
            if index <= negated_through or _inside(waived, hit.start):
                continue
            if hit.skill.category == "domain" and (_in_company_blurb(text, hit) or _is_heading(text, hit)):
                continue
            if _negated_before(lowered, hit.start) or _negated_after(lowered, hit.end):
                negated_through = _list_end(lowered, hits, index)
                continue
            accepted[name] = None
        return list(accepted)


# libyaml's loader where PyYAML was built with it: the taxonomy's thousands of rows load in a
# tenth of the time.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_taxonomy_file(path: str | Path | None = None) -> tuple[list[dict], int]:
    """The skill rows and version of a taxonomy file and the files it includes, in order."""
    path = Path(path or DEFAULT_PATH)
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    rows = list(data.get("skills") or ())
    for name in data.get("include") or ():
        included = yaml.load((path.parent / name).read_text(encoding="utf-8"), Loader=_YAML_LOADER)
        rows.extend(included.get("skills") or ())
    return rows, int(data["version"])


@lru_cache(maxsize=1)
def _bundled_spellings() -> frozenset[str]:
    rows, _ = read_taxonomy_file()
    return frozenset(key for row in rows for spelling in (row["name"], *(row.get("aliases") or ()))
                     if (key := _fold(str(spelling))))


def _scanners(spellings: frozenset[str]) -> list[re.Pattern]:
    """The patterns that find a taxonomy's spellings. One built mostly on the bundled file (the
    table the scraper reads back, with skills added or removed while running) shares the bundled
    file's scanner, compiled once per process, and compiles only what the file lacks: a skill
    added live costs milliseconds, not the second the whole scanner takes."""
    if not spellings:
        return []
    bundled = _bundled_spellings()
    extra = spellings - bundled
    if len(spellings) - len(extra) <= len(spellings) // 2:
        return [_matcher(spellings)]
    return [_matcher(bundled)] + ([_matcher(extra)] if extra else [])


def _known_prefix(lowered: str, start: int, end: int, by_spelling) -> tuple[int, str | None]:
    """The longest known spelling that a longer, unknown match starts with ("python" in "python 3")."""
    for cut in range(end - 1, start, -1):
        key = _fold(lowered[start:cut])
        if key in by_spelling and _TAIL_OK.match(lowered, cut):
            return cut, key
    return end, None


_TAIL_OK = re.compile(_AFTER)


@lru_cache(maxsize=8)
def _matcher(spellings: frozenset[str]) -> re.Pattern:
    """The compiled scanner for a set of spellings. Compiling thousands takes about a second,
    so a taxonomy read again with the same spellings (the scraper re-reading its table, a
    test's second instance) reuses it."""
    return re.compile(_BEFORE + "(" + _trie_regex(sorted(spellings)) + ")" + _AFTER)


def _skill_from_row(row: Mapping[str, Any]) -> Skill:
    return Skill(
        name=str(row["name"]),
        category=str(row.get("category") or "other"),
        aliases=tuple(str(alias) for alias in (row.get("aliases") or ())),
        ambiguous=bool(row.get("ambiguous", False)),
        exact_case=tuple(str(spelling) for spelling in (row.get("exact_case") or ())),
        area=str(row["area"]) if row.get("area") else None,
        context=tuple(str(word).lower() for word in (row.get("context") or ())),
    )


def _blank(match: re.Match) -> str:
    return " " * len(match.group(0))


# Romanian ads write ș and ț with a comma below or, as many keyboards do, with a cedilla (ş, ţ):
# spellings and text are matched with the comma-below letters.
_ROMANIAN_LETTERS = str.maketrans("şţŞŢ", "șțȘȚ")


def _fold(spelling: str) -> str:
    return " ".join(spelling.lower().translate(_ROMANIAN_LETTERS).split())


def _trie_regex(spellings: Iterable[str]) -> str:
    """One regex alternation shaped as a trie, so matching cost does not grow with the list."""
    trie: dict = {}
    for spelling in spellings:
        node = trie
        for char in spelling:
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node: dict) -> str:
        # Longer continuations first: the regex engine takes the first branch that fits, and
        # the trailing boundary check backtracks to shorter ones ("java" before "javascript").
        ends = "" in node
        branches = []
        for char in sorted((c for c in node if c), reverse=True):
            piece = r"\s+" if char == " " else re.escape(char)
            branches.append(piece + emit(node[char]))
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return "(?:" + body + ")?" if ends else body

    return emit(trie)


# Substrings every negation contains; mentions near none of them skip the regex check.
_CLAUSE_BREAK = re.compile(r"[,;:.()\n]")
_NEGATION_HINTS_BEFORE = ("no", "n't", "n’t", "without", "ohne", "kein", "fără", "fara", "nu ")
# What joins the skills of one list: a negation before the first covers them all
# ("not looking for Java or PHP experience", "no Java, PHP or Ruby"). A bare comma only
# continues a list that a conjunction closes: in "No Java, Python is our language" it does not.
_LIST_JOIN = re.compile(r"\s*(?:(?P<conj>/|&|,?\s*(?:or|and|nor|sau|și|si|oder|und|noch|ori)\b)|,)\s*")


def _list_end(lowered: str, hits: list[_Hit], first: int) -> int:
    """Index of the last mention in the list of skills that starts at ``hits[first]``."""
    last = index = first
    while index + 1 < len(hits):
        join = _LIST_JOIN.fullmatch(lowered, hits[index].end, hits[index + 1].start)
        if join is None:
            break
        index += 1
        if join.group("conj"):
            last = index
    return last
_NEGATION_HINTS_AFTER = ("not", "n't", "nicht", "nu ")


# A clause that says what the role does not need ("Our data team maintains the dbt models, so
# no dbt experience is needed", "you won't need Anaplan", "DATEV-Kenntnisse sind keine
# Voraussetzung", "Nu este necesară experiența în Revit") names no skill the posting asks for;
# unless it also says a skill would help ("French is a plus but not required").
_WAIVER = re.compile(
    r"\b(?:no|not|nor)\b[^.;:!?\n]{0,80}?\b(?:needed|required|necessary|expected|mandatory|a\s+must|a\s+requirement)\b"
    r"|\b(?:(?:you|we)\s+)?(?:don['’]?t|do\s+not|won['’]?t|will\s+not|never|doesn['’]?t|does\s+not)\s+"
    r"(?:\w+\s+){0,2}?(?:need|require|have\s+to|use)\b"
    r"|\bnot\s+part\s+of\s+(?:the|this)\s+(?:role|job|position)"
    r"|\bnicht\s+(?:erforderlich|notwendig|n[öo]tig|vorausgesetzt|ben[öo]tigt|gefordert)"
    r"|\bkeine?n?\s+(?:voraussetzung|muss|pflicht|bedingung)\b|\bbrauch(?:st|en|t)\s+(?:du|sie|ihr)\s+(?:\w+\s+)?nicht\b"
    r"|\bnu\s+(?:este|e|sunt)\s+(?:\w+\s+)?(?:necesar|obligatori|o\s+cerin)|\bnu\s+se\s+(?:cere|solicit)"
    r"|\bnu\s+(?:face|fac)\s+parte\b|\bnu\s+ai\s+nevoie\b"
)
_WAIVER_HINTS = ("need", "requir", "necessar", "expected", "mandatory", "a must", "never", "don't", "don’t", "won't",
                 "won’t", "not part", "nicht", "kein", "brauch", "nu ")
_STILL_WANTED = re.compile(
    r"\b(?:a\s+plus|plus|bonus|advantage|nice|preferred|von\s+vorteil|w[üu]nschenswert|"
    r"avantaj\w*|preferabil|constituie)\b"
)
_BACK_REFERENCE = re.compile(r"\b(?:it|them|this|that|those|these|any\s+of\s+(?:it|them)|code)\b")


def _waived_clauses(lowered: str) -> tuple[tuple[int, int], ...]:
    """The spans of the clauses that waive what they name. A semicolon ends a clause ("No Java
    needed; PHP is fine"), unless the waiving clause points back at the one before ("Our team
    builds it in Anaplan; you won't need to use it")."""
    if not any(hint in lowered for hint in _WAIVER_HINTS):
        return ()
    spans = []
    for match in _WAIVER.finditer(lowered):
        start, end = _sentence_start(lowered, match.start()), _sentence_end(lowered, match.end())
        clause_start = lowered.rfind(";", start, match.start()) + 1 or start
        clause_end = lowered.find(";", match.end(), end)
        clause_end = end if clause_end < 0 else clause_end
        clause = lowered[clause_start:clause_end]
        if _STILL_WANTED.search(clause):
            continue
        if clause_start > start and _BACK_REFERENCE.search(clause):
            clause_start = lowered.rfind(";", start, clause_start - 1) + 1 or start
        spans.append((clause_start, clause_end))
    return tuple(spans)


# A sentence about what the employer does ("Ledgerly does bookkeeping for 12,000 businesses",
# "Brightloop builds scheduling software for physiotherapy clinics", "Die Optronix AG entwickelt
# Messtechnik"): the field it names is the customer's or the product's, not a skill the role asks
# for. Only fields of knowledge (category domain) are held to this; a tool named there still counts.
_COMPANY_BLURB = re.compile(
    r"\s*(?:(?:die|der|das|the)\s+)?(?:[A-Z0-9][\w&.'’-]*\s+){1,4}?(?:(?:GmbH|AG|SE|SRL|SA|Inc\.?|Ltd\.?|LLC)\s+)?"
    r"(?:is|are|builds?|makes?|sells?|develops?|provides?|processes|does|runs|serves|offers|operates|delivers|"
    r"connects|gives|helps|designs|manufactures|produces|entwickelt|baut|fertigt|produziert|stellt|liefert|betreibt|"
    r"vertreibt|ist|este|dezvolt[ăa]|produce|ofer[ăa]|livreaz[ăa]|opereaz[ăa]|comercializeaz[ăa])\b[^.!?\n]*"
)


def _in_company_blurb(text: str, hit: _Hit) -> bool:
    match = _COMPANY_BLURB.match(text, _sentence_start(text, hit.start))
    return bool(match and match.end() >= hit.end)


def _is_heading(text: str, hit: _Hit) -> bool:
    """The field's name is a line of its own ("Compensation & benefits", "Customer Success"): a
    section heading, not a skill asked for."""
    start = text.rfind("\n", 0, hit.start) + 1
    end = text.find("\n", hit.end)
    line = text[start:] if end < 0 else text[start:end]
    return len(line.strip(" \t:-–|#*•")) <= len(hit.surface) + 1


_SENTENCE_MARKS = ".!?\n"


def _sentence_start(text: str, position: int) -> int:
    return max(text.rfind(mark, 0, position) for mark in _SENTENCE_MARKS) + 1


def _sentence_end(text: str, position: int) -> int:
    ends = [i for i in (text.find(mark, position) for mark in _SENTENCE_MARKS) if i >= 0]
    return min(ends) if ends else len(text)


def _inside(spans: tuple[tuple[int, int], ...], position: int) -> bool:
    return any(start <= position < end for start, end in spans)


def _negated_before(lowered: str, start: int) -> bool:
    """"no Java needed", "without PHP", "not a React role"."""
    before = lowered[max(0, start - 40) : start]
    for hint in _NEGATION_HINTS_BEFORE:
        if hint in before:
            return bool(_NEGATION_BEFORE.search(_CLAUSE_BREAK.split(before)[-1]))
    return False


def _negated_after(lowered: str, end: int) -> bool:
    """"Java not required", "Java is not needed"."""
    after = lowered[end : end + 50]
    for hint in _NEGATION_HINTS_AFTER:
        if hint in after:
            return bool(_NEGATION_AFTER.match(after.split("\n", 1)[0]))
    return False


def _neighbour_skill(hit: _Hit, hits: list[_Hit]) -> bool:
    """Another, unambiguous skill is named close by (lists like "Python, Go, Rust")."""
    for other in hits:
        if other is hit or other.skill.ambiguous:
            continue
        if abs(other.start - hit.start) <= _WINDOW:
            return True
    return False


def _tech_context(hit: _Hit, text: str, hits: list[_Hit]) -> bool:
    return _neighbour_skill(hit, hits) or bool(_TECH_WORDS.search(_window(text, hit)))


_LIST_BEFORE = re.compile(r"(?:[,/(&+|]|\band|\bor|\bsi|\bși|\bund|\boder)\s*$", re.IGNORECASE)
_LIST_AFTER = re.compile(r"^\s*(?:[,/)&+|]|and\b|or\b|si\b|și\b|und\b|oder\b)", re.IGNORECASE)
_PREPOSITION_BEFORE = re.compile(
    r"\b(?:in|with|using|use|of|write|writing|written\s+in|experience\s+in|proficient\s+in|"
    r"knowledge\s+of|[îi]n|cu|mit|auf)\s+$",
    re.IGNORECASE,
)


def _in_list(hit: _Hit, text: str) -> bool:
    before = text[max(0, hit.start - 8) : hit.start]
    after = text[hit.end : hit.end + 6]
    return bool(_LIST_BEFORE.search(before) or _LIST_AFTER.match(after))


_GO_NOT_LANGUAGE_AFTER = re.compile(
    r"(?:-|\s*!|\s+(?:live|to\b|ahead|beyond|above|further|through|get|for\s+it|"
    r"back|out|on\b|into|from|and\s+(?:get|see|find|grab)|with\s+the\s+flow))",
    re.IGNORECASE,
)
_GO_NOT_LANGUAGE_BEFORE = re.compile(
    r"(?:let'?s|let\s+us|ready\s+to|on\s+the|good\s+to|way\s+to|to)\s+$", re.IGNORECASE
)
_GO_LANGUAGE_AFTER = re.compile(
    r"\s*(?:\(golang\)|developer|engineer|programming|language|code|coding|services?|"
    r"microservices|backend|back-end|modules?|routines|experience|dezvoltator|entwickler)\b",
    re.IGNORECASE,
)


def _go_ok(hit: _Hit, text: str, hits: list[_Hit]) -> bool:
    if hit.surface.lower() != "go":
        return True  # golang, go lang
    if hit.surface != "Go":
        return False  # "go", "GO": the verb, or shouting
    after = text[hit.end : hit.end + 25]
    if _GO_NOT_LANGUAGE_AFTER.match(after):
        return False
    before = text[max(0, hit.start - 30) : hit.start]
    if _GO_NOT_LANGUAGE_BEFORE.search(before):
        return False
    if _GO_LANGUAGE_AFTER.match(after):
        return True
    if _PREPOSITION_BEFORE.search(before) and (_ends_phrase(text, hit) or _tech_context(hit, text, hits)):
        return True
    return _in_list(hit, text) and _tech_context(hit, text, hits)


_PHRASE_END = re.compile(r"^\s*(?:$|[,.;:!?)/&+]|\b(?:and|or|si|și|und|oder)\b)", re.IGNORECASE)


def _ends_phrase(text: str, hit: _Hit) -> bool:
    """Nothing but punctuation or a conjunction follows: "written in Go.", "in C and C++"."""
    return bool(_PHRASE_END.match(text[hit.end : hit.end + 8]))


_STATS_WORDS = re.compile(
    r"\b(?:statistic\w*|data|analytics|analysis|analyst|econometric\w*|bioinformatic\w*|"
    r"biostatistic\w*|machine\s+learning|modell?ing|regression|sas|spss|stata|matlab|python|"
    r"julia|tidyverse|ggplot2?|shiny|dplyr|cran|quantitative|research|scientist|date|statistic[ăa])\b",
)


def _r_ok(hit: _Hit, text: str, hits: list[_Hit]) -> bool:
    if hit.surface.lower() != "r":
        return True  # "R programming", "RStudio", ...
    if hit.surface != "R":
        return False
    prev_char = text[hit.start - 1 : hit.start]
    next_chars = text[hit.end : hit.end + 2]
    if (prev_char and prev_char in "&'’-") or next_chars[:1] in ("&", "'", "’", "-") or re.match(
        r"^\.[A-Za-z]", next_chars
    ):
        return False  # R&D, R-value, R.I.P.
    after = text[hit.end : hit.end + 20]
    if re.match(r"^\s+(?:programming|language|scripts?|packages?|studio|shiny)\b", after, re.IGNORECASE):
        return True
    before = text[max(0, hit.start - 30) : hit.start]
    if re.search(r"\b(?:in|using|with)\s+$", before, re.IGNORECASE) and _ends_phrase(text, hit):
        return True
    if not _STATS_WORDS.search(_window(text, hit)):
        return False
    return bool(_PREPOSITION_BEFORE.search(before)) or _in_list(hit, text) or bool(
        _R_ASKED_FOR.match(text, hit.end, hit.end + 40))


# "R is a plus", "R would be nice to have", "R is required": the letter as the subject of a
# requirement (still only among statistics words, so "Plan R is our fallback" stays out).
_R_ASKED_FOR = re.compile(
    r"\s+(?:is|would\s+be|is\s+also)\s+(?:a\s+(?:big\s+|real\s+|strong\s+)?(?:plus|bonus|must|nice[- ]to[- ]have)"
    r"|nice\s+to\s+have|required|preferred|desirable|desired|an?\s+(?:advantage|asset))\b",
    re.IGNORECASE,
)


def _c_ok(hit: _Hit, text: str, hits: list[_Hit]) -> bool:
    if hit.surface.lower() != "c":
        return True  # "embedded C", "ANSI C", "C programming"
    if hit.surface != "C":
        return False
    next_chars = text[hit.end : hit.end + 3]
    if next_chars[:1] in ("-", "'", "’") or re.match(r"^\.\s?[A-Za-z]", next_chars):
        return False  # C-level, C-suite, C.V.
    before = text[max(0, hit.start - 30) : hit.start]
    if re.search(r"\b(?:series|round|vitamin|grade|class|section|type|level|plan|option|category|"
                 r"step|part|phase|appendix|building|block|tier|hall|room|gate)\s+$", before, re.IGNORECASE):
        return False
    if re.search(r"(?:\b[A-B]\s*,\s*|\b[A-B]\s+(?:and|or)\s+)$", before):
        return False  # "A, B, C" / "B or C" enumerations
    if re.search(r"\d\s*°?\s*$", before) or re.search(r"°\s*$", before):
        return False  # temperatures
    after = text[hit.end : hit.end + 25]
    if re.match(r"^\s*(?:/|and|or|&|,)\s*(?:C\+\+|Objective-C|C#)", after):
        return True
    if re.search(r"(?:C\+\+|C#)\s*(?:/|,|and|or|&)\s*$", before):
        return True
    if re.match(r"^\s+(?:programming|language|code|coding|developer|engineer|firmware|"
                r"compiler|standard|library|libraries|\d{2}\b|99|11|17)", after, re.IGNORECASE):
        return True
    if re.search(r"\b(?:embedded|ansi|in|with|using|written\s+in|experience\s+in|proficient\s+in|"
                 r"knowledge\s+of|[îi]n|mit)\s+$", before, re.IGNORECASE):
        return _ends_phrase(text, hit) or _programming_context(hit, text, hits)
    return _in_list(hit, text) and _programming_context(hit, text, hits)




_PROGRAMMING_WORDS = re.compile(
    r"\b(?:programming|programmer|developer|software|firmware|embedded|compiler|"
    r"languages?|code|coding|kernel|microcontroller|mcu|linux|systems?)\b"
)


def _programming_context(hit: _Hit, text: str, hits: list[_Hit]) -> bool:
    for other in hits:
        if (
            other is not hit
            and not other.skill.ambiguous
            and (other.skill.category == "language" or other.skill.area == "embedded")
            and abs(other.start - hit.start) <= _WINDOW
        ):
            return True
    return bool(_PROGRAMMING_WORDS.search(_window(text, hit)))


def _window(text: str, hit: _Hit) -> str:
    """The lower-cased text around a mention; context-word patterns are lower case."""
    return text[max(0, hit.start - _WINDOW) : hit.end + _WINDOW].lower()


_DATA_WORDS = re.compile(
    r"\b(?:data|big\s+data|hadoop|hive|kafka|etl|elt|pipelines?|databricks|scala|batch|"
    r"streaming|sql|python|pyspark|emr|airflow|lakehouse|warehouse|analytics|distributed|"
    r"cluster|parquet|delta\s+lake|flink|date)\b",
)


def _spark_ok(hit: _Hit, text: str, hits: list[_Hit]) -> bool:
    if hit.surface.lower() != "spark":
        return True  # "Apache Spark", "PySpark", "Spark SQL"
    before = text[max(0, hit.start - 30) : hit.start]
    if re.search(r"\b(?:a|the|that|to|will|can|could)\s+$", before, re.IGNORECASE):
        return False  # "a spark", "to spark curiosity"
    return bool(_DATA_WORDS.search(_window(text, hit)))


_IOS_WORDS = re.compile(
    r"\b(?:ios|ipados|macos|watchos|xcode|swiftui|uikit|objective-c|apple|iphone|ipad|mobile|"
    r"cocoa|combine|kotlin|app\s+store|testflight|programming|language|developer|engineer|"
    r"vapor|cocoapods|spm|swift\s+package\s+manager)\b",
)


def _swift_ok(hit: _Hit, text: str, hits: list[_Hit]) -> bool:
    if hit.surface.lower() != "swift":
        return True
    if hit.surface not in ("Swift", "SWIFT"):
        return False  # "swift onboarding"
    after = text[hit.end : hit.end + 20]
    if re.match(r"^\s+(?:payments?|network|messages?|codes?|transfers?|gpi|mt\d+)\b", after, re.IGNORECASE):
        return False  # the SWIFT banking network
    return bool(_IOS_WORDS.search(_window(text, hit)))


def _rust_ok(hit: _Hit, text: str, hits: list[_Hit]) -> bool:
    if hit.surface.lower() != "rust":
        return True
    if hit.surface != "Rust":
        return False  # "rust" on metal
    after = text[hit.end : hit.end + 20]
    if re.match(r"^\s*(?:developer|engineer|programming|language|code|codebase|services?|"
                r"backend|crates?|toolchain)\b", after, re.IGNORECASE):
        return True
    return _programming_context(hit, text, hits) or _tech_context(hit, text, hits)


_OFFICE_WORDS = re.compile(
    r"\b(?:spreadsheets?|microsoft|ms\s+office|office|word|powerpoint|outlook|vba|pivot|"
    r"vlookup|xlookup|formulas?|macros?|google\s+sheets|advanced|proficien\w*|skills?|"
    r"knowledge|data|reporting|power\s+bi|tableau|sql|tools|software|cunoa[șşs]tere|kenntnisse)\b",
)


def _excel_ok(hit: _Hit, text: str, hits: list[_Hit]) -> bool:
    if hit.surface.lower() != "excel":
        return True  # "Microsoft Excel", "MS Excel"
    if hit.surface not in ("Excel", "EXCEL"):
        return False  # "excel" is the verb
    after = text[hit.end : hit.end + 15]
    if re.match(r"^\s+(?:at|in|as|when|with\s+(?:people|customers|clients))\b", after, re.IGNORECASE):
        return False  # "Excel at communication"
    before = text[max(0, hit.start - 25) : hit.start]
    if re.search(r"\b(?:to|will|you|we|and\s+to|help\s+\w+)\s+$", before, re.IGNORECASE):
        return False
    return bool(_OFFICE_WORDS.search(_window(text, hit))) or _in_list(hit, text)


_RULES = {
    "Go": _go_ok,
    "R": _r_ok,
    "C": _c_ok,
    "Apache Spark": _spark_ok,
    "Swift": _swift_ok,
    "Rust": _rust_ok,
    "Excel": _excel_ok,
}


# A spoken language's bare name ("German", "Deutsch", "engleza") also names a country's people,
# market or companies; it counts as a language asked for only near words about language or
# level, or in a list with another language. Compound and multi-word forms ("Deutschkenntnisse",
# "limba germană", "German language") need nothing more.
_SPOKEN_WINDOW = 40
_SPOKEN_CONTEXT = re.compile(
    r"\b(?:speak\w*|spoken|written|writing|fluen\w*|language\w*|proficien\w*|native|mother\s+tongue|"
    r"level|knowledge|command|good|very\s+good|excellent|strong|basic|business|working|advanced|"
    r"conversational|intermediate|required|a\s+plus|plus|nice\s+to\s+have|must|[abc][12]|"
    r"kenntnisse\w*|sprach\w*|flie(?:ß|ss)end\w*|verhandlungssicher\w*|muttersprach\w*|niveau|"
    r"wort\s+und\s+schrift|gute?|sehr\s+gute?|von\s+vorteil|erforderlich|"
    r"limb[aăi]\w*|vorbi\w*|scris\w*|nivel\w*|avansat\w*|mediu|bun[ăae]?|foarte|cunoa[șşs]te\w*|"
    r"obligatori\w*|avantaj\w*|constituie)\b"
)
_LANGUAGE_COMPOUND = ("kenntnis", "sprachig", "sprachkenntnis")


def _spoken_ok(hit: _Hit, text: str, hits: list[_Hit]) -> bool:
    surface = hit.surface.lower()
    if " " in surface.strip() or any(part in surface for part in _LANGUAGE_COMPOUND):
        return True
    start, end = max(0, hit.start - _SPOKEN_WINDOW), hit.end + _SPOKEN_WINDOW
    if _SPOKEN_CONTEXT.search(text[start:end].lower()):
        return True
    return any(other.skill is not hit.skill and other.skill.category == "spoken_language"
               and abs(other.start - hit.start) <= _SPOKEN_WINDOW for other in hits)


@lru_cache(maxsize=None)
def _context_pattern(words: tuple[str, ...]) -> re.Pattern:
    """One pattern for a skill's context words, each a whole word ("c++", ".net" and "ci/cd"
    too), or with a trailing * any word it starts ("invoic*": invoice, invoicing)."""
    parts = []
    for word in words:
        stem = word[:-1] if word.endswith("*") else word
        body = r"\s+".join(re.escape(part) for part in stem.split())
        before = r"(?<!\w)" if stem[:1].isalnum() else ""
        after = r"[\w-]*" if word.endswith("*") else (r"(?!\w)" if stem[-1:].isalnum() else "")
        parts.append(before + body + after)
    return re.compile("|".join(parts))


def _in_context(hit: _Hit, text: str, hits: list[_Hit]) -> bool:
    rule = _RULES.get(hit.skill.name)
    if rule is not None:
        return rule(hit, text, hits)
    if hit.skill.category == "spoken_language":
        return _spoken_ok(hit, text, hits)
    if hit.skill.context:
        return bool(_context_pattern(hit.skill.context).search(_window(text, hit)))
    if _fold(hit.surface) != _fold(hit.skill.name) and not hit.surface.isalpha():
        return True  # a distinctive spelling such as "express.js" or "Apache Hive"
    return _tech_context(hit, text, hits)
