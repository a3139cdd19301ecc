"""The client address of a request that may have come through proxies.

``X-Forwarded-For`` is a list every proxy appends the address of its own peer to, so only the
hops added by proxies we run can be believed: anything further left may have been written by
the client. Walking from the right, every hop that is a trusted proxy is skipped and the first
one that is not is the client. A header reaching us from a peer that is not a trusted proxy is
ignored altogether: the peer itself is the client.
"""
from __future__ import annotations

import ipaddress
from functools import lru_cache
from typing import Iterable

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@lru_cache(maxsize=32)
def _networks(spec: str | tuple) -> tuple[Network, ...]:
    items = spec.replace(",", " ").split() if isinstance(spec, str) else spec
    return tuple(ipaddress.ip_network(str(item).strip(), strict=False) for item in items if str(item).strip())


def trusted_networks(spec) -> tuple[Network, ...]:
    """``GATEWAY.TRUSTED_PROXIES`` as networks: None or "" (none), "127.0.0.1, 10.0.0.0/8" or a
    list of addresses and CIDR blocks. A malformed entry raises ValueError."""
    if not spec:
        return ()
    return _networks(spec if isinstance(spec, str) else tuple(spec))


def parse_address(text: str | None) -> Address | None:
    """One hop as proxies write it: ``203.0.113.7``, ``2001:db8::1``, ``[2001:db8::1]:443`` or
    ``203.0.113.7:51000``. None when it is not an address (``unknown``, garbage)."""
    text = (text or "").strip().strip('"')
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    # A dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d; they are the IPv4 address.
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def _trusted(address: Address, networks: Iterable[Network]) -> bool:
    return any(address.version == network.version and address in network for network in networks)


def client_address(peer: str | None, forwarded_for: str | Iterable[str] | None,
                   trusted: Iterable[Network]) -> str:
    """The address to account a request to.

    ``peer`` is the TCP peer, ``forwarded_for`` the X-Forwarded-For header (one string, or every
    occurrence of it in order), ``trusted`` the networks of the proxies we run
    (``trusted_networks``)."""
    peer_address = parse_address(peer)
    if peer_address is None:
        return peer or "unknown"
    networks = tuple(trusted)
    if not forwarded_for or not _trusted(peer_address, networks):
        return str(peer_address)
    values = [forwarded_for] if isinstance(forwarded_for, str) else list(forwarded_for)
    hops = [hop for value in values for hop in value.split(",")]
    nearest = peer_address
    for hop in reversed(hops):
        address = parse_address(hop)
        if address is None:
            # A trusted proxy would not write this: whatever lies beyond it is unverifiable.
            return str(nearest)
        if not _trusted(address, networks):
            return str(address)
        nearest = address
    # Every hop is one of ours (a request from inside): the farthest is the client.
    return str(nearest)
