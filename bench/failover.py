"""Failover of the replicated PostgreSQL pair (jobsight.ha) under writes through the gateway.

A sandboxed Jobsight on a pair of its own (Patroni: primary, synchronous standby, Raft witness),
two writers signing up and subscribing; the primary's postmaster is SIGKILLed, `--rounds`
times (each round kills whichever node is primary then). Per round: acknowledged writes lost
(must be 0), seconds from the kill to the first acknowledged write, failed requests during the
switch and their statuses. Then the commit latency with synchronous and with asynchronous
replication, in the same run, on the same pair: one-row INSERT commits with
synchronous_commit = on (waits for the standby's flush) and = local (does not).

    python bench/failover.py
    python bench/failover.py --rounds 3
"""
import argparse
import os
import signal
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

import requests
from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from jobsight import ha  # noqa: E402
from jobsight.chaos import Writes, wait_for  # noqa: E402
from jobsight.sandbox import Sandbox  # noqa: E402


def healthy(cluster) -> bool:
    return cluster.leader() is not None and cluster.sync_standby() is not None


def failover_round(cluster, box, skills) -> dict:
    assert wait_for(lambda: healthy(cluster), 180), cluster.members()
    old = cluster.leader()["name"]
    with Writes(box.url, skills) as writes:
        time.sleep(3)
        killed = time.monotonic()
        os.kill(cluster.postmaster_pid(ha.NODES.index(old)), signal.SIGKILL)
        wait_for(lambda: writes.first_success_after(killed), 60)
        time.sleep(3)
    lost = writes.lost(box.engine("users"))
    failed = writes.failed_after(killed)
    rejoined = wait_for(lambda: healthy(cluster) and cluster.sync_standby()["name"] == old, 180)
    emails, subscriptions = writes.acknowledged()
    return {"killed": old, "acknowledged": len(emails) + len(subscriptions), "lost": len(lost[0]) + len(lost[1]),
            "switch": writes.first_success_after(killed), "failed": len(failed),
            "statuses": dict(Counter(o.status for o in failed)),
            "slowest_failure": max((o.seconds for o in failed), default=0.0), "rejoined": bool(rejoined)}


def commit_latency(cluster, mode: str, count: int = 400) -> list[float]:
    engine = create_engine(cluster.uri("postgres"))
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE IF NOT EXISTS bench_commits (id bigserial PRIMARY KEY, at timestamptz)"))
    took = []
    with engine.connect() as conn:
        conn.execute(text(f"SET synchronous_commit = {mode}"))
        conn.commit()
        for _ in range(count):
            started = time.perf_counter()
            conn.execute(text("INSERT INTO bench_commits (at) VALUES (now())"))
            conn.commit()
            took.append(time.perf_counter() - started)
    engine.dispose()
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    cluster = ha.Cluster("bench", 5491)
    cluster.destroy()
    started = time.monotonic()
    cluster.up(180)
    box = Sandbox("bench_failover", replicas=1, redis_db=8, demo_count=60, cluster=cluster,
                  env={"RPC_TIMEOUT": "5", "SIGN_UP_THROTTLE": "100000/hour"})
    box.create()
    box.up()
    print(f"pair and sandbox up in {time.monotonic() - started:.0f} s", flush=True)
    rows = []
    try:
        skills = [s["name"] for s in requests.get(f"{box.url}/skills", timeout=10).json()["skills"]]
        for n in range(args.rounds):
            rows.append(failover_round(cluster, box, skills))
            print(f"  round {n + 1}: {rows[-1]}", flush=True)
        latencies: dict[str, list[float]] = {}
        for mode in ("on", "local", "on", "local"):  # interleaved, so neither gets a quieter machine
            latencies.setdefault(mode, []).extend(commit_latency(cluster, mode))
    finally:
        box.down()
        box.destroy()
        cluster.destroy()
    print("\n| round | primary killed | writes acknowledged | acknowledged writes lost | kill → first write "
          "| failed during the switch | their statuses | old primary back as sync standby |")
    print("|---|---|---|---|---|---|---|---|")
    for n, row in enumerate(rows, 1):
        print(f"| {n} | {row['killed']} | {row['acknowledged']} | {row['lost']} | {row['switch']:.1f} s | "
              f"{row['failed']} | {row['statuses']} (slowest {row['slowest_failure']:.1f} s) | "
              f"{'yes' if row['rejoined'] else 'no'} |")
    print("\n| replication | commits | p50 | p99 |\n|---|---|---|---|")
    for mode, label in (("on", "synchronous (synchronous_commit = on)"), ("local", "asynchronous (= local)")):
        took = sorted(latencies[mode])
        print(f"| {label} | {len(took)} | {statistics.median(took) * 1000:.2f} ms | "
              f"{took[int(len(took) * 0.99) - 1] * 1000:.2f} ms |")


if __name__ == "__main__":
    main()
