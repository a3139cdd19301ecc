"""Free local ports for the processes Jobsight starts (gateways behind HAProxy, metrics
endpoints, sandboxes, test systems).

A port is chosen below the kernel's ephemeral range: the ports above it are what outgoing
connections (to RabbitMQ, PostgreSQL, Redis, a gateway) take as their local end, so a port
chosen there can be gone by the time the child that was given it binds it, seconds later."""
from __future__ import annotations

import random
import socket
from pathlib import Path

EPHEMERAL_RANGE_FILE = Path("/proc/sys/net/ipv4/ip_local_port_range")
LOWEST = 15000  # above the fixed ports of the servers Jobsight runs next to (PostgreSQL, Redis, Prometheus...)


def ephemeral_range() -> tuple[int, int]:
    try:
        low, high = (int(part) for part in EPHEMERAL_RANGE_FILE.read_text().split())
        return low, high
    except (OSError, ValueError):
        return 32768, 60999  # Linux's default


def port_free(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
        return True


def _candidates(length: int):
    low, _ = ephemeral_range()
    highest = low - length
    if highest <= LOWEST:  # an unusual kernel setting: let the kernel pick, as before
        while True:
            with socket.socket() as sock:
                sock.bind(("127.0.0.1", 0))
                yield sock.getsockname()[1]
    chooser = random.SystemRandom()
    while True:
        yield chooser.randrange(LOWEST, highest)


def free_port_run(length: int, host: str = "127.0.0.1") -> int:
    """A port P with P..P+length-1 all free (HAProxy takes P, the gateways the ports after it)."""
    candidates = _candidates(length)
    for _ in range(200):
        port = next(candidates)
        if port + length <= 65535 and all(port_free(host, port + offset) for offset in range(length)):
            return port
    raise RuntimeError(f"no run of {length} free ports")


def free_port(host: str = "127.0.0.1") -> int:
    return free_port_run(1, host)
