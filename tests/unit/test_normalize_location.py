"""Location parsing with the curated gazetteer."""
import pytest

from jobsight.normalize.location import parse_location


@pytest.mark.parametrize(
    "text, hint, expected",
    [
        ("Berlin, Germany", None, ("Berlin", "Berlin", "DE")),
        ("München", None, ("Munich", "Bavaria", "DE")),
        ("Chișinău, Moldova", None, ("Chișinău", "Chișinău", "MD")),
        ("Chisinau", None, ("Chișinău", "Chișinău", "MD")),
        ("Chisinau, MD", None, ("Chișinău", "Chișinău", "MD")),
        ("Bălți", None, ("Bălți", "Bălți", "MD")),
        ("Balti, Republica Moldova", None, ("Bălți", "Bălți", "MD")),
        ("Cluj-Napoca, România", None, ("Cluj-Napoca", "Cluj", "RO")),
        ("Bucharest", None, ("Bucharest", "Bucharest", "RO")),
        ("San Francisco, CA", None, ("San Francisco", "CA", "US")),
        ("Baltimore, MD", None, ("Baltimore", "MD", "US")),
        ("Austin, Texas", None, ("Austin", "TX", "US")),
        ("Springfield, IL", None, ("Springfield", "IL", "US")),
        ("Toronto, ON, Canada", None, ("Toronto", "ON", "CA")),
        ("Cambridge, MA", None, ("Cambridge", "MA", "US")),
        ("Paris, TX", None, ("Paris", "TX", "US")),
        ("London, ON", None, ("London", "ON", "CA")),
        ("Perth, WA", None, ("Perth", "WA", "AU")),
        ("Berlin, DE", None, ("Berlin", "Berlin", "DE")),
        ("London", None, ("London", "England", "GB")),
        ("London, UK", None, ("London", "England", "GB")),
        ("Zurich, Switzerland", None, ("Zurich", "Zurich", "CH")),
        ("New York, NY; London, UK", None, ("New York", "NY", "US")),
        ("Hybrid - Berlin", None, ("Berlin", "Berlin", "DE")),
        ("Remote - US", None, (None, None, "US")),
        ("Remote (US only)", None, (None, None, "US")),
        ("USA Only", None, (None, None, "US")),
        ("Remote - Germany", None, (None, None, "DE")),
        ("Remote", None, (None, None, None)),
        ("Anywhere", None, (None, None, None)),
        ("Anywhere in the World", None, (None, None, None)),
        ("EMEA", None, (None, "EMEA", None)),
        ("Remote, Europe", None, (None, "Europe", None)),
        ("Kassel", None, ("Kassel", None, None)),
        ("Kassel", "DE", ("Kassel", None, "DE")),
        ("", "md", (None, None, "MD")),
        (None, None, (None, None, None)),
        ("123 Main St", None, (None, None, None)),
    ],
)
def test_parse_location(text, hint, expected):
    assert parse_location(text, hint) == expected


@pytest.mark.parametrize("text", ["", " ", "-", "()", "Remote / Remote", ",,,", "🚀🚀", "x" * 500, "Anywhere;;Remote"])
def test_odd_inputs_never_raise(text):
    city, region, country = parse_location(text)
    assert country is None or len(country) == 2
