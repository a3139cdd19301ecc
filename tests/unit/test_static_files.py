"""The web app's file handler (jobsight.web.static): which paths are the app's, cache headers,
gzip, revalidation, a rebuild noticed, and nothing outside the build ever served."""
import gzip

import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from jobsight.web.static import IMMUTABLE, AppFiles

INDEX = "<!doctype html><title>Jobsight</title>" + "<!-- padding -->" * 64
SCRIPT = "console.log('jobsight');" * 100


@pytest.fixture
def dist(tmp_path):
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text(INDEX)
    (tmp_path / "assets" / "index-AbC123_x.js").write_text(SCRIPT)
    (tmp_path / "assets" / "tiny-AbC123_x.css").write_text("a{}")
    (tmp_path.parent / "secret.txt").write_text("no")
    return tmp_path


def get(files, path, method="GET", **headers):
    return files.response(Request(EnvironBuilder(path=path, method=method, headers=headers).get_environ()))


@pytest.mark.parametrize("path", ["/", "/job/7", "/insights", "/account", "/inbox"])
def test_every_page_of_the_app_is_index_html_revalidated_each_time(dist, path):
    answer = get(AppFiles(dist), path)
    assert answer.status_code == 200 and answer.get_data(as_text=True) == INDEX
    assert answer.headers["Cache-Control"] == "no-cache"
    assert answer.mimetype == "text/html" and "Content-Security-Policy" in answer.headers


@pytest.mark.parametrize("path", ["/jobs", "/job/", "/job/0", "/job/x", "/inboxes", "/assets/", "/assets/../index.html",
                                  "/assets/..%2Fsecret.txt", "/assets/.hidden", "/assets/missing-1.js", "/favicon.ico"])
def test_other_paths_are_not_the_apps(dist, path):
    assert get(AppFiles(dist), path) is None


def test_only_reads_are_answered(dist):
    assert get(AppFiles(dist), "/", method="POST") is None
    head = get(AppFiles(dist), "/", method="HEAD")
    assert head.status_code == 200


def test_assets_are_immutable_and_gzipped_for_clients_that_accept_it(dist):
    files = AppFiles(dist)
    zipped = get(files, "/assets/index-AbC123_x.js", **{"Accept-Encoding": "gzip, br"})
    assert zipped.headers["Cache-Control"] == IMMUTABLE
    assert zipped.headers["Content-Encoding"] == "gzip" and zipped.headers["Vary"] == "Accept-Encoding"
    assert gzip.decompress(zipped.get_data()).decode() == SCRIPT
    assert zipped.mimetype == "text/javascript"
    plain = get(files, "/assets/index-AbC123_x.js", **{"Accept-Encoding": "gzip;q=0"})
    assert "Content-Encoding" not in plain.headers and plain.get_data(as_text=True) == SCRIPT
    tiny = get(files, "/assets/tiny-AbC123_x.css", **{"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in tiny.headers and "Vary" not in tiny.headers  # too small to be worth it


def test_a_known_etag_is_a_304_and_a_rebuild_changes_it(dist):
    files = AppFiles(dist)
    etag = get(files, "/").headers["ETag"]
    assert get(files, "/", **{"If-None-Match": etag}).status_code == 304
    (dist / "index.html").write_text(INDEX + "<!-- rebuilt, longer -->")
    fresh = get(files, "/", **{"If-None-Match": etag})
    assert fresh.status_code == 200 and fresh.headers["ETag"] != etag


def test_an_unbuilt_app_says_how_to_build_it(tmp_path):
    answer = get(AppFiles(tmp_path / "missing"), "/")
    assert answer.status_code == 503 and b"make setup" in answer.get_data()
    assert get(AppFiles(tmp_path / "missing"), "/assets/index-AbC123_x.js") is None
