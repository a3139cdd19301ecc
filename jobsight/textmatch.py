"""The one keyword matcher: when a job title matches the keywords a user typed, and how well.

Search (jobs_db), insights (warehouse_db) and saved-search alerts (users_db) select jobs by this
rule, so "python developer" means the same jobs everywhere. This module is its definition, in
plain Python; ``jobsight.textmatch_sql`` is the same rule as each database runs it, and a test
holds the two to agreement.

The rule. Titles and keywords are cut into words (accents folded, plurals stemmed). A title
matches when **every keyword word matches some word of the title**, where a keyword word
matches a title word when

* they are the same word after stemming ("engineers" = "engineer"), or
* they are synonyms: a small table of abbreviations and of the German and Romanian words
  employers use ("dev" = "developer" = "Entwickler" = "programator"; "sre" = "site reliability
  engineer"; "front-end" = "frontend"), German compounds split at their head word
  ("Softwareentwickler" = "software" + "Entwickler"), or
* the keyword word is misspelt: at most 0 edits for words of up to 3 letters, 1 up to 5, 2
  beyond (an edit: a letter inserted, deleted, replaced, or two neighbours swapped). Words the
  matcher knows (the synonym table, seniority words, skill names) are taken as spelt, so
  "senior" never matches "junior" and "java" never "lava".

Extra title words never block a match: seniority ("Senior"), teams (": Payments"), "(m/w/d)".
Matches rank exact phrase first, then every word as written, then synonyms, then typos, each
tier shorter titles first.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations

from jobsight.normalize import default_taxonomy

# Accented letters (both cases) → plain lowercase: applied before lowercasing, so databases of
# any locale fold alike. Multi-letter foldings (ß, æ, œ) are replaced after.
FOLD_FROM = ("ÀÁÂÃÄÅĀĂĄàáâãäåāăąÇĆČçćčĎďĐđÈÉÊËĒĖĘĚèéêëēėęěÌÍÎÏĪĮİìíîïīįıŁłÑŃŇñńňÒÓÔÕÖØŌŐòóôõöøōő"
             "ŘřŚŠŞȘśšşșŤŢȚťţțÙÚÛÜŪŮŰŲùúûüūůűųÝŸýÿŹŻŽźżžẞÆŒ")
FOLD_TO = ("aaaaaaaaaaaaaaaaaaccccccddddeeeeeeeeeeeeeeeeiiiiiiiiiiiiiillnnnnnnoooooooooooooooo"
           "rrssssssssttttttuuuuuuuuuuuuuuuuyyyyzzzzzzßæœ")
_FOLD = str.maketrans(FOLD_FROM, FOLD_TO)
MULTI_FOLD = (("ß", "ss"), ("æ", "ae"), ("œ", "oe"))
# What may not be inside a word: everything but letters, digits and "+#." ("c++", "c#",
# ".net", "node.js"); hyphens join the parts of one compound ("front-end", "Java-Entwickler").
SEPARATORS = r"[^a-z0-9+#.-]+"

QUALIFIER = r"[:,]"  # what separates a title's role from its team or qualifier

# Words whose final "s" is not a plural.
NO_STEM = frozenset({
    "devops", "analytics", "kubernetes", "sales", "jenkins", "pandas", "windows", "express", "news",
    "rails", "logistics", "robotics", "statistics", "physics", "economics", "mathematics", "electronics",
    "graphics", "mechanics", "aws", "ads", "ops", "ios", "macos", "sas", "dbs", "jobs", "tools",
})

# Keyword word → the term it stands for. Members of one group map to one canonical term, which
# is also a term of every title containing any member.
SYNONYM_GROUPS: dict[str, tuple[str, ...]] = {
    # In job titles these name the same job: "Python Engineer" is what "python developer" wants.
    "developer": ("dev", "programmer", "programmierer", "programator", "dezvoltator", "entwickler",
                  "engineer", "eng", "engr", "ingenieur", "inginer"),
    "senior": ("sr", "snr"),
    "junior": ("jr", "jnr"),
    "lead": ("leiter",),
    "manager": ("mgr", "mngr"),
    "administrator": ("admin",),
    "intern": ("internship", "praktikant", "stagiar"),
    "analyst": ("analist", "analytiker"),
    "architect": ("architekt", "arhitect"),
    "consultant": ("berater",),
    "data": ("daten", "date"),
    "product": ("produkt", "produs"),
    "security": ("sicherheit", "securitate"),
    "support": ("suport",),
    "sales": ("vertrieb", "vanzari"),
    "accountant": ("buchhalter", "contabil"),
    "test": ("testing",),
    "frontend": (),
    "backend": (),
    "fullstack": (),
    "ecommerce": (),
    "javascript": ("js",),
    "typescript": ("ts",),
    "go": ("golang",),
    "kubernetes": ("k8s",),
    "postgresql": ("postgres",),
    "react": ("reactjs", "react.js"),
    "node": ("nodejs", "node.js"),
    "vue": ("vuejs", "vue.js"),
    ".net": ("dotnet",),
    "c#": ("csharp",),
    "c++": ("cpp",),
    "rails": ("ror",),
}
SYNONYMS: dict[str, str] = {word: canonical for canonical, words in SYNONYM_GROUPS.items() for word in words}

# Several title words standing for one term ("machine learning" = "ml"), in both directions: a
# title saying either carries the other's words too.
PHRASES: dict[str, tuple[tuple[str, ...], ...]] = {
    "ml": (("machine", "learning"),),
    "ai": (("artificial", "intelligence"),),
    "sre": (("site", "reliability", "engineer"), ("site", "reliability", "engineering")),
    "qa": (("quality", "assurance"),),
    "ux": (("user", "experience"),),
    "ui": (("user", "interface"),),
    "bi": (("business", "intelligence"),),
    "hr": (("human", "resource"),),
    "frontend": (("front", "end"),),
    "backend": (("back", "end"),),
    "fullstack": (("full", "stack"),),
    "devops": (("dev", "ops"),),
    "rails": (("ruby", "on", "rails"),),
    "sysadmin": (("system", "administrator"),),
}

# The head words German compounds end in ("Datenanalyst" = "daten" + "analyst"), longest first.
HEADS = tuple(sorted((
    "entwickler", "programmierer", "ingenieur", "engineer", "developer", "analyst", "architekt", "administrator",
    "manager", "berater", "leiter", "designer", "tester", "consultant", "spezialist", "techniker",
), key=lambda head: (-len(head), head)))
MIN_COMPOUND = 7  # shorter words are not split
MIN_PREFIX = 3

SENIORITY = frozenset({"intern", "junior", "mid", "senior", "lead", "staff", "principal", "head", "chief",
                       "werkstudent", "trainee", "entry", "level"})
# Keyword words that select nothing on their own; dropped unless the keywords are nothing else.
STOP_WORDS = frozenset({"a", "an", "and", "or", "of", "the", "in", "for", "at", "with", "to", "on", "und", "oder",
                        "fur", "mit", "der", "die", "das", "de", "si", "la", "pentru", "cu", "in", "m", "w", "d",
                        "f", "x", "h"})


def max_typos(word: str) -> int:
    """Edits a misspelt keyword word of this length may carry."""
    return 0 if len(word) <= 3 else 1 if len(word) <= 5 else 2


# -- words ---------------------------------------------------------------------------------------

def fold(text: str) -> str:
    text = text.translate(_FOLD).lower()
    for letter, replacement in MULTI_FOLD:
        text = text.replace(letter, replacement)
    return text


def _clean(part: str) -> str | None:
    part = part.lstrip("+#").rstrip(".")
    if part.startswith(".."):
        part = "." + part.lstrip(".")
    return part if re.search(r"[a-z0-9]", part) else None


def chunks(text: str) -> list[list[str]]:
    """The words of a text, grouped by the hyphenated compound they were written in."""
    found = []
    for chunk in re.split(SEPARATORS, fold(text)):
        parts = [cleaned for cleaned in map(_clean, chunk.split("-")) if cleaned]
        if parts:
            found.append(parts)
    return found


def stem(word: str) -> str:
    """A plural (English, Romanian) or a German feminine form down to its singular."""
    if len(word) <= 3 or not word.isalpha() or word in NO_STEM or word in SYNONYMS:
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes", "zes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is", "os")):
        return word[:-1]
    if len(word) >= 6 and word.endswith(("ori", "eri", "ari", "isti", "anti", "enti")):
        return word[:-1]
    if len(word) >= 9 and word.endswith("innen"):
        return word[:-5]
    if len(word) >= 8 and word.endswith("in") and word[:-2].endswith(("er", "eur", "ist", "ant", "ent", "ekt")):
        return word[:-2]
    return word


def canonical(word: str) -> str:
    return SYNONYMS.get(word, word)


def words(text: str) -> list[str]:
    """The title's words as written (folded, stemmed), in order."""
    return list(_words(text))


