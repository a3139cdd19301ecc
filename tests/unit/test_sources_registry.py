import io
import json
from pathlib import Path

import pytest

from jobsight.sources import ADAPTERS, UnknownSourceKind, get_adapter
from jobsight.sources.cli import parse_files

DATA = Path(__file__).parents[1] / "data" / "sources"


def test_every_kind_has_an_adapter_with_the_contract():
    assert set(ADAPTERS) == {"greenhouse", "lever", "ashby", "remoteok", "remotive", "arbeitnow", "hn", "rss",
                             "jsonld", "rabota"}
    for kind, module in ADAPTERS.items():
        assert module.KIND == kind and callable(module.start_urls) and callable(module.parse)


def test_unknown_kind_is_a_value_error():
    with pytest.raises(UnknownSourceKind):
        get_adapter("monster")
    assert issubclass(UnknownSourceKind, ValueError)


def test_parse_files_writes_json_lines_and_skips_to_stderr():
    out, err = io.StringIO(), io.StringIO()
    count = parse_files("greenhouse", [str(DATA / "greenhouse" / "board.json")], out=out, err=err)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert count == 3 == len(lines)
    assert lines[0]["date_posted"] == "2024-04-28T13:00:00+00:00" and lines[0]["salary"]["currency"] == "EUR"
    assert lines[0]["url"] == "https://boards.greenhouse.io/acme/jobs/4012345"
    assert err.getvalue().count("\n") == 1 and "missing title" in err.getvalue()


def test_parse_files_uses_the_normalizer_when_given():
    class Normalized:
        def __init__(self, raw):
            self.raw = raw

        def to_dict(self):
            return {"title": self.raw.title.upper()}

    out = io.StringIO()
    parse_files("remotive", [str(DATA / "remotive" / "remote-jobs.json")], out=out, normalize=Normalized,
                err=io.StringIO())
    assert json.loads(out.getvalue().splitlines()[0]) == {"title": "SENIOR PYTHON DEVELOPER"}


def test_parse_files_reports_unreadable_file():
    err = io.StringIO()
    assert parse_files("rss", ["/nonexistent/feed.xml"], out=io.StringIO(), err=err) == 0
    assert "cannot read" in err.getvalue()
