from datetime import datetime, timezone
from pathlib import Path

from jobsight.sources import rss

FEED = (Path(__file__).parents[1] / "data" / "sources" / "rss" / "feed.xml").read_bytes()
URL = "https://weworkremotely.com/remote-jobs.rss"


def test_start_url_default_and_custom_path():
    assert rss.start_urls({"base_url": "http://demo/wwr"}) == ["http://demo/wwr/remote-jobs.rss"]
    assert rss.start_urls({"base_url": "http://demo/wwr", "path": "/categories/remote-programming-jobs.rss"}) == [
        "http://demo/wwr/categories/remote-programming-jobs.rss"]


def test_items_map_with_title_split_on_first_colon():
    result = rss.parse(FEED, URL)
    first, second = result.postings
    assert (first.company, first.title) == ("Hooli", "Senior Go Engineer")
    assert (second.company, second.title) == ("Pied Piper", "Support Lead: EMEA")
    assert first.source_id == "https://weworkremotely.com/remote-jobs/hooli-senior-go-engineer"
    assert second.source_id == "wwr-987654"
    assert first.date_posted == datetime(2024, 5, 6, 14, 3, 11, tzinfo=timezone.utc)
    assert first.location == "Anywhere in the World" and first.employment_type == "Full-Time"
    assert first.tags == ["Back-End Programming"]


def test_cdata_and_entity_encoded_descriptions_both_give_html():
    first, second = rss.parse(FEED, URL).postings
    assert first.description.startswith("<p>Build <strong>distributed</strong>")
    assert second.description == "<p>Lead support &amp; docs.</p>"


def test_item_without_title_is_skipped_and_garbage_is_one_skip():
    assert len(rss.parse(FEED, URL).skipped) == 1
    assert len(rss.parse(b"not xml at all", URL).skipped) == 1
    assert len(rss.parse(b"<html><body>moved</body></html>", URL).skipped) == 1


def test_entities_are_not_expanded():
    bomb = b"""<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>
    <rss><channel><item><title>X: &b;</title><guid>1</guid></item></channel></rss>"""
    result = rss.parse(bomb, URL)
    assert all("aaaaaaaaaa" * 8 not in p.title for p in result.postings)


def test_a_wwr_region_marks_the_posting_remote_and_locates_the_worker():
    first, second = rss.parse(FEED, URL).postings
    assert (first.workplace, first.location) == ("remote", "Anywhere in the World")
    assert (second.workplace, second.location) == ("remote", "Europe Only")


def test_a_feed_without_region_leaves_workplace_to_the_text_or_the_source_config():
    plain = b"""<rss><channel><item><title>Acme: Engineer</title><guid>1</guid>
    <location>Berlin</location></item></channel></rss>"""
    assert rss.parse(plain, URL).postings[0].workplace is None
    assert rss.parse(plain, URL, {"workplace": "hybrid"}).postings[0].workplace == "hybrid"
    assert rss.parse(FEED, URL, {"workplace": "onsite"}).postings[0].workplace == "onsite"


def test_region_only_rss_posting_normalizes_as_remote_in_that_region():
    from jobsight.normalize import normalize

    feed = b"""<rss><channel><item><title>Acme: Engineer</title><guid>1</guid>
    <region>USA Only</region><description>&lt;p&gt;Build APIs.&lt;/p&gt;</description></item></channel></rss>"""
    posting = normalize(rss.parse(feed, URL).postings[0])
    assert (posting.remote, posting.workplace, posting.country) == (True, "remote", "US")