@lru_cache(maxsize=8192)
def _words(text: str) -> tuple[str, ...]:
    return tuple(stem(part) for parts in chunks(text) for part in parts)


def _compound(word: str) -> tuple[str, str] | None:
    """(prefix, head) of a German compound: "softwareentwickler" → ("software", "entwickler")."""
    if len(word) < MIN_COMPOUND or word in SYNONYMS or word in SYNONYM_GROUPS:
        return None
    for head in HEADS:
        if word.endswith(head) and len(word) - len(head) >= MIN_PREFIX:
            return stem(word[:-len(head)]), head
    return None


def _phrase_in(sequence, phrase: tuple[str, ...]) -> bool:
    return f" {' '.join(phrase)} " in f" {' '.join(sequence)} "


@lru_cache(maxsize=8192)  # titles repeat: a few thousand distinct ones for a million postings
def title_terms(title: str) -> frozenset[str]:
    """Every term a title can be matched by: its words, their synonyms, compound parts and the
    phrases they form."""
    literal = words(title)
    found = set()
    for parts in chunks(title):
        candidates = [stem(part) for part in parts]
        if len(parts) > 1:
            candidates.append(stem("".join(parts)))
        for word in candidates:
            found.update((word, canonical(word)))
            split = _compound(word)
            if split:
                found.update((split[0], canonical(split[0]), split[1], canonical(split[1])))
    for term, phrases in PHRASES.items():
        if term in literal or any(_phrase_in(literal, phrase) for phrase in phrases):
            found.add(term)
            if term in literal:
                found.update(spelt for phrase in phrases for word in phrase for spelt in (word, canonical(word)))
    return frozenset(found)


