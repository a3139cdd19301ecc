"""Which sources the scraper runs: the ``SOURCES`` list of config.yml, plus every demo board
when ``DEMO_SOURCES.ENABLED`` is true (what ``make run`` uses, so the system works offline)."""
from __future__ import annotations

from jobsight.sources import ADAPTERS

DEFAULT_INTERVAL = 3600


class SourceConfigError(ValueError):
    pass


def demo_settings(config: dict) -> dict:
    demo = config.get("DEMO_SOURCES") or {}
    return {"enabled": bool(demo.get("ENABLED", False)), "url": str(demo.get("URL", "http://127.0.0.1:8100")),
            "count": int(demo.get("COUNT", 3000)), "seed": int(demo.get("SEED", 42)),
            "interval": int(demo.get("INTERVAL", 300))}


def configured_sources(config: dict) -> list[dict]:
    """Every source entry, checked: unique names, known kinds, positive intervals."""
    entries = [dict(entry) for entry in (config.get("SOURCES") or [])]
    demo = demo_settings(config)
    if demo["enabled"]:
        from jobsight.demo.server import default_sources

        for entry in default_sources(demo["url"]):
            entry["name"] = "demo-" + entry["name"]
            entry["interval"] = demo["interval"]
            entry["demo"] = True
            entries.append(entry)
    seen = set()
    for entry in entries:
        name, kind = entry.get("name"), entry.get("kind")
        if not name or not isinstance(name, str):
            raise SourceConfigError(f"source without a name: {entry}")
        if name in seen:
            raise SourceConfigError(f"two sources are named {name!r}")
        seen.add(name)
        if kind not in ADAPTERS:
            raise SourceConfigError(f"source {name!r} has unknown kind {kind!r} (known: {', '.join(sorted(ADAPTERS))})")
        entry.setdefault("enabled", True)
        entry["interval"] = int(entry.get("interval") or DEFAULT_INTERVAL)
        if entry["interval"] <= 0:
            raise SourceConfigError(f"source {name!r} needs a positive interval")
    return entries
