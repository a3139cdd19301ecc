"""The web app in a real browser, as a job seeker uses it: search through typos, filters and facets
with the back button, a job and its boards, insights whose numbers are the API's, an account
whose alerts arrive live, and a phone's width. Every page's console stays free of errors."""
import re
import time
import uuid
from urllib.parse import parse_qs, quote, urlsplit

import pytest
import requests
from playwright.sync_api import expect

from tests.integration.conftest import wait_for_quiet_queues
from tests.web.conftest import jobs_text, snap

pytestmark = pytest.mark.integration


def search_api(gateway, **params):
    answer = requests.get(f"{gateway}/jobs", params=params, timeout=30)
    assert answer.status_code == 200, answer.text
    return answer.json()


def query_of(page) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(page.url).query).items()}


def nav(page):
    return page.get_by_role("navigation", name="Main")


def expect_results(page, answer):
    """The page shows exactly the API's page of results, under the API's total."""
    expect(page.locator("#results-heading")).to_contain_text(jobs_text(answer["total"]))
    expect(page.locator(".results-column")).to_have_attribute("aria-busy", "false")
    expect(page.locator(".job-card h3")).to_have_text([r["title"] for r in answer["results"]])


def test_a_misspelt_search_lists_python_jobs(pages, gateway, demo_jobs):
    page = pages.new()
    page.goto("/?q=pyhton+developer")
    expect(page.locator("#q")).to_have_value("pyhton developer")
    answer = search_api(gateway, q="pyhton developer")
    expect_results(page, answer)
    titles = [r["title"].lower() for r in answer["results"][:5]]
    assert sum("python" in title for title in titles) >= 4, titles

    # A card: the stated salary with the annualized EUR figure beside it, skills, first seen.
    stated = next((r for r in answer["results"] if r["salary_currency"] and r["annual_min"]
                   and (r["salary_period"], r["salary_currency"]) != ("year", "EUR")), None)
    if stated is not None:
        card = page.locator(".job-card").filter(has=page.locator(f'a[href="/job/{stated["job_id"]}"]'))
        expect(card.locator(".salary .annual")).to_contain_text(f"€{round(stated['annual_min']):,}")
        expect(card.locator(".salary .annual")).to_contain_text("a year")
    first = page.locator(".job-card").first
    expect(first.locator(".skills .chip").first).to_have_text(answer["results"][0]["skills"][0])
    expect(first.locator(".seen")).to_contain_text("First seen")
    snap(page, "search")


def test_a_filter_and_a_facet_change_the_url_and_results_and_back_restores_them(pages, gateway, demo_jobs):
    page = pages.new()
    page.goto("/?q=developer")
    everything = search_api(gateway, q="developer")
    expect_results(page, everything)

    page.select_option("#remote", "remote")
    expect(page).to_have_url(re.compile(r"[?&]remote=remote"))
    remote = search_api(gateway, q="developer", remote="remote")
    expect_results(page, remote)
    assert remote["total"] < everything["total"]
    expect(page.locator(".job-card .badge.remote")).to_have_count(len(remote["results"]))

    skill = remote["facets"]["skills"][0][0]
    facet = page.locator(".facet-group[aria-labelledby=facet-skills] .facet").filter(
        has=page.locator(".facet-label", has_text=re.compile(f"^{re.escape(skill)}$")))
    expect(facet.locator(".facet-count")).to_have_text(f"{remote['facets']['skills'][0][1]:,}")
    facet.click()
    expect(page).to_have_url(re.compile(r"[?&]skills="))
    assert query_of(page) == {"q": "developer", "remote": "remote", "skills": skill}
    both = search_api(gateway, q="developer", remote="remote", skills=skill)
    expect_results(page, both)
    expect(facet).to_have_attribute("aria-pressed", "true")
    snap(page, "search-filtered")

    page.go_back()
    assert query_of(page) == {"q": "developer", "remote": "remote"}
    expect_results(page, remote)
    expect(facet).to_have_attribute("aria-pressed", "false")
    expect(page.locator("#remote")).to_have_value("remote")

    page.go_back()
    assert query_of(page) == {"q": "developer"}
    expect_results(page, everything)
    expect(page.locator("#remote")).to_have_value("")


