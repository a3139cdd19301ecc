"""The process supervisor behind ``jobsight up``: every service as its own ``nameko run`` process
(N replicas each), one log file per process, healthy only when the gateway says so, and a
clean stop of them all on Ctrl-C or SIGTERM."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from jobsight.config import ROOT

SERVICES = ("users", "scraper", "insights", "etl", "coordinator", "gateway")
PID_FILE = ROOT / "run" / "jobsight.pid"


class StartupFailed(RuntimeError):
    pass


@dataclass
class Instance:
    service: str
    index: int
    process: subprocess.Popen
    log_path: Path

    @property
    def label(self) -> str:
        return f"{self.service}-{self.index}"


def gateway_url(config: dict) -> str:
    host, _, port = str(config.get("WEB_SERVER_ADDRESS", "127.0.0.1:8000")).rpartition(":")
    host = "127.0.0.1" if host in ("", "0.0.0.0") else host
    return f"http://{host}:{port}"


def fetch_status(base_url: str, timeout: float = 3.0) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(f"{base_url}/status", timeout=timeout) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as exc:
        try:
            return exc.code, json.load(exc)
        except ValueError:
            return exc.code, {}


def _port_open(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def _tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


class Supervisor:
    def __init__(self, config: dict, config_path: str | os.PathLike, replicas: int = 1,
                 log_dir: str | os.PathLike = ROOT / "logs", services=SERVICES, env: dict | None = None,
                 out=sys.stdout):
        if replicas < 1:
            raise ValueError("replicas must be at least 1")
        self.config = config
        self.config_path = str(config_path)
        self.replicas = replicas
        self.log_dir = Path(log_dir)
        self.services = tuple(services)
        self.env = {**os.environ, **(env or {})}
        self.instances: list[Instance] = []
        self.base_url = gateway_url(config)
        self.out = out

    def _say(self, message: str) -> None:
        print(message, file=self.out, flush=True)

    def _nameko(self) -> str:
        candidate = Path(sys.executable).parent / "nameko"
        return str(candidate) if candidate.exists() else "nameko"

    def _spawn(self, label: str, index: int, command: list[str], env: dict) -> Instance:
        log_path = self.log_dir / f"{label}-{index}.log"
        with open(log_path, "ab") as log:
            process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True)  # Ctrl-C reaches us only; we stop the children in order
        instance = Instance(label, index, process, log_path)
        self.instances.append(instance)
        return instance

    def start_demo_sources(self) -> None:
        """Serve the demo job boards when the config reads them and nobody serves them yet."""
        from jobsight.sources.settings import demo_settings

        demo = demo_settings(self.config)
        if not demo["enabled"]:
            return
        url = urllib.parse.urlsplit(demo["url"])
        if url.hostname not in ("127.0.0.1", "localhost") or _port_open(url.hostname, url.port or 80):
            return
        self._spawn("demo-sources", 0, [sys.executable, "-m", "jobsight.demo", "--host", url.hostname,
                                        "--port", str(url.port or 80), "--count", str(demo["count"]),
                                        "--seed", str(demo["seed"])], self.env)
        deadline = time.monotonic() + 20
        while not _port_open(url.hostname, url.port or 80):
            if time.monotonic() > deadline or self.dead():
                raise StartupFailed(f"demo job boards did not start:\n{_tail(self.instances[-1].log_path)}")
            time.sleep(0.1)
        self._say(f"demo job boards on {demo['url']} ({demo['count']} jobs)")

    def start(self) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.start_demo_sources()
        for service in self.services:
            for index in range(self.replicas):
                env = {**self.env, "JOBSIGHT_SERVICE": service, "JOBSIGHT_INSTANCE": str(index),
                       "PYTHONUNBUFFERED": "1", "PYTHONWARNINGS": "ignore"}
                self._spawn(service, index, [self._nameko(), "run", "--config", self.config_path,
                                             f"services.{service}"], env)
        self._say(f"started {len(self.instances)} processes ({', '.join(self.services)} x{self.replicas}); "
                  f"logs in {self.log_dir}")

    def dead(self) -> list[Instance]:
        return [i for i in self.instances if i.process.poll() is not None]

    def wait_healthy(self, timeout: float = 60.0) -> dict:
        deadline = time.monotonic() + timeout
        last = {}
        while time.monotonic() < deadline:
            for instance in self.dead():
                raise StartupFailed(f"{instance.label} exited with code {instance.process.returncode}:\n"
                                    f"{_tail(instance.log_path)}")
            try:
                code, last = fetch_status(self.base_url, timeout=3)
                states = last.get("services") or {}
                # A partial system (benchmarks start a few services) is healthy when those are.
                if code == 200 or (states and all(states.get(s) == "ok" for s in self.services)):
                    return last
            except (urllib.error.URLError, OSError, ValueError):
                pass
            time.sleep(0.3)
        raise StartupFailed(f"services not healthy after {timeout:.0f}s: {last.get('services', 'gateway not answering')}")

    def stop(self, timeout: float = 15.0) -> None:
        # Gateway first so no new requests arrive while the backends drain.
        ordered = sorted(self.instances, key=lambda i: i.service != "gateway")
        for instance in ordered:
            if instance.process.poll() is None:
                instance.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for instance in ordered:
            try:
                instance.process.wait(max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                instance.process.kill()
                instance.process.wait()
        self._say(f"stopped {len(self.instances)} processes")
        self.instances = []

    def supervise(self) -> int:
        """Block until SIGINT/SIGTERM (exit 0) or until a process dies (exit 1); stop all either way."""
        stopping = []

        def on_signal(signum, frame):
            stopping.append(signum)

        previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            while not stopping:
                dead = self.dead()
                if dead:
                    for instance in dead:
                        self._say(f"{instance.label} exited with code {instance.process.returncode}; "
                                  f"last lines of {instance.log_path}:\n{_tail(instance.log_path)}")
                    return 1
                time.sleep(0.5)
            return 0
        finally:
            self.stop()
            for sig, handler in previous.items():
                signal.signal(sig, handler)


def read_pid() -> int | None:
    try:
        pid = int(PID_FILE.read_text().strip())
    except (OSError, ValueError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    return pid


def _children(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` (read from /proc: no extra dependency)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # The command name may hold spaces: the parent pid follows the closing parenthesis.
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False


def stop_detached(timeout: float = 45.0) -> bool:
    """Stop the supervisor started with ``up --detach``, and every service it started, even if the
    supervisor itself has to be killed. False when none was running."""
    pid = read_pid()
    if pid is None:
        PID_FILE.unlink(missing_ok=True)
        return False
    children = _children(pid)
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    if _alive(pid):
        os.kill(pid, signal.SIGKILL)
    # The supervisor stops its services in order; whatever outlived it is stopped here.
    leftovers = [child for child in children if _alive(child)]
    for child in leftovers:
        os.kill(child, signal.SIGTERM)
    deadline = time.monotonic() + 10
    while any(_alive(child) for child in leftovers) and time.monotonic() < deadline:
        time.sleep(0.2)
    for child in leftovers:
        if _alive(child):
            os.kill(child, signal.SIGKILL)
    PID_FILE.unlink(missing_ok=True)
    return True
