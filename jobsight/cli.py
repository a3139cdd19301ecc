"""The ``jobsight`` command: run the system, migrate its databases, check sources offline."""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import warnings

from jobsight import config as config_module
from jobsight import ha, logquery
from jobsight.config import ROOT


def _load_config(args) -> dict:
    return config_module.load(args.config)


def cmd_migrate(args) -> int:
    from jobsight.migrate import upgrade_all

    seeded = upgrade_all(_load_config(args))
    print(f"databases migrated to head (users, jobs, warehouse, coordinator); {seeded} skills seeded")
    return 0


def cmd_parse(args) -> int:
    from jobsight.normalize import normalize
    from jobsight.sources import UnknownSourceKind, get_adapter
    from jobsight.sources.cli import parse_files

    try:
        get_adapter(args.source)
    except UnknownSourceKind as exc:
        print(exc, file=sys.stderr)
        return 2
    count = parse_files(args.source, args.files, normalize=normalize)
    print(f"{count} postings", file=sys.stderr)
    return 0 if count or not args.files else 1


def cmd_demo_sources(args) -> int:
    from jobsight.demo.server import serve

    serve(host=args.host, port=args.port, seed=args.seed, count=args.count, day=args.day)
    return 0


def cmd_up(args) -> int:
    from jobsight import supervisor

    config = _load_config(args)
    if supervisor.read_pid():
        print(f"jobsight is already running (pid {supervisor.read_pid()}); `jobsight down` stops it", file=sys.stderr)
        return 1
    if args.detach:
        supervisor.PID_FILE.parent.mkdir(parents=True, exist_ok=True)
        log_dir = os.path.abspath(args.log_dir)
        os.makedirs(log_dir, exist_ok=True)
        command = [sys.executable, "-m", "jobsight.cli", "--config", args.config, "up",
                   "--replicas", str(args.replicas), "--log-dir", log_dir, "--timeout", str(args.timeout)]
        with open(os.path.join(log_dir, "supervisor.log"), "ab") as log:
            process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                       start_new_session=True, cwd=ROOT)
        deadline = time.monotonic() + args.timeout + 15
        while time.monotonic() < deadline:
            if process.poll() is not None:
                print(f"jobsight failed to start; see {log_dir}/supervisor.log", file=sys.stderr)
                return 1
            # The supervisor says "running" once every service is healthy (and, with replicas,
            # every gateway is in HAProxy's rotation).
            state = supervisor.read_state(supervisor.STATE_FILE) or {}
            if state.get("supervisor_pid") == process.pid and state.get("phase") == "running":
                print(f"jobsight is up in the background (pid {process.pid}) at {state['base_url']}; "
                      f"logs in {log_dir}; `jobsight down` stops it")
                return 0
            time.sleep(0.5)
        print("jobsight did not become healthy in time; stopping it", file=sys.stderr)
        supervisor.stop_detached()
        return 1

    run = supervisor.Supervisor(config, args.config, replicas=args.replicas, log_dir=args.log_dir,
                                run_dir=supervisor.RUN_DIR)
    supervisor.PID_FILE.parent.mkdir(parents=True, exist_ok=True)
    supervisor.PID_FILE.write_text(str(os.getpid()))
    try:
        try:
            run.start()
            status = run.wait_healthy(args.timeout)
        except supervisor.StartupFailed as exc:
            print(f"startup failed: {exc}", file=sys.stderr)
            run.stop()
            return 1
        print(f"jobsight is up at {run.base_url}: " + json.dumps(status["services"]), flush=True)
        print("Ctrl-C stops every service; a crashed one is started again", flush=True)
        return run.supervise()
    finally:
        supervisor.PID_FILE.unlink(missing_ok=True)


def cmd_down(args) -> int:
    from jobsight import supervisor

    if supervisor.stop_detached():
        print("jobsight stopped")
    else:
        print("jobsight was not running")
    return 0


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    seconds = int(seconds)
    for unit, size, sub, sub_size in (("d", 86400, "h", 3600), ("h", 3600, "m", 60), ("m", 60, "s", 1)):
        if seconds >= size:
            return f"{seconds // size}{unit}{(seconds % size) // sub_size:02d}{sub}"
    return f"{seconds}s"


def _instances(state: dict) -> list[dict]:
    """The state file's instances, checked against the processes running now (the supervisor
    may have died since it last wrote)."""
    from jobsight import supervisor

    balancer = supervisor.haproxy_servers(state["haproxy_socket"]) if state.get("haproxy_socket") else {}
    supervised = supervisor.pid_alive(state.get("supervisor_pid"))
    rows = []
    for entry in state.get("instances", []):
        alive = bool(entry.get("alive")) and supervisor.pid_alive(entry["pid"])
        row = {**entry, "alive": alive, "uptime_s": round(time.time() - entry["started_at"], 1) if alive else None}
        if entry["service"] == "gateway" and balancer:
            row["haproxy"] = balancer.get(f"gateway-{entry['index']}", "?")
        if not alive and not supervised:
            row["restart_in"] = None
        rows.append(row)
    return rows