def test_a_job_page_lists_every_board_it_was_seen_on(pages, gateway, demo_jobs):
    found = None
    for number in range(1, 11):
        listing = search_api(gateway, page=number)
        found = next((r for r in listing["results"] if r["n_sources"] >= 2), None)
        if found:
            break
    assert found, "no job on two boards among the newest 200"
    job = requests.get(f"{gateway}/jobs/{found['job_id']}", timeout=30).json()

    page = pages.new()
    page.goto(f"/?page={number}" if number > 1 else "/")
    page.locator(f'.job-card a[href="/job/{job["job_id"]}"]').click()
    expect(page).to_have_url(re.compile(f"/job/{job['job_id']}$"))
    expect(page.locator("h1")).to_have_text(job["title"])
    expect(page.locator("#job-sources")).to_have_text(f"Seen on {len(job['sources'])} boards")
    rows = page.locator("table.sources tbody tr")
    expect(rows).to_have_count(len(job["sources"]))
    expect(rows.locator("th")).to_have_text([s["source_name"] for s in job["sources"]])
    links = [rows.nth(i).locator("a").get_attribute("href") for i in range(len(job["sources"]))]
    assert links == [s["url"] for s in job["sources"]]
    snap(page, "job")

    page.get_by_role("link", name="← Back to search").click()
    expect(page).to_have_url(re.compile(r"/(\?page=\d+)?$"))
    expect(page.locator(f'.job-card a[href="/job/{job["job_id"]}"]')).to_be_visible()


def numbers(page, card: str) -> list[list[str]]:
    """A card's table: each row's label, then each cell's raw value."""
    return page.eval_on_selector_all(
        f"#{card} tbody tr",
        "rows => rows.map(r => [r.querySelector('th').textContent, "
        "...[...r.querySelectorAll('td')].map(td => td.dataset.value)])")


def drawn(page, card: str) -> bool:
    """The card's canvas has pixels painted on it."""
    return page.eval_on_selector(
        f"#{card} canvas",
        "c => c.width > 0 && c.height > 0 && "
        "c.getContext('2d').getImageData(0, 0, c.width, c.height).data.some((v, i) => i % 4 === 3 && v > 0)")


def close(shown: str, expected) -> bool:
    return expected is None and shown == "" or expected is not None and abs(float(shown) - float(expected)) < 1e-6


def test_insights_draw_charts_whose_numbers_are_the_apis(pages, gateway, demo_jobs):
    q = "data engineer"
    get = lambda path, **params: requests.get(f"{gateway}{path}", params=params, timeout=30).json()  # noqa: E731
    demand = get(f"/generate-insight-skills-by-demand/{quote(q)}")[:15]
    co = get("/insights/co-skills", keywords=q, limit=15)
    salary = get("/insights/salary", title=q)
    experience = get("/insights/experience", keywords=q)
    remote = get("/insights/remote-share", keywords=q)
    companies = get("/insights/companies", keywords=q, limit=10)
    trend = get(f"/insights/skills/{quote(demand[0][0])}/trend", weeks=12)

    page = pages.new()
    page.goto("/insights?q=data+engineer")
    cards = ["insight-demand", "insight-salary", "insight-experience", "insight-remote", "insight-companies",
             "insight-coskills", "insight-trend"]
    for card in cards:
        expect(page.locator(f"#{card}")).to_have_attribute("aria-busy", "false")
        expect(page.locator(f"#{card} canvas")).to_be_visible()
        page.locator(f"#{card} details summary").click()
    expect(page.locator("#insight-trend h2")).to_have_text(f"Weekly trend: {demand[0][0]}")

    samples = {"insight-demand": co["sample_size"], "insight-salary": salary["sample_size"],
               "insight-experience": experience["sample_size"], "insight-remote": remote["sample_size"],
               "insight-companies": companies["sample_size"], "insight-coskills": co["sample_size"],
               "insight-trend": trend["sample_size"]}
    for card, size in samples.items():
        expect(page.locator(f"#{card} .sample")).to_have_attribute("data-sample", str(size))
        expect(page.locator(f"#{card} .sample")).to_contain_text(f"{size:,}")

    assert numbers(page, "insight-demand") == [[skill, str(n)] for skill, n in demand]
    assert [row[0] for row in numbers(page, "insight-coskills")] == [s["skill"] for s in co["skills"]]
    assert all(close(jobs, s["jobs"]) and close(share, s["share"])
               for (_, jobs, share), s in zip(numbers(page, "insight-coskills"), co["skills"]))
    shown = numbers(page, "insight-salary")
    assert [row[0] for row in shown] == ["25th percentile", "50th percentile", "75th percentile", "90th percentile"]
    assert all(close(value, salary["percentiles"][name]) for (_, value), name in zip(shown, ("p25", "p50", "p75", "p90")))
    shown = numbers(page, "insight-experience")
    assert len(shown) == len(experience["buckets"])
    assert all(close(jobs, b["jobs"]) and close(share, b["share"]) for (_, jobs, share), b in zip(shown, experience["buckets"]))
    shown = numbers(page, "insight-remote")
    assert [(jobs, share) for _, jobs, share in shown] == [
        (str(v["jobs"]), "" if v["share"] is None else str(v["share"])) for v in remote["workplaces"].values()]
    shown = numbers(page, "insight-companies")
    assert [row[0] for row in shown] == [c["company"] for c in companies["companies"]]
    assert all(close(jobs, c["open_jobs"]) for (_, jobs, _), c in zip(shown, companies["companies"]))
    assert [jobs for _, jobs in numbers(page, "insight-trend")] == [str(w["new_jobs"]) for w in trend["weeks"]]

    for card in cards:
        assert drawn(page, card), f"{card} drew nothing"
    snap(page, "insights")


