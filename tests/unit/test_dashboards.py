"""The operator assets under deploy/: Grafana's provisioning and dashboards, Kibana's saved
objects and their import script. Pure checks of the files against the code they describe:
every metric a dashboard queries is one a Jobsight process exports (jobsight.metrics,
jobsight.logship), every log field a Kibana object names is one the log index template maps
(jobsight.logship.template_body). Whether each query returns series on a running system is
checked elsewhere, with a real Prometheus; ``panel_queries()`` is what that check reads."""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
GRAFANA = ROOT / "deploy" / "grafana"
DASHBOARDS = GRAFANA / "dashboards"
DATASOURCES = GRAFANA / "provisioning" / "datasources" / "prometheus.yml"
PROVIDERS = GRAFANA / "provisioning" / "dashboards" / "jobsight.yml"
KIBANA = ROOT / "deploy" / "kibana"
SAVED_OBJECTS = KIBANA / "saved_objects.ndjson"
IMPORT_SCRIPT = KIBANA / "import.sh"

DASHBOARD_FILES = ("overview.json", "ingestion.json", "search-insights.json", "notifications.json")
DATA_VIEW_ID = "jobsight-logs"

# Series produced at scrape time by collectors (jobsight.metrics' *_families), which the
# registry does not list under their names.
COLLECTOR_METRICS = {"jobsight_outbox_waiting", "jobsight_outbox_oldest_seconds", "jobsight_outbox_published_total",
                     "jobsight_cache_requests_total", "jobsight_cache_node_up"}