# -- keywords ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Term:
    """One keyword word as the matcher looks for it: the edits a misspelling of it may carry, and
    the synonyms it is a misspelling of ("enginer" is close to "engineer", so it also wants
    every title saying "developer")."""

    text: str
    typos: int
    also: tuple[str, ...] = ()


@dataclass(frozen=True)
class Keywords:
    """What the matcher needs of the (normalized) keywords."""

    terms: tuple[Term, ...]  # each must match a title term
    literal: tuple[str, ...]  # the words as typed (stemmed, stop words dropped): tier 1
    phrase: str  # the words as typed, in order, stop words kept: tier 0

    @property
    def empty(self) -> bool:
        return not self.terms


@lru_cache(maxsize=1)
def known_words() -> frozenset[str]:
    """Words taken as spelt: the synonym table, seniority and stop words, compound heads and
    every one-word skill name or alias of the bundled taxonomy."""
    known = set(SYNONYMS) | set(SYNONYM_GROUPS) | SENIORITY | STOP_WORDS | set(HEADS) | set(PHRASES)
    known.update(word for phrases in PHRASES.values() for phrase in phrases for word in phrase)
    for skill in default_taxonomy().skills:
        for spelling in (skill.name, *skill.aliases):
            spelt = words(spelling)
            if len(spelt) == 1:
                known.add(spelt[0])
    return frozenset(known)


def _term(word: str, known: frozenset[str]) -> Term:
    if word in known or not word.isalpha():
        return Term(canonical(word), 0)
    limit = max_typos(word)
    also = {SYNONYMS[member] for member in SYNONYMS if typos(word, member, limit) is not None} if limit else set()
    return Term(word, limit, tuple(sorted(also)))


