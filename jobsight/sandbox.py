"""A whole Jobsight of its own beside any other on the machine: its own four databases, RabbitMQ
vhost, Redis db, cache namespace, ports (gateway, HAProxy, demo boards) and run directory,
started by ``jobsight up --detach`` exactly as an operator starts one, so its supervisor heals
it. The fault drills (jobsight.chaos, tests/faults) and the benchmarks run on one; it never
touches what `make run` uses.

    box = Sandbox("chaos", replicas=2, env={"SCRAPER_SCHEDULE": "true"})
    box.create(); box.up()
    ...  box.url, box.instances("users"), box.rpc() ...
    box.down(); box.destroy()
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import requests

from jobsight import config as config_module
from jobsight.ports import free_port, free_port_run
from jobsight.supervisor import read_state

PG = os.environ.get("JOBSIGHT_SANDBOX_PG", "postgresql://postgres:postgres@127.0.0.1:5432")
MANAGEMENT = os.environ.get("JOBSIGHT_SANDBOX_RABBITMQ_API", "http://127.0.0.1:15672/api")
DATABASE_KEYS = ("USERS_DB_URI", "JOBS_DB_URI", "WAREHOUSE_DB_URI", "COORDINATOR_DB_URI")


class SandboxFailed(RuntimeError):
    pass


def ensure_vhost(vhost: str) -> None:
    requests.put(f"{MANAGEMENT}/vhosts/{vhost}", auth=("guest", "guest"), timeout=10).raise_for_status()
    requests.put(f"{MANAGEMENT}/permissions/{vhost}/guest", auth=("guest", "guest"), timeout=10,
                 json={"configure": ".*", "write": ".*", "read": ".*"}).raise_for_status()


def drop_databases(uris) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    for uri in uris:
        url = make_url(uri)
        admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def environment(env: dict):
    """``os.environ`` as ``env`` for a moment: config.yml's placeholders read the environment."""
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


class Sandbox:
    def __init__(self, name: str, replicas: int = 1, redis_db: int = 12, demo_count: int = 400,
                 env: dict | None = None, home: str | os.PathLike | None = None, cluster=None):
        """``cluster``: a ``jobsight.ha.Cluster`` to keep the databases on (default: the machine's
        single PostgreSQL)."""
        self.name, self.replicas = name, replicas
        self.prefix = f"jobsight_{name}"
        self.home = Path(home) if home else Path(tempfile.mkdtemp(prefix=f"{self.prefix}-"))
        self.log_dir, self.run_dir = self.home / "logs", self.home / "run"
        # HAProxy takes the port and the gateways the ones after it (jobsight.supervisor).
        self.port = free_port_run(replicas + 1) if replicas > 1 else free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            **{key: cluster.uri(f"{self.prefix}_{database}") if cluster else f"{PG}/{self.prefix}_{database}"
               for key, database in zip(DATABASE_KEYS, ("users", "jobs", "warehouse", "coordinator"))},
            "AMQP_URI": f"pyamqp://guest:guest@127.0.0.1:5672/{self.prefix}",
            "REDIS_URL": f"redis://127.0.0.1:6379/{redis_db}",
            "CACHE_NAMESPACE": f"{self.prefix}-insights",
            "GATEWAY_PORT": str(self.port), "PUBLIC_WS_URL": f"ws://127.0.0.1:{self.port}/ws",
            "DEMO_SOURCES_ENABLED": "true", "DEMO_SOURCES_URL": f"http://127.0.0.1:{free_port()}",
            "DEMO_SOURCES_COUNT": str(demo_count),
            "JOBSIGHT_RUN_DIR": str(self.run_dir), "LOGS_SHIPPING": "false",
            "SCRAPER_SCHEDULE": "false",
            **(env or {}),
        }
        self._config = None

    # -- life -------------------------------------------------------------------------------

    def create(self) -> None:
        """Fresh databases built by the real migrations, an empty Redis db, the vhost."""
        import redis

        ensure_vhost(self.prefix)
        drop_databases(self.env[key] for key in DATABASE_KEYS)
        redis.Redis.from_url(self.env["REDIS_URL"]).flushdb()
        self.cli("migrate", timeout=300)

    def up(self, timeout: float = 180) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        done = self.cli("up", "--detach", "--replicas", str(self.replicas), "--log-dir", str(self.log_dir),
                        "--timeout", str(int(timeout)), timeout=timeout + 60, check=False)
        if done.returncode != 0:
            tail = self.log("supervisor")[-4000:]
            self.cli("down", timeout=90, check=False)
            raise SandboxFailed(f"{self.name} did not start: {done.stdout}{done.stderr}\n{tail}")

    def down(self) -> None:
        self.cli("down", timeout=120, check=False)

    def destroy(self) -> None:
        """Drop the databases and the vhost and remove the home directory (after ``down``)."""
        drop_databases(self.env[key] for key in DATABASE_KEYS)
        requests.delete(f"{MANAGEMENT}/vhosts/{self.prefix}", auth=("guest", "guest"), timeout=10)
        shutil.rmtree(self.home, ignore_errors=True)

    def cli(self, *args, timeout: float = 60, check: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run([sys.executable, "-m", "jobsight.cli", *args], env=self.env, capture_output=True,
                              text=True, timeout=timeout)
        if check and done.returncode != 0:
            raise SandboxFailed(f"jobsight {' '.join(args)}: {done.stdout}{done.stderr}")
        return done

    # -- looking at it --------------------------------------------------------------------------

    @property
    def config(self) -> dict:
        if self._config is None:
            with environment(self.env):
                self._config = config_module.load()
        return self._config

    def state(self) -> dict:
        return read_state(self.run_dir / "instances.json") or {"instances": []}

    def instances(self, service: str | None = None) -> list[dict]:
        return [i for i in self.state()["instances"] if service is None or i["service"] == service]

    def instance(self, label: str) -> dict:
        return next(i for i in self.instances() if f"{i['service']}-{i['index']}" == label)

    def rpc(self, timeout: float = 60, **options):
        """nameko's cluster proxy on the sandbox's vhost, as its operator's `nameko shell` has it."""
        from nameko.standalone.rpc import ClusterRpcProxy

        return ClusterRpcProxy(self.config, timeout=timeout, **options)

    def engine(self, database: str):
        from sqlalchemy import create_engine

        return create_engine(self.env[f"{database.upper()}_DB_URI"], pool_pre_ping=True)

    def log(self, label: str) -> str:
        try:
            return (self.log_dir / f"{label}.log").read_text(errors="replace")
        except OSError:
            return ""

    def wait_healthy(self, timeout: float = 60) -> float:
        """Seconds until the gateway's /status answers 200; SandboxFailed after ``timeout``."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            try:
                if requests.get(f"{self.url}/status", timeout=3).status_code == 200:
                    return time.monotonic() - started
            except requests.RequestException:
                pass
            time.sleep(0.25)
        raise SandboxFailed(f"{self.name} not healthy after {timeout:.0f}s")