# Added by Prometheus to every target.
PROMETHEUS_METRICS = {"up"}

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`')
_METRIC = re.compile(r"(?<![\w:])(jobsight_\w+|process_\w+|up)(?![\w:])")
_SUFFIXES = ("_bucket", "_sum", "_count", "_total", "_created")


# -- helpers ---------------------------------------------------------------------------------

def _panels(panels):
    """Every panel, rows' nested panels included (a collapsed row keeps them under ``panels``)."""
    for panel in panels:
        yield panel
        yield from _panels(panel.get("panels") or [])


def dashboards() -> dict[str, dict]:
    return {path.name: json.loads(path.read_text()) for path in sorted(DASHBOARDS.glob("*.json"))}


def panel_queries() -> list[tuple[str, str, str]]:
    """``(dashboard file, panel title, expr)`` for every query of every Grafana dashboard."""
    queries = []
    for name, board in dashboards().items():
        for panel in _panels(board.get("panels") or []):
            for target in panel.get("targets") or []:
                if "expr" in target:
                    queries.append((name, panel.get("title", ""), target["expr"]))
    return queries


def metric_names(expr: str) -> set[str]:
    """The metric names an expression reads (string literals such as label values left out)."""
    return set(_METRIC.findall(_STRING.sub('""', expr)))


def exported_metrics() -> set[str]:
    import jobsight.logship  # noqa: F401  (registers the log shipping counters)
    from jobsight import breaker, metrics

    names = set(metrics.REGISTRY._names_to_collectors) | COLLECTOR_METRICS | PROMETHEUS_METRICS
    # Collectors without describe() (ProcessCollector's process_*) are named only by what they yield.
    for family in metrics.REGISTRY.collect():
        names.add(family.name)
        names.update(sample.name for sample in family.samples)
    # Families built at scrape time: their names as exposed, from a sample input each.
    samples = {
        "circuit_families": ({"users": breaker.CLOSED},),
        "websocket_families": (0,),
        "outbox_families": ({"waiting": 0, "oldest_seconds": 0, "published": 0},),
        "cache_families": ({"hits": 0, "misses": 0, "nodes": {"cache-1": {"state": "up"}}},),
    }
    for function, args in samples.items():
        build = getattr(metrics, function, None)
        if build is None:
            continue
        for family in build(*args):
            names.add(family.name)
            names.update(sample.name for sample in family.samples)
    return names


def is_exported(name: str, exported: set[str]) -> bool:
    if name in exported:
        return True
    return any(name.endswith(suffix) and name[:-len(suffix)] in exported for suffix in _SUFFIXES)


def datasource_uid() -> str:
    sources = yaml.safe_load(DATASOURCES.read_text())["datasources"]
    (prometheus,) = [source for source in sources if source["type"] == "prometheus"]
    return prometheus["uid"]


def saved_objects() -> list[dict]:
    lines = [line for line in SAVED_OBJECTS.read_text().splitlines() if line.strip()]
    return [json.loads(line) for line in lines]


def mapped_fields() -> set[str]:
    """The field paths jobsight.logship's index template maps, plus ``message``."""
    from jobsight.logship import template_body

    fields = {"message"}

    def walk(properties: dict, prefix: str) -> None:
        for name, spec in properties.items():
            path = f"{prefix}{name}"
            if "properties" in spec:
                walk(spec["properties"], f"{path}.")
            else:
                fields.add(path)

    walk(template_body("jobsight-logs")["template"]["mappings"]["properties"], "")
    return fields


def _search_source(obj: dict) -> dict:
    return json.loads(obj["attributes"]["kibanaSavedObjectMeta"]["searchSourceJSON"])


# -- Grafana ---------------------------------------------------------------------------------

def test_provisioning_files():
    sources = yaml.safe_load(DATASOURCES.read_text())
    assert sources["apiVersion"] == 1
    (prometheus,) = sources["datasources"]
    assert prometheus["type"] == "prometheus"
    assert prometheus["uid"] == "prometheus"
    assert prometheus["url"] == "http://prometheus:9090"
    assert prometheus["isDefault"] is True

    providers = yaml.safe_load(PROVIDERS.read_text())
    assert providers["apiVersion"] == 1
    (provider,) = providers["providers"]
    assert provider["type"] == "file"
    assert provider["folder"] == "Jobsight"
    assert provider["options"]["path"] == "/var/lib/grafana/dashboards"


def test_every_dashboard_parses_with_a_unique_uid():
    boards = dashboards()
    assert set(DASHBOARD_FILES) <= set(boards)
    uids = [board["uid"] for board in boards.values()]
    assert len(uids) == len(set(uids)), uids
    for name, board in boards.items():
        assert board["uid"] == f"jobsight-{name.removesuffix('.json')}", name
        assert board["schemaVersion"] == 39, name
        assert board["title"], name
        ids = [panel["id"] for panel in _panels(board["panels"])]
        assert len(ids) == len(set(ids)), f"{name}: panel ids {ids}"


@pytest.mark.parametrize("name", DASHBOARD_FILES)
def test_every_panel_queries_the_provisioned_datasource(name):
    uid = datasource_uid()
    board = json.loads((DASHBOARDS / name).read_text())
    panels = [panel for panel in _panels(board["panels"]) if panel.get("type") != "row"]
    assert panels, name
    for panel in panels:
        title = panel.get("title")
        assert panel["type"] in ("timeseries", "stat"), title
        assert set(panel["gridPos"]) >= {"h", "w", "x", "y"}, title
        assert panel["gridPos"]["x"] + panel["gridPos"]["w"] <= 24, title
        assert panel["datasource"] == {"type": "prometheus", "uid": uid}, title
        targets = panel.get("targets") or []
        assert any(str(target.get("expr", "")).strip() for target in targets), f"{title}: no query"
        for target in targets:
            assert target.get("datasource", panel["datasource"])["uid"] == uid, title
            assert str(target["expr"]).strip(), title
            assert "legendFormat" in target, title
        ref_ids = [target["refId"] for target in targets]
        assert len(ref_ids) == len(set(ref_ids)), title


def test_no_template_variables():
    # Every query must run against Prometheus as it is: no $service, $__rate_interval, ...
    for name, title, expr in panel_queries():
        assert "$" not in expr, f"{name} / {title}: {expr}"
    for path in DASHBOARDS.glob("*.json"):
        assert "$" not in path.read_text(), path.name


def test_every_queried_metric_is_exported():
    exported = exported_metrics()
    queries = panel_queries()
    assert len(queries) >= 40
    unknown = []
    for name, title, expr in queries:
        used = metric_names(expr)
        assert used, f"{name} / {title}: no metric in {expr}"
        unknown += [f"{name} / {title}: {metric}" for metric in sorted(used) if not is_exported(metric, exported)]
    assert not unknown, unknown


def test_metric_names_reads_metrics_not_label_values():
    expr = ('sum by (route) (rate(jobsight_http_requests_total{route=~"/jobs|up"}[1m])) '
            'or on() label_replace(vector(0), "route", "jobsight_nothing", "", "") + up')
    assert metric_names(expr) == {"jobsight_http_requests_total", "up"}
    assert not is_exported("jobsight_no_such_metric", exported_metrics())


def test_panel_queries_names_each_query():
    queries = panel_queries()
    assert all(isinstance(item, tuple) and len(item) == 3 for item in queries)
    assert {name for name, _, _ in queries} == set(DASHBOARD_FILES)
    assert all(title for _, title, _ in queries)


# -- Kibana ----------------------------------------------------------------------------------

def test_saved_objects_parse_and_references_resolve():
    objects = saved_objects()
    present = {(obj["type"], obj["id"]) for obj in objects}
    assert len(present) == len(objects), "duplicate (type, id)"
    assert ("index-pattern", DATA_VIEW_ID) in present
    assert ("search", "jobsight-errors-by-service") in present
    assert ("dashboard", "jobsight-overview") in present
    for obj in objects:
        assert obj["attributes"]["title"], obj["id"]
        names = [ref["name"] for ref in obj.get("references", [])]
        assert len(names) == len(set(names)), obj["id"]
        for ref in obj.get("references", []):
            assert (ref["type"], ref["id"]) in present, f"{obj['id']}: unresolved {ref}"


def test_data_view():
    (view,) = [obj for obj in saved_objects() if obj["type"] == "index-pattern"]
    assert view["id"] == DATA_VIEW_ID
    assert view["attributes"]["title"] == "jobsight-logs-*"
    assert view["attributes"]["timeFieldName"] == "@timestamp"


def test_searches_and_visualizations_reference_the_data_view():
    for obj in saved_objects():
        if obj["type"] not in ("search", "visualization"):
            continue
        source = _search_source(obj)
        refs = {ref["name"]: ref for ref in obj["references"]}
        ref = refs[source["indexRefName"]]
        assert (ref["type"], ref["id"]) == ("index-pattern", DATA_VIEW_ID), obj["id"]
        assert source["query"]["language"] == "kuery", obj["id"]


def test_errors_search():
    (search,) = [obj for obj in saved_objects() if obj["id"] == "jobsight-errors-by-service"]
    assert search["type"] == "search"
    attributes = search["attributes"]
    assert _search_source(search)["query"]["query"] == "log.level:ERROR"
    assert attributes["columns"] == ["service.name", "service.node.name", "event.action", "error.type", "message"]
    assert attributes["sort"] == [["@timestamp", "desc"]]


def test_every_named_field_is_mapped():
    fields = mapped_fields()
    assert {"@timestamp", "log.level", "service.name", "event.action", "http.response.status_code"} <= fields
    named = []
    for obj in saved_objects():
        if obj["type"] == "search":
            named += [(obj["id"], column) for column in obj["attributes"]["columns"]]
            named += [(obj["id"], field) for field, _ in obj["attributes"].get("sort", [])]
        elif obj["type"] == "visualization":
            state = json.loads(obj["attributes"]["visState"])
            assert state["aggs"], obj["id"]
            named += [(obj["id"], agg["params"]["field"]) for agg in state["aggs"] if "field" in agg.get("params", {})]
    assert named
    unmapped = [f"{obj_id}: {field}" for obj_id, field in named if field not in fields]
    assert not unmapped, unmapped


def test_visualizations_cover_requests_errors_and_source_runs():
    visualizations = {obj["id"]: obj for obj in saved_objects() if obj["type"] == "visualization"}
    queries = {vis_id: _search_source(obj)["query"]["query"] for vis_id, obj in visualizations.items()}
    fields = {vis_id: {agg["params"].get("field") for agg in json.loads(obj["attributes"]["visState"])["aggs"]}
              for vis_id, obj in visualizations.items()}
    assert queries["jobsight-requests-by-status"] == 'event.action:"http.request"'
    assert "http.response.status_code" in fields["jobsight-requests-by-status"]
    assert queries["jobsight-errors-by-service-chart"] == "log.level:ERROR"
    assert "service.name" in fields["jobsight-errors-by-service-chart"]
    # A source run is the INFO record of logger jobsight.ingestion (no event.action of its own).
    assert "jobsight.ingestion" in queries["jobsight-source-runs"]
    assert "@timestamp" in fields["jobsight-source-runs"]


def test_dashboard_panels_match_references():
    objects = saved_objects()
    (board,) = [obj for obj in objects if obj["type"] == "dashboard"]
    assert board["id"] == "jobsight-overview"
    panels = json.loads(board["attributes"]["panelsJSON"])
    refs = {ref["name"]: ref for ref in board["references"]}
    shown = set()
    for panel in panels:
        name = f"{panel['panelIndex']}:{panel['panelRefName']}"
        assert name in refs, panel
        assert refs[name]["type"] == panel["type"], panel
        assert panel["gridData"]["i"] == panel["panelIndex"]
        assert panel["gridData"]["x"] + panel["gridData"]["w"] <= 48
        shown.add((refs[name]["type"], refs[name]["id"]))
    expected = {(obj["type"], obj["id"]) for obj in objects if obj["type"] in ("search", "visualization")}
    assert shown == expected


def test_import_script():
    assert IMPORT_SCRIPT.is_file()
    assert os.access(IMPORT_SCRIPT, os.X_OK), "deploy/kibana/import.sh must be executable"
    text = IMPORT_SCRIPT.read_text()
    assert text.startswith("#!/bin/sh")
    assert "KIBANA_URL:-http://kibana:5601" in text
    assert "/api/saved_objects/_import?overwrite=true" in text
    assert "kbn-xsrf: true" in text
    assert "file=@" in text
