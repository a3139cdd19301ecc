"""When two postings are the same job: URL keys, company keys, fingerprints and the rules."""
import random

import pytest
from hypothesis import given, settings, strategies as st

from jobsight import dedup
from jobsight.dedup import Candidate


@pytest.mark.parametrize("a, b", [
    ("https://www.Example.com/jobs/123/?utm_source=x&gh_src=abc#apply", "http://example.com/jobs/123"),
    ("https://jobs.example.com/p/9?b=2&a=1&ref=remoteok", "https://jobs.example.com/p/9?a=1&b=2"),
    ("https://example.com:443/x//y/", "https://example.com/x/y"),
])
def test_tracking_and_cosmetics_do_not_change_the_url_key(a, b):
    assert dedup.normalize_url(a) == dedup.normalize_url(b)


def test_meaningful_query_parameters_stay():
    assert dedup.normalize_url("https://a.com/jobs?gh_jid=1") != dedup.normalize_url("https://a.com/jobs?gh_jid=2")


@pytest.mark.parametrize("names", [("Acme, Inc.", "ACME", "acme inc"), ("Pixel Forge GmbH", "Pixel Forge"),
                                   ("Datum S.R.L.", "Datum SRL", "datum")])
def test_legal_suffixes_and_case_do_not_split_a_company(names):
    assert len({dedup.company_key(n) for n in names}) == 1


def text_of(rng, n=300):
    words = [f"w{rng.randrange(3000)}" for _ in range(n)]
    return " ".join(words)


def test_near_identical_descriptions_have_close_fingerprints_and_others_do_not():
    rng = random.Random(3)
    base = text_of(rng)
    edited = base.replace(base.split()[10], "changed", 1) + " apply now"
    other = text_of(rng)
    assert dedup.hamming(dedup.simhash(base), dedup.simhash(edited)) <= dedup.NEAR_DUPLICATE_DISTANCE
    assert dedup.hamming(dedup.simhash(base), dedup.simhash(other)) > 20
    assert dedup.simhash("too short to fingerprint") is None


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=-(2**63), max_value=2**63 - 1), st.sets(st.integers(0, 63), max_size=7))
def test_fingerprints_within_seven_bits_always_share_a_band(fingerprint, flips):
    other = fingerprint
    for bit in flips:
        other ^= 1 << bit
    other = other - (1 << 64) if other >= 1 << 63 else other
    assert set(dedup.simhash_bands(fingerprint, "acme")) & set(dedup.simhash_bands(other, "acme"))


def test_bands_are_keyed_by_company():
    assert not set(dedup.simhash_bands(12345, "acme")) & set(dedup.simhash_bands(12345, "globex"))


def candidate(job_id, title="Backend Engineer", country="DE", simhash=None, sources=(), requisitions=()):
    return Candidate(job_id, "acme", dedup.title_key(title), simhash, country, frozenset(sources),
                     frozenset(requisitions))


def test_same_title_and_place_is_the_same_job():
    assert dedup.same_job("Backend Engineer", None, "acme", "DE", "lever-acme", None, [candidate(1)]) == 1


@pytest.mark.parametrize("why, kwargs, cand", [
    ("another country", {"country": "FR"}, candidate(1)),
    ("already seen on this board", {"source": "lever-acme"}, candidate(1, sources={"lever-acme"})),
    ("different requisitions", {"requisition": "R-2"}, candidate(1, requisitions={"R-1"})),
    ("another title, unrelated text", {"title": "Data Analyst", "fingerprint": 0}, candidate(1, simhash=-1)),
])
def test_what_tells_two_postings_apart(why, kwargs, cand):
    args = {"title": "Backend Engineer", "fingerprint": None, "company": "acme", "country": "DE",
            "source": "greenhouse-acme", "requisition": None, **kwargs}
    assert dedup.same_job(args["title"], args["fingerprint"], args["company"], args["country"], args["source"],
                          args["requisition"], [cand]) is None, why


def test_near_identical_text_merges_even_under_another_title():
    assert dedup.same_job("Sr. Backend Dev", 0b1011, "acme", None, "hn", None,
                          [candidate(7, title="Senior Backend Developer", simhash=0b1001)]) == 7


def test_an_unknown_place_needs_the_text_to_agree_too():
    far = candidate(1, country=None, simhash=(1 << 40) - 1)
    assert dedup.same_job("Backend Engineer", 0, "acme", None, "remotive", None, [far]) is None
    near = candidate(2, country=None, simhash=0b111)
    assert dedup.same_job("Backend Engineer", 0, "acme", None, "remotive", None, [near]) == 2


# -- same company and title: the place or the text must agree too ---------------------------

def sighting(candidates, **kwargs):
    args = {"title": "Backend Engineer", "fingerprint": None, "company": "acme", "country": "DE",
            "source": "hn", "requisition": None, **kwargs}
    extra = {key: args.pop(key) for key in ("city", "skills", "annual", "experience") if key in args}
    return dedup.same_job(args["title"], args["fingerprint"], args["company"], args["country"], args["source"],
                          args["requisition"], candidates, **extra)


def office(job_id, city="Berlin", skills=("Python", "Django", "PostgreSQL"), annual=None, experience=None,
           simhash=None, country="DE"):
    return Candidate(job_id, "acme", "backend engineer", simhash, country, city=city, skills=frozenset(skills),
                     annual=annual, experience=experience)


def test_an_ad_copied_to_another_office_is_another_job():
    # Same company, title and text, another city: each office hires.
    assert sighting([office(1, city="Munich", simhash=0b1011)], city="Berlin", fingerprint=0b1011) is None
    assert sighting([office(1, city="Berlin", simhash=0b1011)], city="Berlin", fingerprint=0b1011) == 1


def test_same_title_and_city_merge_unless_the_text_tells_them_apart():
    python = {"Python", "Django", "PostgreSQL"}
    assert sighting([office(1)], city="Berlin", skills=python) == 1
    assert sighting([office(1)], city="Berlin", skills={"Python", "Kafka", "Go", "Rust"}) is None  # other skills
    assert sighting([office(1, annual=70000)], city="Berlin", skills=python, annual=90000) is None  # other pay
    assert sighting([office(1, experience=5)], city="Berlin", skills=python, experience=2) is None  # other years
    assert sighting([office(1, annual=70000)], city="Berlin", skills=python, annual=70500) == 1  # rounding


def test_an_unknown_place_takes_the_text_agreeing():
    remote = office(1, city=None, country=None, simhash=0b1111)
    alike = 0b1111 ^ (0x3FF << 20)  # 10 bits apart: alike, not the same text
    skills = {"Python", "Django", "PostgreSQL", "Docker"}
    assert sighting([remote], country=None, fingerprint=alike, skills=skills) == 1  # 3 of 4 skills
    assert sighting([remote], country=None, fingerprint=alike, skills={"Python", "Go", "Kafka"}) is None
    assert sighting([remote], country=None, fingerprint=(1 << 40) - 1, skills=skills) is None  # far text
    paid = office(2, city=None, country=None, skills=(), annual=80000)
    assert sighting([paid], country=None, annual=80000) == 2  # no skills on either: the same pay


def test_the_closest_candidate_wins():
    assert sighting([office(1, skills=("Python",)), office(2)], city="Berlin",
                    skills={"Python", "Django", "PostgreSQL"}) == 2
