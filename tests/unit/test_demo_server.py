"""The demo boards as an adapter sees them: native URL layouts, shapes and traps."""
import html
import re
from xml.etree import ElementTree

import pytest
import yaml
from werkzeug.test import Client

from jobsight.demo import DemoWorld, default_sources, make_app
from jobsight.demo import links


@pytest.fixture
def world():
    return DemoWorld(seed=42, count=3000)


@pytest.fixture
def client(world):
    return Client(make_app(world))


def _greenhouse_board(world):
    return max(world.boards("greenhouse"), key=lambda b: len(world.visible("greenhouse", b)))


def test_same_seed_serves_the_same_bytes():
    urls = ["/remoteok/api", "/wwr/remote-jobs.rss", "/rabota/ro/vacancies/category/it/1",
            "/arbeitnow/api/job-board-api?page=2"]
    a, b = Client(make_app(DemoWorld(seed=3))), Client(make_app(DemoWorld(seed=3)))
    for url in urls:
        assert a.get(url).data == b.get(url).data


def test_remoteok_starts_with_the_legal_notice(client):
    data = client.get("/remoteok/api").json
    assert set(data[0]) == {"last_updated", "legal"}
    assert len(data) > 20 and all("position" in job for job in data[1:])
    assert all(isinstance(j["salary_min"], int) for j in data[1:])


def test_greenhouse_content_is_entity_escaped_and_pay_needs_the_flag(client, world):
    board = _greenhouse_board(world)
    data = client.get(f"/greenhouse/v1/boards/{board}/jobs?content=true").json
    assert data["meta"]["total"] == len(data["jobs"]) > 0
    job = data["jobs"][0]
    assert job["content"].startswith("&lt;") and "<" not in job["content"]
    assert "<p>" in html.unescape(job["content"])
    assert all("pay_input_ranges" not in j for j in data["jobs"])
    paid = client.get(f"/greenhouse/v1/boards/{board}/jobs?content=true&pay_transparency=true").json
    ranges = [r for j in paid["jobs"] for r in j["pay_input_ranges"]]
    assert ranges and all(isinstance(r["min_cents"], int) for r in ranges)
    kinds = {type(j["requisition_id"]) for b in world.boards("greenhouse")
             for j in client.get(f"/greenhouse/v1/boards/{b}/jobs").json["jobs"]}
    assert kinds == {str, int, type(None)}
    assert client.get("/greenhouse/v1/boards/no-such-board/jobs").status_code == 404


def test_arbeitnow_pages_until_links_next_is_null(client, world):
    url, seen, pages = "/arbeitnow/api/job-board-api?page=1", [], 0
    while url:
        data = client.get(url).json
        seen += [job["slug"] for job in data["data"]]
        url = data["links"]["next"]
        pages += 1
    assert pages > 1 and len(seen) == len(set(seen)) == len(world.visible("arbeitnow"))
    assert client.get("/arbeitnow/api/job-board-api?page=999").json["data"] == []
    assert any(j.lang == "de" for j in world.visible("arbeitnow"))


def test_lever_pages_with_skip_and_limit(client, world):
    site = max(world.boards("lever"), key=lambda b: len(world.visible("lever", b)))
    everything = client.get(f"/lever/v0/postings/{site}?mode=json").json
    paged, skip = [], 0
    while True:
        page = client.get(f"/lever/v0/postings/{site}?mode=json&skip={skip}&limit=5").json
        if not page:
            break
        paged += page
        skip += 5
    assert [p["id"] for p in paged] == [p["id"] for p in everything]
    intervals = {p["salaryRange"]["interval"] for b in world.boards("lever")
                 for p in client.get(f"/lever/v0/postings/{b}?mode=json").json if "salaryRange" in p}
    assert intervals <= {"per-year-salary", "per-month-salary", "per-hour-wage"}
    assert all(p["lists"] for p in everything)


def test_ashby_compensation_components(client, world):
    comps = [j["compensation"] for b in world.boards("ashby")
             for j in client.get(f"/ashby/posting-api/job-board/{b}?includeCompensation=true").json["jobs"]]
    parts = [c for comp in comps for c in comp["summaryComponents"]]
    assert {"1 YEAR", "1 HOUR"} <= {c["interval"] for c in parts if c["compensationType"] == "Salary"}


