import json
from datetime import datetime, timezone
from pathlib import Path

from jobsight.sources import hn

DATA = Path(__file__).parents[1] / "data" / "sources" / "hn"
SOURCE = {"kind": "hn", "base_url": "https://hacker-news.firebaseio.com", "search_url": "https://hn.algolia.com"}


def comment(n: int) -> bytes:
    return (DATA / f"comment-{n}.json").read_bytes()


def item_url(item_id: int) -> str:
    return f"https://hacker-news.firebaseio.com/v0/item/{item_id}.json"


def test_start_urls_search_or_thread():
    assert hn.start_urls(SOURCE) == ["https://hn.algolia.com/api/v1/search_by_date?tags=story,author_whoishiring"]
    assert hn.start_urls({**SOURCE, "base_url": "http://demo/hn", "thread_id": 123}) == ["http://demo/hn/v0/item/123.json"]


def test_search_picks_newest_who_is_hiring_not_who_wants_to_be_hired():
    result = hn.parse((DATA / "search.json").read_bytes(), hn.start_urls(SOURCE)[0], SOURCE)
    assert result.follow == [item_url(40224213)]


def test_search_without_thread_is_a_skip():
    result = hn.parse(json.dumps({"hits": [{"title": "Ask HN: Who wants to be hired?", "objectID": "1"}]}), "u", SOURCE)
    assert result.follow == [] and len(result.skipped) == 1


def test_story_follows_its_comments_on_the_same_items_host():
    result = hn.parse((DATA / "story.json").read_bytes(), "http://demo:8000/hn/v0/item/40224213.json", None)
    assert result.follow[0] == "http://demo:8000/hn/v0/item/40224300.json" and len(result.follow) == 5


def test_conforming_comment_fields_are_detected():
    posting = hn.parse(comment(1), item_url(40224300), SOURCE).postings[0]
    assert posting.company == "Acme Robotics" and posting.title == "Senior Embedded Engineer"
    assert posting.location == "Boston, MA" and posting.workplace == "onsite"
    assert posting.salary_text == "$150k-$190k"
    assert posting.extra["apply_url"] == "https://acme.example/jobs"
    assert posting.url == "https://news.ycombinator.com/item?id=40224300" and posting.source_id == "40224300"
    assert posting.date_posted == datetime.fromtimestamp(1714580000, tz=timezone.utc)
    assert "<p>We&#x27;re building" in posting.description


def test_fields_in_another_order():
    second = hn.parse(comment(2), item_url(40224301)).postings[0]
    assert (second.company, second.workplace, second.employment_type) == ("Globex", "remote", "Full-time")
    assert second.title == "Full-stack Developer, Data Scientist"
    fifth = hn.parse(comment(5), item_url(40224304)).postings[0]
    assert (fifth.company, fifth.title, fifth.location, fifth.workplace) == (
        "Initech", "Backend Engineer (Go)", "Berlin, Germany", "hybrid")
    assert fifth.salary_text == "€70,000 – €90,000"


def test_workplace_details_in_parentheses_are_not_the_location():
    def header(line):
        item = {"id": 77, "type": "comment", "time": 1738600000, "text": line + "<p>We build things."}
        return hn.parse(json.dumps(item), item_url(77)).postings[0]

    hybrid = header("Maplewave | Senior Data Engineer | Toronto, ON | HYBRID (2 days in office) | $145k")
    assert (hybrid.location, hybrid.workplace) == ("Toronto, ON", "hybrid")
    onsite = header("Acme | Engineer | ONSITE (flexible hours) | Austin, TX")
    assert (onsite.location, onsite.workplace) == ("Austin, TX", "onsite")
    remote = header("Globex | Engineer | REMOTE (US)")
    assert (remote.location, remote.workplace) == ("REMOTE (US)", "remote")
    zones = header("Globex | Engineer | REMOTE (UTC-5 to UTC+1)")
    assert (zones.location, zones.workplace) == ("REMOTE (UTC-5 to UTC+1)", "remote")


def test_non_conforming_and_deleted_comments_are_skipped():
    for n in (3, 4):
        result = hn.parse(comment(n), item_url(40224300 + n - 1))
        assert result.postings == [] and len(result.skipped) == 1
    assert hn.parse(b"null", item_url(1)).skipped[0].reason == "no such item"
    dead = {"id": 9, "type": "comment", "dead": True, "text": "A | Engineer"}
    assert hn.parse(json.dumps(dead), item_url(9)).postings == []