def keywords(text: str) -> Keywords:
    """The keywords (as ``jobsight.validate.normalize_keywords`` left them) made into terms."""
    known = known_words()
    groups = chunks(text)
    content = [parts for parts in groups if not all(part in STOP_WORDS for part in parts)] or groups
    terms: list[Term] = []
    literal: list[str] = []
    for parts in content:
        stemmed = [stem(part) for part in parts]
        literal.extend(stemmed)
        joined = stem("".join(parts))
        if len(parts) > 1 and (joined in SYNONYMS or joined in SYNONYM_GROUPS or joined in PHRASES):
            pieces = [joined]  # "front-end" is "frontend"
        else:
            pieces = stemmed
        for word in pieces:
            split = _compound(word)
            terms.extend(_term(piece, known) for piece in (split if split else (word,)))
    unique = tuple(dict.fromkeys(terms))
    phrase = " ".join(words(text))
    return Keywords(unique, tuple(dict.fromkeys(literal)), phrase)


# -- matching ------------------------------------------------------------------------------------

def typos(a: str, b: str, limit: int) -> int | None:
    """The edit distance of two words (optimal string alignment: insertions, deletions,
    substitutions and swaps of neighbours), or None when it is above ``limit``."""
    if a == b:
        return 0
    if abs(len(a) - len(b)) > limit:
        return None
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return None
        previous2, previous = previous, current
    return previous[-1] if previous[-1] <= limit else None


def term_matches(term: Term, title_term: str) -> bool:
    return (term.text == title_term or title_term in term.also
            or (term.typos > 0 and typos(term.text, title_term, term.typos) is not None))


TIERS = ("phrase", "words", "synonyms", "typos")


def tier(query: Keywords, title: str) -> int | None:
    """How a title matches: 0 the exact phrase, 1 every word as written, 2 through synonyms or
    compounds, 3 through a misspelling; None when it does not match."""
    if query.empty:
        return None
    terms = title_terms(title)
    exact = True
    for term in query.terms:
        if term.text in terms:
            continue
        if not any(term_matches(term, title_term) for title_term in terms):
            return None
        exact = False
    literal = _words(title)
    if not exact:
        return 3
    if _phrase_in(literal, tuple(query.phrase.split())):
        return 0
    return 1 if set(query.literal) <= set(literal) else 2


def role_part(title: str) -> str:
    """The title up to its first comma or colon: what follows names a team or a qualifier
    ("DevOps Engineer, SRE" is a DevOps engineer in an SRE team)."""
    return re.split(QUALIFIER, title, maxsplit=1)[0]


def rank(query: Keywords, title: str) -> tuple[int, int, int] | None:
    """Sort key of a matching title, None if it does not match: titles whose role part matches
    every keyword first, then by tier, then shorter titles first."""
    found = tier(query, title)
    if found is None:
        return None
    head = title_terms(role_part(title))
    in_role = all(any(term_matches(term, title_term) for title_term in head) for term in query.terms)
    return (0 if in_role else 1, found, len(_words(title)))


def matches(keywords_text: str, title: str) -> bool:
    return tier(keywords(keywords_text), title) is not None


# -- saved searches: one new title against many stored keywords ----------------------------------

def deletions(word: str, depth: int) -> frozenset[str]:
    """``word`` and every string made from it by deleting up to ``depth`` letters. Two words
    within ``k`` edits of each other share a string of their ``k``-deletion sets, so these make
    an index that finds a title's misspelt keywords without comparing against every search."""
    found = {word}
    for n in range(1, min(depth, len(word)) + 1):
        found.update("".join(word[i] for i in range(len(word)) if i not in gone)
                     for gone in map(set, combinations(range(len(word)), n)))
    return frozenset(found)




def keyword_keys(term: Term) -> frozenset[str]:
    return deletions(term.text, term.typos)


def title_keys(title: str) -> dict[str, frozenset[str]]:
    """{key: the title terms it comes from} for every title term's deletion set."""
    keys: dict[str, set[str]] = {}
    for title_term in title_terms(title):
        # A keyword word within k edits of a title term is at most k letters longer or shorter,
        # which bounds k by the term's own length: it needs the deletions a keyword of its length gets.
        for key in deletions(title_term, max_typos(title_term)):
            keys.setdefault(key, set()).add(title_term)
    return {key: frozenset(found) for key, found in keys.items()}
