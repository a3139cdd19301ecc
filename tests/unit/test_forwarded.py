"""The client address behind proxies: X-Forwarded-For is believed only as far as our own
proxies wrote it."""
import ipaddress

import pytest

from jobsight.web.forwarded import client_address, parse_address, trusted_networks

LOCAL = trusted_networks("127.0.0.1")


def test_without_a_header_the_peer_is_the_client():
    assert client_address("198.51.100.4", None, LOCAL) == "198.51.100.4"
    assert client_address("127.0.0.1", "", LOCAL) == "127.0.0.1"


def test_a_header_from_a_peer_that_is_not_a_trusted_proxy_is_ignored():
    # A client talking to the gateway directly cannot pick the address it is throttled under.
    assert client_address("198.51.100.4", "203.0.113.9", LOCAL) == "198.51.100.4"
    assert client_address("198.51.100.4", "127.0.0.1", LOCAL) == "198.51.100.4"


def test_nothing_is_trusted_by_default():
    assert client_address("127.0.0.1", "203.0.113.9", trusted_networks(None)) == "127.0.0.1"
    assert client_address("127.0.0.1", "203.0.113.9", trusted_networks("")) == "127.0.0.1"


def test_the_hop_our_proxy_added_is_the_client():
    assert client_address("127.0.0.1", "203.0.113.9", LOCAL) == "203.0.113.9"


def test_the_rightmost_untrusted_hop_is_taken_not_what_the_client_wrote_before_it():
    # The client sent "X-Forwarded-For: 10.9.9.9"; HAProxy appended the address it saw.
    assert client_address("127.0.0.1", "10.9.9.9, 203.0.113.9", LOCAL) == "203.0.113.9"
    assert client_address("127.0.0.1", ["1.1.1.1, 10.9.9.9", "203.0.113.9"], LOCAL) == "203.0.113.9"


def test_trusted_hops_are_walked_past():
    trusted = trusted_networks("127.0.0.1, 10.0.0.0/8")
    assert client_address("127.0.0.1", "192.0.2.1, 203.0.113.9, 10.1.2.3", trusted) == "203.0.113.9"
    assert client_address("10.0.0.7", "203.0.113.9,10.1.2.3", trusted) == "203.0.113.9"


def test_when_every_hop_is_ours_the_farthest_one_is_the_client():
    trusted = trusted_networks(["127.0.0.1", "10.0.0.0/8"])
    assert client_address("127.0.0.1", "10.0.0.1, 10.0.0.2", trusted) == "10.0.0.1"


def test_a_hop_that_is_not_an_address_stops_the_walk_at_the_nearest_known_one():
    trusted = trusted_networks("127.0.0.1, 10.0.0.0/8")
    assert client_address("127.0.0.1", "203.0.113.9, unknown, 10.0.0.2", trusted) == "10.0.0.2"
    assert client_address("127.0.0.1", "garbage", LOCAL) == "127.0.0.1"


def test_ipv6_ports_and_mapped_addresses():
    assert client_address("::ffff:127.0.0.1", "2001:db8::7", LOCAL) == "2001:db8::7"
    assert client_address("127.0.0.1", "[2001:db8::7]:4430", LOCAL) == "2001:db8::7"
    assert client_address("127.0.0.1", "203.0.113.9:51000", LOCAL) == "203.0.113.9"
    assert parse_address("::1") == ipaddress.ip_address("::1")
    assert parse_address("not an address") is None


def test_an_unknown_peer():
    assert client_address(None, "203.0.113.9", LOCAL) == "unknown"


def test_trusted_proxies_are_addresses_or_blocks():
    assert trusted_networks("127.0.0.1 ::1") == (ipaddress.ip_network("127.0.0.1/32"), ipaddress.ip_network("::1/128"))
    assert trusted_networks("10.0.0.0/8") == (ipaddress.ip_network("10.0.0.0/8"),)
    with pytest.raises(ValueError):
        trusted_networks("localhost")
