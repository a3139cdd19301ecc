"""The gateway serves the web app on the API's origin: index.html at each page of the app (never
cached without revalidating), content-hashed assets cached for good and gzipped, and the JSON
routes exactly as before."""
import re

import pytest
import requests

pytestmark = pytest.mark.integration

PAGES = ["/", "/?q=pyhton+developer", "/job/42", "/insights?q=data+engineer", "/account", "/inbox"]


def assets_of(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="(/assets/[^"]+)"', html)


def test_every_page_of_the_app_is_its_index_html(gateway):
    first = requests.get(f"{gateway}/", timeout=10)
    assert first.status_code == 200
    assert first.headers["Content-Type"] == "text/html; charset=utf-8"
    assert first.headers["Cache-Control"] == "no-cache"
    assert "default-src 'self'" in first.headers["Content-Security-Policy"]
    assert first.headers["X-Request-ID"]
    for path in PAGES[1:]:
        again = requests.get(f"{gateway}{path}", timeout=10)
        assert again.status_code == 200 and again.text == first.text, path
    assert requests.get(f"{gateway}/", headers={"If-None-Match": first.headers["ETag"]}, timeout=10).status_code == 304


def test_assets_are_content_hashed_cached_for_good_and_gzipped(gateway):
    html = requests.get(f"{gateway}/", timeout=10).text
    assets = assets_of(html)
    assert any(a.endswith(".js") for a in assets) and any(a.endswith(".css") for a in assets)
    for asset in assets:
        assert re.fullmatch(r"/assets/[\w-]+-[\w-]{8}\.(js|css)", asset), asset
        zipped = requests.get(f"{gateway}{asset}", headers={"Accept-Encoding": "gzip"}, timeout=10)
        assert zipped.status_code == 200
        assert zipped.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert zipped.headers["Content-Encoding"] == "gzip" and zipped.headers["Vary"] == "Accept-Encoding"
        assert int(zipped.headers["Content-Length"]) < len(zipped.content)  # requests decoded it
        plain = requests.get(f"{gateway}{asset}", headers={"Accept-Encoding": "identity"}, timeout=10)
        assert "Content-Encoding" not in plain.headers and plain.content == zipped.content
        assert requests.get(f"{gateway}{asset}", headers={"If-None-Match": plain.headers["ETag"]},
                            timeout=10).status_code == 304


@pytest.mark.parametrize("path", ["/assets/nothing-12345678.js", "/assets/../config.yml", "/nope", "/job/abc",
                                  "/insights/nope"])
def test_anything_else_is_still_the_apis_json_404(gateway, path):
    answer = requests.get(f"{gateway}{path}", timeout=10)
    assert answer.status_code == 404
    assert answer.headers["Content-Type"] == "application/json"


def test_the_json_routes_are_unchanged_and_documented(gateway):
    jobs = requests.get(f"{gateway}/jobs", params={"per_page": 1}, timeout=10)
    assert jobs.headers["Content-Type"] == "application/json" and "results" in jobs.json()
    assert requests.post(f"{gateway}/", timeout=10).headers["Content-Type"] == "application/json"
    skills = requests.get(f"{gateway}/skills", timeout=10).json()["skills"]
    python = next(s for s in skills if s["name"] == "Python")
    assert python["category"] and isinstance(python["aliases"], list)
    assert [s["name"].lower() for s in skills] == sorted(s["name"].lower() for s in skills)
    assert "/skills" in requests.get(f"{gateway}/openapi.json", timeout=10).json()["paths"]
