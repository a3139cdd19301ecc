"""Duplicate detection: when two postings are the same job.

Pure functions: URL normalization (tracking parameters stripped), company keys, content
hashes and 64-bit SimHash fingerprints of descriptions, and the decision that links a new
posting to a canonical job (same requisition → same normalized URL → ``same_job`` within the
company: the same title is not enough, the place or the text must agree too).
"""
from __future__ import annotations

import hashlib
import json
import re
import unicodedata
import zlib
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

TRACKING_PARAMS = frozenset({
    "gh_src", "gh_jid_src", "ref", "referrer", "source", "src", "lever-source", "lever-origin",
    "fbclid", "gclid", "msclkid", "mc_cid", "mc_eid", "trk", "trackingid", "refid", "iis", "iisn",
    "_hsenc", "_hsmi", "campaign", "medium", "origin", "li_fat_id", "ashby_jid_src",
})
_COMPANY_SUFFIX = re.compile(
    r"\b(incorporated|inc|llc|l\.l\.c|ltd|limited|gmbh|ag|s\.?r\.?l|srl|s\.?a|sa|bv|b\.v|plc|corp|corporation|"
    r"co|company|oy|ab|as|sp\. z o\.o|group|holdings?)\.?$")
_WORD = re.compile(r"\w+", re.UNICODE)
SIMHASH_BITS = 64
NEAR_DUPLICATE_DISTANCE = 6  # Hamming distance at or below which two descriptions are one text
LOOSE_TEXT_DISTANCE = 20  # same title, place unknown: the texts must still be alike (random: ~32)
# Skills asked, as a share of the skills either asks (Jaccard): a board showing part of an ad
# (Hacker News keeps the requirements) still names most of them; another opening of the same
# title picks its own from the role's pool.
SKILLS_ALIKE = 0.7
SKILLS_UNLIKE = 0.6
PAY_TOLERANCE = 0.02  # the same pay, once annualized, rounded and converted


def normalize_url(url: str | None) -> str:
    """Scheme-less, lowercase host, no fragment, no tracking parameters, sorted query."""
    if not url:
        return ""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if host.startswith("www."):
        host = host[4:]
    port = f":{parts.port}" if parts.port and parts.port not in (80, 443) else ""
    query = sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                   if not k.lower().startswith("utm_") and k.lower() not in TRACKING_PARAMS)
    path = re.sub(r"/{2,}", "/", parts.path).rstrip("/") or "/"
    return urlunsplit(("", host + port, path, urlencode(query), "")).lstrip("/")


def company_key(company: str | None) -> str:
    """"Acme, Inc." and "ACME" are one employer."""
    text = unicodedata.normalize("NFKD", company or "").encode("ascii", "ignore").decode().lower()
    text = re.sub(r"[^\w\s.&-]", " ", text)
    text = " ".join(text.split())
    for _ in range(2):
        text = _COMPANY_SUFFIX.sub("", text).strip(" ,.-")
    return re.sub(r"[\s.&-]+", "", text) or (company or "").strip().lower()


def title_key(title: str | None) -> str:
    return " ".join(_WORD.findall((title or "").lower()))


def _feature_hash(token: str) -> int:
    return int.from_bytes(hashlib.blake2b(token.encode(), digest_size=8).digest(), "little")


# Bit-parallel counting: each of a hash's 64 bits is spread into its own 16-bit lane of one
# big integer, so adding up all shingles' bits is one integer addition per shingle.
_LANE = 16
_SPREAD = [sum(1 << (_LANE * j) for j in range(8) if byte >> j & 1) for byte in range(256)]
_MAX_SHINGLES = 192  # the opening of a description identifies it; caps the cost of long ones


def _spread(h: int) -> int:
    out = 0
    for i in range(8):
        out |= _SPREAD[h >> (8 * i) & 0xFF] << (_LANE * 8 * i)
    return out


def simhash(text: str | None) -> int | None:
    """64-bit SimHash over word 3-shingles, as a signed integer (fits PostgreSQL bigint)."""
    words = _WORD.findall((text or "").lower())
    if len(words) < 8:
        return None
    shingles = list(dict.fromkeys(" ".join(words[i:i + 3]) for i in range(len(words) - 2)))[:_MAX_SHINGLES]
    total = 0
    for shingle in shingles:
        total += _spread(_feature_hash(shingle))
    half, mask, value = len(shingles) / 2, (1 << _LANE) - 1, 0
    for bit in range(SIMHASH_BITS):
        if (total >> (_LANE * bit) & mask) > half:
            value |= 1 << bit
    return value - (1 << 64) if value >= 1 << 63 else value


