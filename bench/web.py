"""The web app in the real browser (Debian's Chromium, driven by Playwright): what a first visit
transfers, and how long a search at 100,000 postings takes to show its first results.

The postings are bench/search.py's: a bench database of its own built by the real migrations and
filled set-based from the demo world; the scraper and the gateway run as real processes on a free
port and a vhost of their own, the gateway serving the built app (``make setup`` builds it).

Transfer: every response of a first visit to ``/`` in a fresh browser context, as encoded on the
wire (gzip), beside the same bytes uncompressed (the baseline). Time to results: from navigation
start to the first frame painted after the first result card exists (a MutationObserver plus
requestAnimationFrame, installed before the app's own scripts), for a cold visit (empty cache),
a warm one (the immutable assets cached) and a search typed into the page; the JSON round trip of
the same search from Python alone is the baseline.

    python bench/web.py                          # 100,000 postings, 3 rounds
    python bench/web.py --postings 20000 --rounds 5
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import requests  # noqa: E402

import search as search_bench  # noqa: E402  (bench/search.py: the bench database and the system's start)
from jobsight.web.static import DEFAULT_ROOT  # noqa: E402

DATABASE = "jobsight_bench_web"
VHOST = "jobsight_bench_web"
CHROMIUM = os.environ.get("JOBSIGHT_CHROMIUM", "/usr/bin/chromium")  # Debian's, installed by make setup
CHROMIUM_ARGS = ["--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", "--disable-gpu"]
BUDGET_BYTES = 300 * 1024
SEARCHES = ["python developer", "pyhton developer", "data enginer", "devops engineer", "product manager"]

# Runs in the page before the app: the time of the first frame painted with a result card in it.
FIRST_RESULTS = """
window.__firstResults = null;
new MutationObserver((_, observer) => {
  if (window.__firstResults === null && document.querySelector('.job-card')) {
    observer.disconnect();
    requestAnimationFrame(() => { window.__firstResults = performance.now(); });
  }
}).observe(document, {childList: true, subtree: true});
"""


def first_visit_bytes(browser, base: str) -> dict:
    context = browser.new_context()
    page = context.new_page()
    responses = []
    page.on("requestfinished", lambda request: responses.append(request))
    page.goto(f"{base}/", wait_until="networkidle")
    page.wait_for_selector(".job-card")
    rows = []
    for request in responses:
        response = request.response()
        sizes = request.sizes()
        plain = len(requests.get(request.url, headers={"Accept-Encoding": "identity"}, timeout=30).content)
        rows.append({"url": request.url.removeprefix(base), "status": response.status if response else None,
                     "headers": sizes["responseHeadersSize"], "body": sizes["responseBodySize"], "plain": plain,
                     "encoding": (response.headers.get("content-encoding") if response else None) or "-"})
    context.close()
    wire = sum(r["body"] + r["headers"] for r in rows)
    return {"rows": rows, "wire": wire, "headers": sum(r["headers"] for r in rows),
            "body": sum(r["body"] for r in rows), "plain": sum(r["plain"] for r in rows),
            "app": sum(r["body"] + r["headers"] for r in rows if r["url"] == "/" or r["url"].startswith("/assets/"))}


def time_to_results(page, url: str) -> dict:
    page.goto(url)
    page.wait_for_function("() => window.__firstResults !== null", timeout=120_000)
    return page.evaluate("""() => {
        const nav = performance.getEntriesByType('navigation')[0];
        const api = performance.getEntriesByType('resource').filter(e => e.name.includes('/jobs?'))[0];
        return {results: window.__firstResults, dom: nav.domContentLoadedEventEnd,
                api: api ? api.responseEnd - api.startTime : null};
    }""")


def typed_search(page, words: str) -> float:
    """Milliseconds from pressing Enter in the search box to the new results painted."""
    page.fill("#q", words)
    page.evaluate("""(words) => { window.__typed = null; const heading = document.querySelector('#results-heading');
        new MutationObserver((_, observer) => {
          if (document.querySelector('.results-column[aria-busy=false]') && heading.textContent.includes(`“${words}”`)) {
            observer.disconnect(); requestAnimationFrame(() => { window.__typed = performance.now(); });
          }
        }).observe(document.querySelector('main'), {childList: true, subtree: true, attributes: true,
                                                    characterData: true});
        window.__pressed = performance.now(); }""", words)
    page.press("#q", "Enter")
    page.wait_for_function("() => window.__typed !== null", timeout=120_000)
    return page.evaluate("window.__typed - window.__pressed")


def api_ms(base: str, words: str) -> float:
    t0 = time.perf_counter()
    answer = requests.get(f"{base}/jobs", params={"q": words}, timeout=120)
    assert answer.status_code == 200, answer.text
    return (time.perf_counter() - t0) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postings", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if not (DEFAULT_ROOT / "index.html").exists():
        sys.exit(f"the web app is not built ({DEFAULT_ROOT}): run make setup")
    from playwright.sync_api import sync_playwright

    uri = f"{search_bench.PG}/{DATABASE}"
    print(f"== {args.postings:,} postings ==", flush=True)
    search_bench.recreate_database(uri)
    loaded = search_bench.load(uri, args.postings)
    print(f"loaded in {loaded['total_s']:.0f} s", flush=True)
    search_bench.ensure_vhost(VHOST)
    log_dir = Path(tempfile.mkdtemp(prefix="bench-web-"))
    runner, base = search_bench.start_system(uri, log_dir, vhost=VHOST)
    try:
        for words in SEARCHES:  # the database's caches warm, as on a running system
            api_ms(base, words)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                report(browser, base, args.rounds)
            finally:
                browser.close()
    finally:
        runner.stop()


def report(browser, base: str, rounds: int) -> None:
    visit = first_visit_bytes(browser, base)
    print("\nfirst visit to / (fresh browser context):")
    print(f"  {'response':<44} {'status':>6} {'encoding':>8} {'body sent':>10} {'uncompressed':>13}")
    for row in visit["rows"]:
        print(f"  {row['url'][:44]:<44} {row['status']:>6} {row['encoding']:>8} {row['body']:>10,} {row['plain']:>13,}")
    print(f"  {'bodies':<44} {'':>6} {'':>8} {visit['body']:>10,} {visit['plain']:>13,}")
    print(f"  {'headers':<44} {'':>6} {'':>8} {visit['headers']:>10,}")
    verdict = "within" if visit["wire"] < BUDGET_BYTES else "OVER"
    print(f"  transferred {visit['wire'] / 1024:.1f} KB, headers included ({visit['app'] / 1024:.1f} KB of it the app's "
          f"page and assets), {verdict} the {BUDGET_BYTES // 1024} KB budget; "
          f"baseline, the same bodies uncompressed: {visit['plain'] / 1024:.1f} KB")

    cold, warm, dom, in_page, api_in_page, baseline = [], [], [], [], [], []
    for _ in range(rounds):
        for words in SEARCHES:
            url = f"{base}/?{urlencode({'q': words})}"
            context = browser.new_context()
            context.add_init_script(FIRST_RESULTS)
            page = context.new_page()
            first = time_to_results(page, url)
            cold.append(first["results"])
            dom.append(first["dom"])
            if first["api"] is not None:
                api_in_page.append(first["api"])
            warm.append(time_to_results(page, url)["results"])
            in_page.append(typed_search(page, f"{words} senior"))
            context.close()
            baseline.append(api_ms(base, words))

    def line(label, values):
        print(f"  {label:<52} {statistics.median(values):>8.0f} {max(values):>8.0f}")

    print(f"\ntime until the first results show, {len(cold)} searches ({rounds} rounds of {len(SEARCHES)}), ms:")
    print(f"  {'':<52} {'median':>8} {'max':>8}")
    line("cold visit to /?q=... (nothing cached)", cold)
    line("  of which: the page's DOMContentLoaded", dom)
    line("  of which: the page's GET /jobs round trip", api_in_page)
    line("warm visit (assets from the browser cache)", warm)
    line("a new search typed in the page (Enter to painted)", in_page)
    line("baseline: GET /jobs from Python alone", baseline)


if __name__ == "__main__":
    main()
