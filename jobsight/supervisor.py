"""The process supervisor behind ``jobsight up``: every service as its own ``nameko run`` process
(N replicas each), one log file per process, and, with several gateways, HAProxy in front of them
(each gateway on a port of its own). Healthy only when the gateway says so. Once healthy it heals:
an instance that exits is started again after a delay that doubles while it keeps crashing, and
the others keep running. Ctrl-C or SIGTERM stops them all. What runs is kept in a state file
(``instances.json``, rewritten atomically) that ``jobsight status`` reads."""
from __future__ import annotations

import csv
import json
import logging
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from jobsight.config import ROOT
from jobsight.logs import JsonFormatter
from jobsight.ports import free_port, port_free

SERVICES = ("users", "scraper", "insights", "etl", "coordinator", "gateway")
# Another checkout or a test can keep its own pid and state files: JOBSIGHT_RUN_DIR.
RUN_DIR = Path(os.environ.get("JOBSIGHT_RUN_DIR") or ROOT / "run")
PID_FILE = RUN_DIR / "jobsight.pid"
STATE_FILE = RUN_DIR / "instances.json"
HAPROXY_TEMPLATE = ROOT / "deploy" / "haproxy.cfg"
HAPROXY_BACKEND = "gateways"


class StartupFailed(RuntimeError):
    pass


@dataclass
class Instance:
    service: str
    index: int
    process: subprocess.Popen
    log_path: Path
    command: list[str] = field(default_factory=list)
    env: dict | None = None
    port: int | None = None
    metrics_port: int | None = None  # where Prometheus scrapes it (METRICS_PORT)
    started_at: float = field(default_factory=time.time)  # wall clock: uptime for `jobsight status`
    started: float = field(default_factory=time.monotonic)
    restarts: int = 0
    crashes_in_a_row: int = 0
    restart_at: float | None = None  # monotonic; set while the instance waits to be started again
    last_exit: int | None = None

    @property
    def label(self) -> str:
        return f"{self.service}-{self.index}"

    def snapshot(self) -> dict:
        alive = self.process.poll() is None
        return {"service": self.service, "index": self.index, "pid": self.process.pid, "port": self.port,
                "metrics_port": self.metrics_port, "alive": alive, "started_at": round(self.started_at, 3), "restarts": self.restarts,
                "last_exit_code": self.last_exit,
                "restart_in": None if alive or self.restart_at is None
                else round(max(self.restart_at - time.monotonic(), 0), 1),
                "log": str(self.log_path)}


@dataclass(frozen=True)
class Backoff:
    """Delays before starting a crashed instance again: ``initial`` doubling up to ``maximum``
    while it keeps crashing; one that stayed up ``reset_after`` seconds starts from ``initial``."""

    initial: float = 1.0
    maximum: float = 30.0
    reset_after: float = 60.0

    @classmethod
    def from_config(cls, config: dict) -> "Backoff":
        settings = config.get("SUPERVISOR") or {}
        return cls(float(settings.get("RESTART_INITIAL", cls.initial)), float(settings.get("RESTART_MAX", cls.maximum)),
                   float(settings.get("RESTART_RESET_AFTER", cls.reset_after)))

    def delay(self, crashes_in_a_row: int) -> float:
        return min(self.initial * 2 ** min(crashes_in_a_row, 32), self.maximum)


def _address(config: dict) -> tuple[str, int]:
    host, _, port = str(config.get("WEB_SERVER_ADDRESS", "127.0.0.1:8000")).rpartition(":")
    return host or "127.0.0.1", int(port)


def gateway_url(config: dict) -> str:
    host, port = _address(config)
    host = "127.0.0.1" if host in ("", "0.0.0.0") else host
    return f"http://{host}:{port}"


def operator_headers(config: dict) -> dict:
    """The header that gets an operator the detailed /status and /metrics ({} when none is set)."""
    from jobsight.auth import OPERATOR_HEADER, operator_token

    try:
        return {OPERATOR_HEADER: operator_token(config)}
    except ValueError:
        return {}