def test_hn_has_the_wants_to_be_hired_story_and_a_hiring_thread(client):
    hits = client.get("/hn-algolia/api/v1/search_by_date?tags=story,author_whoishiring").json["hits"]
    assert hits[0]["title"].startswith("Ask HN: Who wants to be hired?")
    thread = next(h for h in hits if h["title"].startswith("Ask HN: Who is hiring?"))
    story = client.get(f"/hn/v0/item/{thread['objectID']}.json").json
    comments = [client.get(f"/hn/v0/item/{kid}.json").json for kid in story["kids"][:60]]
    assert any(c.get("deleted") for c in comments)
    postings = [c for c in comments if " | " in c.get("text", "")]
    assert len(postings) > 40
    assert all(c["type"] == "comment" and c["parent"] == story["id"] for c in comments)
    assert client.get("/hn/v0/item/123.json").data == b"null"


def test_rabota_listing_is_empty_past_the_last_page(client, world):
    first = client.get("/rabota/ro/vacancies/category/it/1").get_data(as_text=True)
    listing = first.split('<div class="vacancy-list">', 1)[1].split('<div class="pagination">')[0]
    hrefs = re.findall(r'href="(/rabota/ro/locuri-de-munca/[^"]+/\d+)"', listing)
    assert len(hrefs) == 20
    detail = client.get(hrefs[0]).get_data(as_text=True)
    assert 'class="vc_detail"' in detail and "Experiența de munca" in detail
    assert re.search(r'<span class="vacancy-id">[^<]*<span>\d\d\.\d\d\.\d{4}</span>', detail)
    past = client.get("/rabota/ro/vacancies/category/it/500").get_data(as_text=True)
    assert '<div class="vacancy-list"></div>' in past


def test_rss_feed_parses_and_honours_etag(client):
    response = client.get("/wwr/remote-jobs.rss")
    items = ElementTree.fromstring(response.data).findall("./channel/item")
    assert items and all(": " in i.findtext("title") for i in items)
    again = client.get("/wwr/remote-jobs.rss", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


def test_etag_changes_when_time_moves(client):
    etag = client.get("/remotive/api/remote-jobs").headers["ETag"]
    assert client.post("/_demo/advance?days=3").json["day"] == 3
    response = client.get("/remotive/api/remote-jobs", headers={"If-None-Match": etag})
    assert response.status_code == 200


def test_jsonld_career_pages_carry_job_postings(client, world):
    slug = next(s for s in world.boards("jsonld") if world.visible("jsonld", s))
    index = client.get(f"/careers/{slug}/").get_data(as_text=True)
    assert "application/ld+json" not in index
    pages = re.findall(rf'href="(/careers/{slug}/jobs/\d+)"', index)
    page = client.get(pages[0]).get_data(as_text=True)
    assert '"JobPosting"' in page and "Powered by React" in page


def test_same_job_on_several_boards_keeps_title_and_requisition(client, world):
    job = next(j for j in world.visible("greenhouse")
               if ("jsonld", j.company.slug) in j.boards and j.requisition_id)
    gh = client.get(f"/greenhouse/v1/boards/{job.company.slug}/jobs").json["jobs"]
    posted = next(p for p in gh if p["id"] == links.greenhouse_id(job))
    page = client.get(links.careers_url("", job)).get_data(as_text=True)
    assert job.title in page and str(posted["requisition_id"]) == job.requisition_id
    assert job.requisition_id in page
    assert posted["absolute_url"].split("?")[0] == links.careers_url("http://localhost", job)


def test_advance_closes_jobs_and_reset_restores(client):
    before = client.get("/_demo/state").json
    assert before["day"] == 0 and sum(before["visible_per_kind"].values()) > 2500
    client.post("/_demo/advance?days=30")
    after = client.get("/_demo/state").json
    assert after["visible_per_kind"] != before["visible_per_kind"]
    assert client.post("/_demo/advance?days=nope").status_code == 400
    assert client.post("/_demo/reset").json["visible_per_kind"] == before["visible_per_kind"]


def test_sources_list_points_at_every_board(client):
    sources = default_sources("http://127.0.0.1:8100")
    kinds = [s["kind"] for s in sources]
    assert kinds.count("greenhouse") == 20 and kinds.count("lever") == 15 and kinds.count("ashby") == 10
    assert set(kinds) == {"greenhouse", "lever", "ashby", "remoteok", "remotive", "arbeitnow",
                          "hn", "rss", "jsonld", "rabota"}
    served = yaml.safe_load(client.get("/_demo/sources.yml").data)["sources"]
    assert len(served) == len(sources)


def test_robots_allows_all_but_private(client):
    text = client.get("/robots.txt").get_data(as_text=True)
    assert "Disallow: /private/" in text