def simhash_bands(fingerprint: int | None, company: str) -> list[int] | None:
    """The fingerprint cut into 8 bands of 8 bits, each keyed by the company and its position.

    Two fingerprints at Hamming distance 7 or less share at least one band (pigeonhole), so an
    index on these finds a company's near duplicates without comparing against all its jobs;
    keying by company keeps other companies' jobs out of the lookup.
    """
    if fingerprint is None:
        return None
    value = fingerprint & ((1 << 64) - 1)
    bands = []
    for band in range(8):
        key = zlib.crc32(f"{company}:{band}:{value >> (8 * band) & 0xFF}".encode())
        bands.append(key - (1 << 32) if key >= 1 << 31 else key)  # fits PostgreSQL integer
    return bands


def hamming(a: int, b: int) -> int:
    return ((a ^ b) & ((1 << 64) - 1)).bit_count()


def content_hash(data: dict) -> str:
    """Stable hash of what a posting says; equal hashes mean nothing changed."""
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


@dataclass(frozen=True)
class PostingKeys:
    """Everything dedup compares a posting by, computed once per posting (the fingerprint only
    when asked for: a posting already observed on its source never needs it)."""

    company: str
    title: str
    url: str
    content_hash: str
    description: str | None = None

    @classmethod
    def of(cls, posting) -> "PostingKeys":
        return cls(company=company_key(posting.company), title=title_key(posting.title),
                   url=normalize_url(posting.url), content_hash=content_hash(posting.to_dict()),
                   description=posting.description)

    @cached_property
    def simhash(self) -> int | None:
        return simhash(self.description)

    @cached_property
    def bands(self) -> list[int] | None:
        return simhash_bands(self.simhash, self.company)


@dataclass(frozen=True)
class Candidate:
    """A canonical job a new posting might belong to."""

    job_id: int
    company_key: str
    title_key: str
    simhash: int | None
    country: str | None = None
    sources: frozenset = frozenset()  # source names it is already observed on
    requisitions: frozenset = frozenset()
    city: str | None = None
    skills: frozenset = frozenset()
    annual: float | None = None  # the top of its yearly pay in the base currency
    experience: float | None = None  # years asked


def place(city: str | None, country: str | None, other_city: str | None, other_country: str | None) -> str | None:
    """"same" when both name the city and it is one (the normalizer spells a city one way),
    "different" when the cities or the countries differ, None when it cannot be told."""
    if city and other_city:
        return "same" if city.casefold() == other_city.casefold() else "different"
    if country and other_country and country != other_country:
        return "different"
    return None


def _skills_overlap(skills: frozenset, other: frozenset) -> float | None:
    if not skills or not other:
        return None
    return len(skills & other) / len(skills | other)


def _same_pay(annual: float | None, other: float | None) -> bool | None:
    if not annual or not other:
        return None
    return abs(annual - other) <= PAY_TOLERANCE * max(annual, other)


def same_job(title: str, fingerprint: int | None, company: str, country: str | None, source: str,
             requisition: str | None, candidates: list[Candidate], *, city: str | None = None,
             skills=frozenset(), annual: float | None = None, experience: float | None = None) -> int | None:
    """The canonical job of the same company that this posting is another sighting of, if any.

    Never a candidate already seen on this very source (a board does not list one job twice),
    with another requisition id, or in another place (another city or country: employers copy
    an ad to each office that hires). Otherwise the same job when

    * the description is nearly the same text, or
    * the title is the same and the city too, and the text does not tell them apart (other
      skills asked, other pay, other years of experience), or
    * the title is the same, the place unknown (a remote board names none), and the text agrees:
      alike fingerprints and most skills or the same pay, nothing telling them apart.
    """
    key = title_key(title)
    skills = frozenset(skills)
    best, best_score = None, None
    for candidate in candidates:
        if candidate.company_key != company or source in candidate.sources:
            continue
        if requisition and candidate.requisitions and requisition not in candidate.requisitions:
            continue
        where = place(city, country, candidate.city, candidate.country)
        if where == "different":
            continue
        distance = (hamming(fingerprint, candidate.simhash)
                    if fingerprint is not None and candidate.simhash is not None else None)
        near_text = distance is not None and distance <= NEAR_DUPLICATE_DISTANCE
        overlap = _skills_overlap(skills, candidate.skills)
        pay = _same_pay(annual, candidate.annual)
        unlike = ((overlap is not None and overlap < SKILLS_UNLIKE) or pay is False
                  or (experience is not None and candidate.experience is not None and experience != candidate.experience))
        alike = (not unlike and (distance is None or distance <= LOOSE_TEXT_DISTANCE)
                 and (overlap is None or overlap >= SKILLS_ALIKE or pay is True))
        same_title = candidate.title_key == key
        if not (near_text or (same_title and (not unlike if where == "same" else alike))):
            continue
        score = (0 if near_text else 1, -(overlap or 0.0), distance if distance is not None else 64, candidate.job_id)
        if best_score is None or score < best_score:
            best, best_score = candidate.job_id, score
    return best
