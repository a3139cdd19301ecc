"""Browser tests of the web app: Debian's Chromium, driven by Playwright, against the running
system (tests/conftest.py) with every demo board ingested but one, which the live-alert test runs.
Screenshots of what each test saw are kept in test-artifacts/web/ (JOBSIGHT_TEST_ARTIFACTS moves it)."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import requests
from sqlalchemy import text

from jobsight.demo import DemoWorld
from jobsight.sources.settings import configured_sources, demo_settings
from tests.integration.conftest import wait_for_quiet_queues

CHROMIUM = os.environ.get("JOBSIGHT_CHROMIUM", "/usr/bin/chromium")  # Debian's, installed by make setup
ARTIFACTS = Path(os.environ.get("JOBSIGHT_TEST_ARTIFACTS")
                 or Path(__file__).resolve().parents[2] / "test-artifacts") / "web"
WAIT_MS = 20_000
# No first-run UI and no calls home: the test machine's network is closed.
CHROMIUM_ARGS = ["--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", "--disable-gpu"]


@pytest.fixture(scope="session")
def held_out(config):
    """A Greenhouse board left out of the first ingestion, with a Python job no other board lists:
    running it later announces new jobs, which subscribers hear about live."""
    demo = demo_settings(config)
    world = DemoWorld(seed=demo["seed"], count=demo["count"])
    for job in world.visible("greenhouse"):
        if "Python" in job.skills and len(job.boards) == 1:
            return {"name": f"demo-greenhouse-{job.company.slug}", "job": job}
    pytest.fail("the demo world has no Greenhouse-only Python job")


@pytest.fixture(scope="session")
def demo_jobs(system, rpc, engines, config, redis_client, held_out):
    """Every other demo board ingested from an empty jobs_db, and the warehouse loaded."""
    with engines["jobs"].begin() as conn:
        conn.execute(text("TRUNCATE jobs, job_sources, source_runs CASCADE"))
    for key in redis_client.scan_iter("jobsight:validators:*"):
        redis_client.delete(key)
    requests.post(f"{demo_settings(config)['url']}/_demo/reset", timeout=5)
    names = [s["name"] for s in configured_sources(config) if s.get("demo") and s["name"] != held_out["name"]]
    for name in names:
        rpc.scraper.run_source(name)
    wait_for_quiet_queues(config)
    return names


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import expect, sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: make setup installs Debian's")
    expect.set_options(timeout=WAIT_MS)
    # Started, never stopped: under eventlet's monkey patching (tests/conftest.py) Playwright's
    # stop() waits forever for its driver to exit. The driver ends by itself when this process
    # does, as its stdin closes.
    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


class Pages:
    """Opens pages on fresh browser contexts and fails the test on any console error or uncaught
    exception a page logged, except the ones the test says it expects."""

    def __init__(self, browser, base_url):
        self.browser, self.base_url = browser, base_url
        self.opened = []

    def new(self, width=1280, height=900, allow=()):
        context = self.browser.new_context(base_url=self.base_url, viewport={"width": width, "height": height})
        context.set_default_timeout(WAIT_MS)
        page = context.new_page()
        problems = []
        page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: problems.append(f"uncaught: {error}"))
        self.opened.append((context, problems, [re.compile(pattern) for pattern in allow]))
        return page

    def close(self):
        unexpected = []
        for context, problems, allowed in self.opened:
            unexpected += [p for p in problems if not any(pattern.search(p) for pattern in allowed)]
            context.close()
        assert not unexpected, f"console errors: {unexpected}"


@pytest.fixture
def pages(browser, gateway):
    opened = Pages(browser, gateway)
    yield opened
    opened.close()


def snap(page, name: str) -> Path:
    """A full-page screenshot in the artifacts folder, for a person to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def jobs_text(n: int) -> str:
    """How the app writes a count of jobs (en-GB grouping)."""
    return f"{n:,} job" if n == 1 else f"{n:,} jobs"
