"""The chaos table: every fault drill of jobsight.chaos on a sandboxed Jobsight with two
instances of every service behind HAProxy, under a bounded load (three readers over nine read
routes, a login every fourth read, a sign-up every 0.5 s).

Columns: fault, requests (reads and logins during the fault and until it had recovered),
failed, the slowest answer, seconds to recover, events lost and events duplicated (a Python
subscriber's notifications against the jobs asking for Python, and the warehouse against
jobs_db, after the system settled). Below the table, what failed, by route and status, the
slowest route of each drill, and the sign-ups (sent, acknowledged, lost, stored twice, refused).

It stops RabbitMQ and restarts PostgreSQL: every system on the machine sees those faults.

    python bench/chaos.py
    python bench/chaos.py --only kill          # the SIGKILL drills alone
"""
import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from jobsight.chaos import SANDBOX_ENV, Drills, table  # noqa: E402
from jobsight.sandbox import Sandbox  # noqa: E402

SERVICES = ("users", "scraper", "insights", "etl", "coordinator", "gateway")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=("kill", "pause", "broker", "database"), action="append")
    parser.add_argument("--demo-count", type=int, default=300)
    args = parser.parse_args()
    only = set(args.only or ("kill", "pause", "broker", "database"))

    box = Sandbox("bench_chaos", replicas=2, redis_db=10, demo_count=args.demo_count, env=SANDBOX_ENV)
    started = time.monotonic()
    box.create()
    box.up()
    rows = []
    try:
        drills = Drills(box)
        world = drills.prepare()
        print(f"sandbox up with 2 instances of each service in {time.monotonic() - started:.0f}s; "
              f"{world['jobs']} jobs ingested", flush=True)
        if "kill" in only:
            for service in SERVICES:
                rows.append(drills.kill(service, index=0 if service == "gateway" else 1))
                print(f"  {rows[-1].fault}: done", flush=True)
        if "pause" in only:
            rows.append(drills.pause("insights"))
            print(f"  {rows[-1].fault}: done", flush=True)
        if "broker" in only:
            rows.append(drills.broker_outage(10))
            print(f"  {rows[-1].fault}: done", flush=True)
        if "database" in only:
            rows.append(drills.database_restart())
            print(f"  {rows[-1].fault}: done", flush=True)
    finally:
        box.down()
        box.destroy()
    print()
    print(table(rows))
    print()
    for row in rows:
        failed = Counter(f"{o.route.split('?')[0]} {o.status}" for o in row.failures)
        print(f"{row.fault}:")
        if failed:
            print(f"  failed: {dict(failed.most_common(8))}")
        if row.slowest is not None:
            print(f"  slowest: {row.slowest.route} {row.slowest.status} in {row.slowest.seconds:.2f}s")
        print(f"  sign-ups: {json.dumps(row.writes)}")
        extra = {k: v for k, v in row.notes.items() if k in (
            "breaker_open_after_s", "jobs_committed_during_outage", "restarted", "restarts", "settled_in_s")}
        if "open_answers" in row.notes:
            extra["open_answer_max_ms"] = max(ms for _, ms in row.notes["open_answers"])
        print(f"  {json.dumps(extra, default=str)}")


if __name__ == "__main__":
    main()