def _state_text(row: dict) -> str:
    if row["alive"]:
        text = "alive"
    elif row.get("restart_in") is not None:
        text = f"down, restarting in {row['restart_in']:g}s"
    else:
        text = "down"
    if row.get("last_exit_code") is not None and not row["alive"]:
        text += f" (exit {row['last_exit_code']})"
    if row.get("haproxy"):
        text += f", HAProxy: {row['haproxy']}"
    return text


def cmd_status(args) -> int:
    from jobsight import supervisor

    state = supervisor.read_state(supervisor.STATE_FILE)
    rows = _instances(state) if state else []
    base_url = (state or {}).get("base_url") or supervisor.gateway_url(_load_config(args))
    try:
        code, status = supervisor.fetch_status(base_url, headers=supervisor.operator_headers(_load_config(args)))
        gateway = {"code": code, "status": status}
    except OSError as exc:
        code, status, gateway = None, None, {"error": f"gateway not answering: {exc}"}
    healthy = code == 200 and all(row["alive"] for row in rows)
    if args.json:
        print(json.dumps({"supervisor": {"pid": state.get("supervisor_pid"), "phase": state.get("phase"),
                                         "alive": supervisor.pid_alive(state.get("supervisor_pid"))}
                          if state else None,
                          "instances": rows, "gateway": gateway}, indent=2))
        return 0 if healthy else 1
    if state:
        if not supervisor.pid_alive(state.get("supervisor_pid")):
            print(f"the supervisor (pid {state.get('supervisor_pid')}) is not running: "
                  "this is what it last saw", file=sys.stderr)
        print(f"{'SERVICE':<13} {'#':>2} {'PID':>8} {'PORT':>6} {'UPTIME':>8} {'RESTARTS':>8} {'METRICS':>7}  STATE")
        for row in rows:
            print(f"{row['service']:<13} {row['index']:>2} {row['pid']:>8} {row.get('port') or '-':>6} "
                  f"{_duration(row['uptime_s']):>8} {row['restarts']:>8} {row.get('metrics_port') or '-':>7}  "
                  f"{_state_text(row)}")
        print()
    else:
        print("no supervisor state: `jobsight up` is not running from this checkout", file=sys.stderr)
    if status is None:
        print(gateway["error"], file=sys.stderr)
        return 1
    print(json.dumps(status, indent=2))
    return 0 if healthy else 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="jobsight", description=__doc__)
    parser.add_argument("--config", default=os.environ.get("JOBSIGHT_CONFIG", str(ROOT / "config.yml")),
                        help="config file (default: config.yml)")
    sub = parser.add_subparsers(dest="command", required=True)

    up = sub.add_parser("up", help="start every service; Ctrl-C stops them")
    up.add_argument("--replicas", type=int, default=int(os.environ.get("REPLICAS", 1)),
                    help="instances of each service (default 1)")
    up.add_argument("--detach", action="store_true", help="run in the background; `jobsight down` stops it")
    up.add_argument("--log-dir", default=str(ROOT / "logs"))
    up.add_argument("--timeout", type=float, default=90.0, help="seconds to wait for every service to be healthy")
    up.set_defaults(func=cmd_up)

    sub.add_parser("down", help="stop a system started with --detach").set_defaults(func=cmd_down)
    sub.add_parser("migrate", help="create the databases and run every migration").set_defaults(func=cmd_migrate)
    status = sub.add_parser("status", help="every instance (pid, port, uptime, restarts, metrics port, alive) and "
                                           "the gateway's /status")
    status.add_argument("--json", action="store_true", help="one JSON document")
    status.set_defaults(func=cmd_status)

    parse = sub.add_parser("parse", help="print normalized postings from payload files, one JSON per line")
    parse.add_argument("--source", required=True, metavar="KIND",
                       help="greenhouse, lever, ashby, remoteok, remotive, arbeitnow, hn, rss, jsonld or rabota")
    parse.add_argument("files", nargs="+", metavar="FILE")
    parse.set_defaults(func=cmd_parse)

    demo = sub.add_parser("demo-sources", help="serve the demo job boards on loopback")
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=8100)
    demo.add_argument("--seed", type=int, default=42)
    demo.add_argument("--count", type=int, default=3000, help="canonical jobs to generate (default 3000)")
    demo.add_argument("--day", type=int, default=0, help="simulated day to start on")
    demo.set_defaults(func=cmd_demo_sources)

    logquery.add_parser(sub, _load_config)
    ha.add_parser(sub)
    return parser


def main(argv=None) -> int:
    warnings.filterwarnings("ignore", module="eventlet")
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