def fetch_status(base_url: str, timeout: float = 3.0, headers: dict | None = None) -> tuple[int, dict]:
    try:
        request = urllib.request.Request(f"{base_url}/status", headers=headers or {})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as exc:
        try:
            return exc.code, json.load(exc)
        except ValueError:
            return exc.code, {}


def _live(base_url: str, timeout: float = 1.0) -> bool:
    try:
        with urllib.request.urlopen(f"{base_url}/health/live", timeout=timeout) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError, ValueError):
        return False


def _port_open(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def _tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def find_haproxy(name: str = "haproxy") -> str | None:
    """The HAProxy binary: on PATH, or in the sbin directories a non-root PATH leaves out."""
    return shutil.which(name) or shutil.which(name, path="/usr/local/sbin:/usr/sbin:/sbin")


def render_haproxy(template: str, bind: str, servers: list[tuple[str, str]], stats_socket: str | None = None) -> str:
    """deploy/haproxy.cfg for a local run: each ``# <name>: begin`` .. ``# <name>: end`` block of
    the template is replaced by the local lines (the bind address, ``server`` lines for
    ``(name, host:port)`` pairs, the stats socket; no DNS resolvers)."""
    blocks = {
        "bind": [f"bind {bind}"],
        "servers": [f"server {name} {address}" for name, address in servers],
        "stats": [f'stats socket "{stats_socket}" mode 600 level user'] if stats_socket else [],
        "resolvers": [],
    }
    rendered = template
    for name, lines in blocks.items():
        pattern = re.compile(rf"^([ \t]*)# {name}: begin\n.*?^[ \t]*# {name}: end\n", re.S | re.M)
        if not pattern.search(rendered):
            raise ValueError(f"the HAProxy template has no '# {name}: begin/end' block")
        rendered = pattern.sub(lambda m: "".join(f"{m.group(1)}{line}\n" for line in lines), rendered, count=1)
    return "# Rendered by `jobsight up` from deploy/haproxy.cfg: edit that file, not this one.\n" + rendered


def haproxy_servers(socket_path: str | os.PathLike, timeout: float = 2.0) -> dict[str, str]:
    """HAProxy's view of each gateway server (``UP``, ``DOWN``, ``DOWN 1/2``...), from its stats
    socket; empty when it cannot be asked."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(timeout)
            sock.connect(str(socket_path))
            sock.sendall(b"show stat\n")
            chunks = []
            while chunk := sock.recv(65536):
                chunks.append(chunk)
    except OSError:
        return {}
    rows = csv.reader(b"".join(chunks).decode(errors="replace").lstrip("# ").splitlines())
    header = next(rows, [])
    if "svname" not in header or "status" not in header:
        return {}
    name_at, server_at, status_at = header.index("pxname"), header.index("svname"), header.index("status")
    return {row[server_at]: row[status_at] for row in rows
            if len(row) > status_at and row[name_at] == HAPROXY_BACKEND and row[server_at] not in ("FRONTEND", "BACKEND")}


def prometheus_targets(instances) -> list[dict]:
    """Prometheus file-based service discovery: one target group per service instance that
    exports metrics, labelled with its service and replica."""
    return [{"targets": [f"127.0.0.1:{i.metrics_port}"], "labels": {"service": i.service, "replica": i.label}}
            for i in instances if i.metrics_port]


def write_json_atomically(path: Path, data) -> None:
    """Readers see the old file or the new one, never half of one."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(temporary, "w") as handle:
        json.dump(data, handle, indent=1)
        handle.write("\n")
    os.replace(temporary, path)


def read_state(path: Path = STATE_FILE) -> dict | None:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


class Supervisor:
    def __init__(self, config: dict, config_path: str | os.PathLike, replicas: int = 1,
                 log_dir: str | os.PathLike = ROOT / "logs", services=SERVICES, env: dict | None = None,
                 out=sys.stdout, run_dir: str | os.PathLike | None = None):
        if replicas < 1:
            raise ValueError("replicas must be at least 1")
        self.config = config
        self.config_path = str(config_path)
        self.replicas = replicas
        self.log_dir = Path(log_dir)
        # The rendered HAProxy config and its stats socket go to run_dir, and the state file
        # only when one is given: supervisors a test or a benchmark starts side by side in one
        # log directory would overwrite each other's.
        self.run_dir = Path(run_dir) if run_dir is not None else self.log_dir
        self.state_file = self.run_dir / "instances.json" if run_dir is not None else None
        # Prometheus (started by setup, or by a test) discovers every instance from this file.
        self.targets_file = self.run_dir / "prometheus-targets.json"
        self.services = tuple(services)
        self.env = {**os.environ, **(env or {})}
        self.instances: list[Instance] = []
        self.base_url = gateway_url(config)
        self.out = out
        self.backoff = Backoff.from_config(config)
        # Several gateways each get a port of their own behind HAProxy, which takes the public one.
        self.balanced = replicas > 1 and "gateway" in self.services
        self.haproxy_socket = self.run_dir / "haproxy.sock" if self.balanced else None
        self.phase = "starting"
        self._logger = logging.Logger("jobsight.supervisor")
        handler = logging.StreamHandler(out)
        handler.setFormatter(JsonFormatter())
        self._logger.addHandler(handler)

    def _log(self, message: str, level: int = logging.INFO, instance: Instance | None = None, **fields) -> None:
        """One JSON line, as the services log: the instance's service and index, the event."""
        if instance is not None:
            fields = {"service": instance.service, "instance": instance.index, "instance_pid": instance.process.pid,
                      **fields}
        fields.setdefault("service", "supervisor")
        self._logger.log(level, message, extra=fields)
        for handler in self._logger.handlers:
            handler.flush()

    def _say(self, message: str) -> None:
        self._log(message)

    def _nameko(self) -> str:
        candidate = Path(sys.executable).parent / "nameko"
        return str(candidate) if candidate.exists() else "nameko"

    def _popen(self, command: list[str], env: dict, log_path: Path) -> subprocess.Popen:
        with open(log_path, "ab") as log:
            return subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True)  # Ctrl-C reaches us only; we stop the children in order

    def _spawn(self, label: str, index: int, command: list[str], env: dict, port: int | None = None,
               log_name: str | None = None) -> Instance:
        log_path = self.log_dir / (log_name or f"{label}-{index}.log")
        instance = Instance(label, index, self._popen(command, env, log_path), log_path, command=command, env=env,
                            port=port)
        self.instances.append(instance)
        return instance

    def _haproxy_binary(self) -> str:
        name = str((self.config.get("SUPERVISOR") or {}).get("HAPROXY") or "haproxy")
        binary = find_haproxy(name)
        if binary is None:
            raise StartupFailed(f"{self.replicas} gateway replicas need HAProxy in front of them and `{name}` "
                                "is not installed (scripts/setup.sh installs it)")
        return binary

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
                                        "--seed", str(demo["seed"])], self.env, port=url.port or 80)
        deadline = time.monotonic() + 20
        while not _port_open(url.hostname, url.port or 80):
            if time.monotonic() > deadline or self.dead():
                raise StartupFailed(f"demo job boards did not start:\n{_tail(self.instances[-1].log_path)}")
            time.sleep(0.1)
        self._say(f"demo job boards on {demo['url']} ({demo['count']} jobs)")

    def _gateway_ports(self) -> list[int]:
        """GATEWAY_PORT+1 .. GATEWAY_PORT+N, each free, and GATEWAY_PORT free for HAProxy."""
        host, port = _address(self.config)
        ports = [port + 1 + index for index in range(self.replicas)]
        taken = [p for p in [port, *ports] if not port_free("127.0.0.1" if p != port else host, p)]
        if taken:
            raise StartupFailed(f"ports {', '.join(map(str, taken))} are in use: HAProxy takes GATEWAY_PORT={port} "
                                f"and the {self.replicas} gateways the ports after it")
        return ports

    def start_haproxy(self, ports: list[int]) -> Instance:
        binary = self._haproxy_binary()
        host, port = _address(self.config)
        cfg = self.run_dir / "haproxy.cfg"
        self.haproxy_socket.unlink(missing_ok=True)
        cfg.write_text(render_haproxy(HAPROXY_TEMPLATE.read_text(), f"{host}:{port}",
                                      [(f"gateway-{i}", f"127.0.0.1:{p}") for i, p in enumerate(ports)],
                                      str(self.haproxy_socket)))
        # -db: in the foreground, one process, so it is supervised like any instance.
        instance = self._spawn("haproxy", 0, [binary, "-f", str(cfg), "-db"], self.env, port=port,
                               log_name="haproxy.log")
        self._say(f"HAProxy on {host}:{port} in front of gateways on ports {', '.join(map(str, ports))}")
        return instance

    def start(self) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.run_dir.mkdir(parents=True, exist_ok=True)
        ports = self._gateway_ports() if self.balanced else []
        if self.balanced:
            self._haproxy_binary()  # fail before starting anything
        self.start_demo_sources()
        for service in self.services:
            for index in range(self.replicas):
                env = {**self.env, "JOBSIGHT_SERVICE": service, "JOBSIGHT_INSTANCE": str(index),
                       "PYTHONUNBUFFERED": "1", "PYTHONWARNINGS": "ignore"}
                port = None
                if service == "gateway":
                    port = _address(self.config)[1]
                    if self.balanced:
                        port = ports[index]
                        env.update({"GATEWAY_HOST": "127.0.0.1", "GATEWAY_PORT": str(port)})
                        # Every peer is then the local HAProxy: believe the client it forwards.
                        env.setdefault("GATEWAY_TRUSTED_PROXIES", "127.0.0.1")
                # Kept across restarts, so Prometheus finds a restarted instance where it was.
                metrics_port = free_port()
                env["METRICS_PORT"] = str(metrics_port)
                instance = self._spawn(service, index, [self._nameko(), "run", "--config", self.config_path,
                                                        f"services.{service}"], env, port=port)
                instance.metrics_port = metrics_port
        if self.balanced:
            self.start_haproxy(ports)
        self.write_state()
        self._say(f"started {len(self.instances)} processes ({', '.join(self.services)} x{self.replicas}); "
                  f"logs in {self.log_dir}")

    def dead(self) -> list[Instance]:
        return [i for i in self.instances if i.process.poll() is not None]

    def _balanced_ready(self) -> tuple[bool, dict]:
        """Every gateway instance answers and is in rotation. HAProxy counts a server up until its
        checks fail, so one that does not listen yet may still read UP: each is asked too."""
        if not self.balanced:
            return True, {}
        states = haproxy_servers(self.haproxy_socket)
        gateways = [i for i in self.instances if i.service == "gateway"]
        in_rotation = bool(states) and all(states.get(f"gateway-{i.index}") == "UP" for i in gateways)
        return in_rotation and all(_live(f"http://127.0.0.1:{i.port}") for i in gateways), states

    def wait_healthy(self, timeout: float = 60.0) -> dict:
        """Block until the system answers healthy; StartupFailed when an instance exits meanwhile
        (no restart while starting: a service that crashes at startup fails the start) or time runs out."""
        deadline = time.monotonic() + timeout
        last, balancer = {}, {}
        while time.monotonic() < deadline:
            for instance in self.dead():
                raise StartupFailed(f"{instance.label} exited with code {instance.process.returncode}:\n"
                                    f"{_tail(instance.log_path)}")
            try:
                code, last = fetch_status(self.base_url, timeout=3, headers=operator_headers(self.config))
                states = last.get("services") or {}
                # A partial system (benchmarks start a few services) is healthy when those are.
                if code == 200 or (states and all(states.get(s) == "ok" for s in self.services)):
                    ready, balancer = self._balanced_ready()
                    if ready:
                        self.phase = "running"
                        self.write_state()
                        return last
            except (urllib.error.URLError, OSError, ValueError):
                pass
            time.sleep(0.3)
        waiting = last.get("services", "gateway not answering")
        if balancer:
            waiting = f"{waiting}; HAProxy sees {balancer}"
        raise StartupFailed(f"services not healthy after {timeout:.0f}s: {waiting}")

    def heal(self) -> list[Instance]:
        """One round of healing: note every instance that exited and when it is to start again
        (the backoff), start those whose delay is over. Returns the instances started again."""
        now = time.monotonic()
        changed, restarted = False, []
        for instance in self.instances:
            code = instance.process.poll()
            if code is None:
                continue
            if instance.restart_at is None:
                uptime = now - instance.started
                if uptime >= self.backoff.reset_after:
                    instance.crashes_in_a_row = 0
                delay = self.backoff.delay(instance.crashes_in_a_row)
                instance.crashes_in_a_row += 1
                instance.restart_at = now + delay
                instance.last_exit = code
                self._log(f"{instance.label} exited with code {code} after {uptime:.1f}s; starting it again in "
                          f"{delay:g}s", logging.WARNING, instance, event="instance_exited", exit_code=code,
                          uptime_s=round(uptime, 1), backoff_s=delay, restarts=instance.restarts,
                          last_lines=_tail(instance.log_path))
                changed = True
            elif now >= instance.restart_at:
                previous = instance.process.pid
                try:
                    process = self._popen(instance.command, instance.env or self.env, instance.log_path)
                except OSError as exc:  # e.g. the binary is gone: try again later, as after a crash
                    delay = self.backoff.delay(instance.crashes_in_a_row)
                    instance.crashes_in_a_row += 1
                    instance.restart_at = now + delay
                    self._log(f"{instance.label} could not be started: {exc}; trying again in {delay:g}s",
                              logging.ERROR, instance, event="instance_start_failed", backoff_s=delay)
                    continue
                instance.process = process
                instance.started, instance.started_at = time.monotonic(), time.time()
                instance.restart_at = None
                instance.restarts += 1
                self._log(f"{instance.label} started again (restart {instance.restarts})", logging.WARNING, instance,
                          event="instance_restarted", previous_pid=previous, restarts=instance.restarts)
                restarted.append(instance)
                changed = True
        if changed:
            self.write_state()
        return restarted

    def state(self) -> dict:
        return {"supervisor_pid": os.getpid(), "phase": self.phase, "base_url": self.base_url,
                "replicas": self.replicas, "updated_at": round(time.time(), 3),
                "haproxy_socket": str(self.haproxy_socket) if self.haproxy_socket else None,
                "instances": [instance.snapshot() for instance in self.instances]}

    def write_state(self) -> None:
        files = [(self.targets_file, prometheus_targets(self.instances))]
        if self.state_file is not None:
            files.append((self.state_file, self.state()))
        for path, data in files:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                write_json_atomically(path, data)
            except OSError as exc:  # for operators: never a reason to stop supervising
                self._log(f"cannot write {path}: {exc}", logging.ERROR)

    def stop(self, timeout: float = 15.0) -> None:
        self.phase = "stopping"
        # The front door first (HAProxy, then the gateways) so no new requests arrive while the
        # backends drain.
        ordered = sorted(self.instances, key=lambda i: (i.service != "haproxy", i.service != "gateway"))
        for instance in ordered:
            instance.restart_at = None
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
        self.write_state()  # no targets left for Prometheus
        if self.state_file and (read_state(self.state_file) or {}).get("supervisor_pid") == os.getpid():
            self.state_file.unlink(missing_ok=True)

    def supervise(self, interval: float = 0.2) -> int:
        """Heal until SIGINT/SIGTERM, then stop every instance; 0."""
        stopping = []

        def on_signal(signum, frame):
            stopping.append(signum)

        previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            while not stopping:
                self.heal()
                time.sleep(interval)
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


def pid_alive(pid: int | None) -> bool:
    if not pid or pid <= 0:  # kill(0, ...) would ask about our own process group
        return False
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it exists
        return True


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
    while pid_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    if pid_alive(pid):
        os.kill(pid, signal.SIGKILL)
    # The supervisor stops its services in order; whatever outlived it is stopped here.
    leftovers = [child for child in children if pid_alive(child)]
    for child in leftovers:
        os.kill(child, signal.SIGTERM)
    deadline = time.monotonic() + 10
    while any(pid_alive(child) for child in leftovers) and time.monotonic() < deadline:
        time.sleep(0.2)
    for child in leftovers:
        if pid_alive(child):
            os.kill(child, signal.SIGKILL)
    PID_FILE.unlink(missing_ok=True)
    STATE_FILE.unlink(missing_ok=True)  # left behind when the supervisor had to be killed
    return True