def test_an_alert_arrives_live_as_a_toast_and_the_inbox_counts_it(pages, gateway, demo_jobs, rpc, config, held_out):
    page = pages.new()
    page.goto("/account")
    email = f"web-{uuid.uuid4().hex[:10]}@example.com"
    page.fill("#signup-name", "Ana")
    page.fill("#signup-email", email)
    page.fill("#signup-password", "correct horse")
    page.get_by_role("button", name="Sign up").click()
    expect(page.locator(".account-summary")).to_contain_text(f"Logged in as {email}")

    # Type-ahead from the taxonomy, by keyboard.
    page.locator("#subscribe-skill").type("pyth")
    expect(page.locator("#subscribe-skill-list [role=option]").first).to_contain_text("Python")
    page.keyboard.press("ArrowDown")
    expect(page.locator("#subscribe-skill")).to_have_attribute("aria-activedescendant", "subscribe-skill-option-0")
    page.keyboard.press("Enter")
    expect(page.locator("[role=status].success")).to_have_text("Subscribed to Python.")
    expect(page.locator("ul[aria-label='Your skills']")).to_have_text("Python ×")
    expect(page.get_by_text("Live alerts are on")).to_be_visible()
    expect(page.locator(".badge.count")).to_have_count(0)

    rpc.scraper.run_source(held_out["name"])
    toast = page.locator(".toast").first
    expect(toast).to_be_visible(timeout=60_000)
    expect(toast).to_contain_text("Matches your skill Python")
    snap(page, "alert-toast")

    token = page.evaluate("JSON.parse(localStorage.getItem('jobsight.session')).token")
    headers = {"Authorization": f"Bearer {token}"}
    wait_for_quiet_queues(config)
    inbox = requests.get(f"{gateway}/notifications", headers=headers, timeout=30).json()
    assert inbox["unread"] >= 1
    expect(page.locator(".badge.count")).to_have_attribute("data-unread", str(inbox["unread"]))
    assert page.locator(".toast").count() == min(inbox["unread"], 4)

    toast.get_by_role("button", name="Mark as read").click()
    expect(page.locator(".badge.count")).to_have_attribute("data-unread", str(inbox["unread"] - 1))
    assert requests.get(f"{gateway}/notifications", headers=headers, timeout=30).json()["unread"] == inbox["unread"] - 1

    nav(page).get_by_role("link", name=re.compile("^Inbox")).click()
    expect(page.locator(".notification")).to_have_count(min(inbox["total"], 20))
    expect(page.locator(".notification.unread")).to_have_count(min(inbox["total"], 20) - 1)
    expect(page.locator(".inbox-summary")).to_have_text(f"{inbox['unread'] - 1:,} unread.")
    snap(page, "inbox")

    # A reload keeps the session (the token is kept until it expires); logging out drops it.
    page.reload()
    expect(nav(page).get_by_role("link", name=re.compile("^Inbox"))).to_be_visible()
    expect(page.locator(".badge.count")).to_have_attribute("data-unread", str(inbox["unread"] - 1))
    expect(page.locator(".notification")).to_have_count(min(inbox["total"], 20))
    nav(page).get_by_role("link", name="Account").click()
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_text("You are logged out.")).to_be_visible()
    expect(nav(page).get_by_role("link", name="Log in")).to_be_visible()
    assert page.evaluate("localStorage.getItem('jobsight.session')") is None


