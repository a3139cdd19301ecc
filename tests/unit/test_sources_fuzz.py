"""Adapters are total: random and mutated documents give a ParseResult, never an exception.

Set JOBSIGHT_FUZZ_EXAMPLES for a longer run (default 50 examples per adapter and test).
"""
import html
import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobsight.posting import ParseResult, RawPosting, Skip
from jobsight.sources import ADAPTERS
from jobsight.sources.native import unescape_once

DATA = Path(__file__).parents[1] / "data" / "sources"
URLS = {
    "greenhouse": "https://boards-api.greenhouse.io/v1/boards/acme/jobs?content=true",
    "lever": "https://api.lever.co/v0/postings/acme?mode=json&skip=0&limit=100",
    "ashby": "https://api.ashbyhq.com/posting-api/job-board/acme?includeCompensation=true",
    "remoteok": "https://remoteok.com/api",
    "remotive": "https://remotive.com/api/remote-jobs",
    "arbeitnow": "https://www.arbeitnow.com/api/job-board-api?page=1",
    "hn": "https://hacker-news.firebaseio.com/v0/item/1.json",
    "rss": "https://weworkremotely.com/remote-jobs.rss",
    "jsonld": "https://example.com/careers",
    "rabota": "https://www.rabota.md/ro/vacancies/category/it/1",
}
FIXTURES = {kind: sorted((DATA / kind).iterdir()) for kind in ADAPTERS}
JSON_KINDS = [kind for kind in ADAPTERS if FIXTURES[kind][0].suffix == ".json"]
FUZZ = settings(max_examples=int(os.environ.get("JOBSIGHT_FUZZ_EXAMPLES", "50")), deadline=None, suppress_health_check=[HealthCheck.too_slow])

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=30),
                    st.just(""), st.just("1 YEAR"), st.just("<p>"), st.just(10**30))
json_values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                            st.dictionaries(st.text(max_size=8), inner, max_size=3)),
                           max_leaves=8)


def assert_total(kind: str, document) -> None:
    result = ADAPTERS[kind].parse(document, URLS[kind], None)
    assert isinstance(result, ParseResult)
    assert all(isinstance(p, RawPosting) for p in result.postings)
    assert all(isinstance(s, Skip) for s in result.skipped)
    assert all(isinstance(url, str) for url in result.follow)
    for posting in result.postings:
        assert isinstance(posting.title, str) and isinstance(posting.source_id, str)
        assert posting.date_posted is None or posting.date_posted.utcoffset().total_seconds() == 0


def containers(value, path=()):
    if isinstance(value, (dict, list)):
        yield path
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, child in items:
            yield from containers(child, path + (key,))


def mutate(tree, data) -> None:
    """Drop keys, swap types and shorten lists at a few random places in a JSON tree."""
    paths = list(containers(tree))
    for _ in range(data.draw(st.integers(1, 4))):
        path = data.draw(st.sampled_from(paths))
        node = tree
        try:
            for key in path:
                node = node[key]
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed this place
        if not isinstance(node, (dict, list)) or not node:
            continue
        key = data.draw(st.sampled_from(list(node.keys()) if isinstance(node, dict) else range(len(node))))
        action = data.draw(st.sampled_from(["drop", "replace", "truncate"]))
        if action == "drop":
            del node[key]
        elif action == "replace":
            node[key] = data.draw(json_values)
        elif isinstance(node, list):
            del node[key:]


@pytest.mark.parametrize("kind", sorted(ADAPTERS))
@FUZZ
@given(document=st.one_of(st.binary(max_size=300), st.text(max_size=300)))
def test_random_documents(kind, document):
    assert_total(kind, document)


@pytest.mark.parametrize("kind", sorted(ADAPTERS))
@FUZZ
@given(data=st.data())
def test_truncated_and_spliced_fixtures(kind, data):
    original = data.draw(st.sampled_from(FIXTURES[kind])).read_bytes()
    cut = data.draw(st.integers(0, len(original)))
    start = data.draw(st.integers(0, len(original)))
    junk = data.draw(st.binary(max_size=20))
    assert_total(kind, original[:cut])
    assert_total(kind, original[:start] + junk + original[start + data.draw(st.integers(0, 40)):])


@pytest.mark.parametrize("kind", JSON_KINDS)
@FUZZ
@given(data=st.data())
def test_mutated_json_fixtures(kind, data):
    tree = json.loads(data.draw(st.sampled_from(FIXTURES[kind])).read_bytes())
    mutate(tree, data)
    assert_total(kind, json.dumps(tree))


@pytest.mark.parametrize("kind", JSON_KINDS)
@FUZZ
@given(value=json_values)
def test_arbitrary_json(kind, value):
    assert_total(kind, json.dumps(value))


@pytest.mark.parametrize("kind", ["jsonld"])
@FUZZ
@given(block=json_values, posting=st.dictionaries(
    st.sampled_from(["title", "description", "datePosted", "hiringOrganization", "jobLocation", "baseSalary",
                     "employmentType", "identifier", "experienceRequirements", "jobLocationType",
                     "applicantLocationRequirements", "url", "@id"]), json_values, max_size=8))
def test_arbitrary_json_ld_blocks(kind, block, posting):
    page = ('<html><head><script type="application/ld+json">%s</script>'
            '<script type="application/ld+json">%s</script></head></html>'
            % (json.dumps(block), json.dumps({"@type": "JobPosting", **posting})))
    assert_total(kind, page)


@FUZZ
@given(parts=st.lists(st.sampled_from(["&", "lt;", "gt;", "amp;", "quot;", "#x27;", "#39;", "#60;", "nbsp",
                                               ";", "<", "p", " ", "lt", "&amp;lt;"]), max_size=40))
def test_unescape_once_equals_html_unescape(parts):
    text = "".join(parts)
    assert unescape_once(text) == html.unescape(text)
