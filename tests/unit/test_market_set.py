"""The labour-market quality set (tests/data/market) is well formed, and skill extraction on it
stays above its floor.

The set's aim is F1 >= 0.95 on the held-out half; the floors below are what the taxonomy and
extractor reach now (held out: P 0.824, R 0.687, F1 0.749), so a change that loses ground fails.
Raise them as extraction improves; never edit labels to fit the code's output.
"""
from collections import Counter

import pytest

from tests.quality.market import MARKET_DIR, SPLITS, load, parse, score

HELDOUT_F1_FLOOR = 0.74
HELDOUT_PRECISION_FLOOR = 0.80
TUNE_F1_FLOOR = 0.82


@pytest.fixture(scope="module")
def entries():
    return load()


def test_set_covers_the_market_in_three_languages_split_in_halves(entries):
    assert len(entries) >= 80
    assert Counter(entry["split"] for entry in entries) == {"tune": len(entries) // 2, "heldout": len(entries) // 2}
    assert set(entry["split"] for entry in entries) == set(SPLITS)
    languages = Counter(entry["language"] for entry in entries)
    assert languages["de"] >= 16 and languages["ro"] >= 16
    assert len({entry["role"] for entry in entries}) >= 12
    assert len({entry["kind"] for entry in entries}) == 10


def test_every_payload_is_labelled_and_parses_to_one_posting(entries):
    on_disk = {path.name for path in MARKET_DIR.iterdir() if path.name != "labels.yml"}
    assert on_disk == {entry["file"] for entry in entries}
    assert [entry["file"] for entry in entries if len(parse(entry).postings) != 1] == []


def test_heldout_half_stays_above_its_floor():
    result = score("heldout")["skills"]
    assert result["f1"] >= HELDOUT_F1_FLOOR, result
    assert result["precision"] >= HELDOUT_PRECISION_FLOOR, result


def test_tuning_half_stays_above_its_floor():
    assert score("tune")["skills"]["f1"] >= TUNE_F1_FLOOR