def test_a_session_the_api_refuses_ends_cleanly_on_reload(pages, gateway):
    # The refused call is logged by the browser itself; nothing else may be.
    page = pages.new(allow=[r"status of 401"])
    page.goto("/inbox")
    page.evaluate("""localStorage.setItem('jobsight.session', JSON.stringify(
        {token: 'forged', userId: 1, email: 'ana@example.com', expiresAt: Math.floor(Date.now() / 1000) + 3600}))""")
    page.reload()
    nav(page).get_by_role("link", name="Log in").click()
    expect(page.get_by_text("Your session has ended. Please log in again.")).to_be_visible()
    assert page.evaluate("localStorage.getItem('jobsight.session')") is None


def test_at_phone_width_nothing_overflows(pages, gateway, demo_jobs):
    job_id = search_api(gateway, q="python developer")["results"][0]["job_id"]
    page = pages.new(width=375, height=812)
    views = [("phone-search", "/?q=python+developer", ".job-card"),
             ("phone-job", f"/job/{job_id}", "#job-sources"),
             ("phone-insights", "/insights?q=data+engineer", "#insight-trend canvas"),
             ("phone-account", "/account", "#signup-email")]
    for name, url, ready in views:
        page.goto(url)
        expect(page.locator(ready).first).to_be_visible()
        time.sleep(0.5)  # charts size themselves to their box after the first frame
        wide = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert wide <= 0, f"{url} is {wide}px wider than the phone"
        snap(page, name)
    page.goto("/?q=python+developer")
    page.get_by_role("button", name=re.compile("^Filters")).click()
    expect(page.locator("#location")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    snap(page, "phone-filters")


def test_every_control_has_a_name_and_the_keyboard_reaches_the_filters(pages, gateway, demo_jobs):
    page = pages.new()
    page.goto("/?q=python")
    expect(page.locator(".job-card").first).to_be_visible()
    unnamed = page.evaluate("""[...document.querySelectorAll('input, select, button, a[href], canvas')]
        .filter(e => e.getClientRects().length)
        .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.textContent.trim())
        .map(e => e.outerHTML.slice(0, 100))""")
    assert unnamed == []
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"

    page.focus("#skill-filter")
    page.keyboard.type("pyth")
    expect(page.locator("#skill-filter-list [role=option]").first).to_contain_text("Python")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"[?&]skills=Python"))
    expect_results(page, search_api(gateway, q="python", skills="Python"))
    expect(page.get_by_role("button", name="Remove filter Skill: Python")).to_be_visible()


def test_an_account_can_be_deleted_with_its_password(pages, gateway, system):
    page = pages.new(allow=[r"status of 401"])  # the wrong password, refused as the API documents
    page.goto("/account")
    email = f"gone-{uuid.uuid4().hex[:10]}@example.com"
    page.fill("#signup-name", "Ion")
    page.fill("#signup-email", email)
    page.fill("#signup-password", "correct horse")
    page.get_by_role("button", name="Sign up").click()
    expect(page.locator(".account-summary")).to_contain_text(email)

    page.get_by_role("button", name="Delete account…").click()
    page.fill("#delete-password", "wrong horse")
    page.get_by_role("button", name="Delete my account").click()
    expect(page.locator(".danger-zone [role=alert]")).to_be_visible()
    expect(page.locator(".account-summary")).to_contain_text(email)  # still logged in

    page.fill("#delete-password", "correct horse")
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_text(f"The account {email} is being deleted")).to_be_visible()
    expect(nav(page).get_by_role("link", name="Log in")).to_be_visible()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        login = requests.post(f"{gateway}/login", json={"email": email, "password": "correct horse"}, timeout=10)
        if login.status_code == 401:
            break
        time.sleep(0.5)
    assert login.status_code == 401, login.text
    snap(page, "account-deleted")
