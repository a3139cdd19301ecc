"""The cache ring: keys spread evenly, a lost node gives up only its own keys, and a new
warehouse version means new keys."""
from collections import Counter

from jobsight.cache.ring import Ring, cache_key

NODES = ["cache-1", "cache-2", "cache-3"]
KEYS = [cache_key("insights", 7, ["skills_by_demand", f"query {i}"]) for i in range(1000)]


def test_three_nodes_share_1000_keys_within_15_percent():
    ring = Ring(NODES)
    shares = Counter(ring.node_for(key) for key in KEYS)
    assert set(shares) == set(NODES)
    for node, n in shares.items():
        assert abs(n - 1000 / 3) <= 0.15 * 1000 / 3, (node, shares)


def test_removing_a_node_remaps_only_its_keys():
    ring = Ring(NODES)
    before = {key: ring.node_for(key) for key in KEYS}
    ring.remove("cache-2")
    after = {key: ring.node_for(key) for key in KEYS}
    moved = {key for key in KEYS if before[key] != after[key]}
    assert moved == {key for key in KEYS if before[key] == "cache-2"}
    assert "cache-2" not in after.values()
    # Its keys spread over both survivors rather than landing on one.
    assert set(after[key] for key in moved) == {"cache-1", "cache-3"}


def test_a_node_coming_back_takes_back_exactly_its_keys():
    ring = Ring(NODES)
    before = {key: ring.node_for(key) for key in KEYS}
    ring.remove("cache-3")
    ring.add("cache-3")
    assert {key: ring.node_for(key) for key in KEYS} == before


def test_skipping_a_down_node_routes_keys_as_if_it_were_removed():
    ring, without = Ring(NODES), Ring(["cache-1", "cache-3"])
    assert all(ring.node_for(key, skip={"cache-2"}) == without.node_for(key) for key in KEYS)
    assert ring.node_for(KEYS[0], skip=set(NODES)) is None


def test_node_names_not_addresses_place_keys():
    # Sentinel moves a node to another address on failover: the ring only knows its name.
    assert Ring(NODES).nodes == NODES
    assert [Ring(NODES).node_for(key) for key in KEYS] == [Ring(list(reversed(NODES))).node_for(key) for key in KEYS]


def test_the_key_carries_the_warehouse_version():
    query = ["skills_by_demand", "python developer"]
    assert cache_key("insights", 1, query) != cache_key("insights", 2, query)
    assert cache_key("insights", 1, query).startswith("insights:v1:")


def test_the_key_is_canonical_json_of_the_query():
    assert cache_key("insights", 1, {"b": 1, "a": [1, 2]}) == cache_key("insights", 1, {"a": [1, 2], "b": 1})
    assert cache_key("insights", 1, ("skills_by_demand", "x")) == cache_key("insights", 1, ["skills_by_demand", "x"])
    assert cache_key("insights", 1, ["a"]) != cache_key("insights", 1, ["b"])
    long_key = cache_key("insights", 1, ["x" * 1000])
    assert len(long_key) < 100 and long_key != cache_key("insights", 1, ["y" * 1000])
