"""Source adapters: one module per source kind, each mapping native documents to RawPostings.

Every adapter exposes ``KIND``, ``start_urls(source)`` and a pure, total
``parse(document, url, source=None) -> ParseResult``.
"""
from __future__ import annotations

from types import ModuleType

from jobsight.sources import arbeitnow, ashby, greenhouse, hn, jsonld, lever, rabota, remoteok, remotive, rss

ADAPTERS: dict[str, ModuleType] = {
    module.KIND: module
    for module in (greenhouse, lever, ashby, remoteok, remotive, arbeitnow, hn, rss, jsonld, rabota)
}


class UnknownSourceKind(ValueError):
    """A source config names a kind no adapter handles."""


def get_adapter(kind: str) -> ModuleType:
    try:
        return ADAPTERS[kind]
    except (KeyError, TypeError):
        raise UnknownSourceKind(
            f"unknown source kind {kind!r}; known kinds: {', '.join(sorted(ADAPTERS))}") from None
