"""Which cache node holds a key: a ketama consistent-hashing ring over node names, and the
canonical cache key of a query (namespace + warehouse version + canonical JSON).

Pure: no Redis here. Nodes are named by their Sentinel service, not by address, so a failover
(the replica takes over the master's role) moves no keys; losing a node moves only its keys.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable

from uhashring import HashRing

MAX_KEY_JSON = 200  # longer queries are keyed by their digest, keeping Redis keys short


def cache_key(namespace: str, version, key_parts) -> str:
    """``namespace:v<version>:<canonical JSON of the query>``: a new warehouse version is a new key."""
    query = json.dumps(key_parts, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    if len(query) > MAX_KEY_JSON:
        query = "sha1:" + hashlib.sha1(query.encode()).hexdigest()
    return f"{namespace}:v{version}:{query}"


class Ring:
    def __init__(self, nodes: Iterable[str], vnodes: int = 160):
        nodes = list(nodes)
        if not nodes:
            raise ValueError("a ring needs at least one node")
        self._ring = HashRing(nodes=nodes, vnodes=vnodes, hash_fn="ketama")

    @property
    def nodes(self) -> list[str]:
        return sorted(self._ring.get_nodes())

    def node_for(self, key: str, skip: Iterable[str] = ()) -> str | None:
        """The node holding ``key``; with ``skip``, where the key goes while those nodes are out
        (the next node clockwise, exactly as if they were removed). None when every node is skipped."""
        skip = set(skip)
        if not skip:
            return self._ring.get_node(key)
        for node in self._ring.iterate_nodes(key):
            if node not in skip:
                return node
        return None

    def add(self, node: str) -> None:
        self._ring.add_node(node)

    def remove(self, node: str) -> None:
        self._ring.remove_node(node)
