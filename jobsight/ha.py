"""The replicated PostgreSQL pair on this machine: two PostgreSQL 15 nodes under Patroni 4 (one
primary, one synchronous standby) and a Raft witness, so that two of three Raft members agree on
a leader when a node dies. ``jobsight ha up`` starts it (``make run REPLICAS=2`` does), once and
idempotently; it outlives ``jobsight down`` like the machine's own PostgreSQL does.

Every node runs ``deploy/patroni/patroni.yml`` with its own environment (ports, directories);
docker-compose.yml runs the same three as containers. Patroni runs as the ``postgres`` user from
a venv of Debian's python3 (``deploy/patroni/requirements.txt``), with its data under
``/var/lib/jobsight/ha/<scope>``. Services reach the primary through a libpq multi-host URI with
``target_session_attrs=read-write`` (``Cluster.uri``): whichever node is primary takes writes.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.error import URLError
from urllib.request import urlopen

from jobsight.config import ROOT
from jobsight.health import wait_for

VENV = Path(os.environ.get("JOBSIGHT_PATRONI_VENV", "/var/lib/jobsight/patroni"))
HOME = Path(os.environ.get("JOBSIGHT_HA_HOME", "/var/lib/jobsight/ha"))
PG_BIN = Path("/usr/lib/postgresql/15/bin")
CONFIG = ROOT / "deploy" / "patroni" / "patroni.yml"
REQUIREMENTS = ROOT / "deploy" / "patroni" / "requirements.txt"
SUPERUSER_PASSWORD = "postgres"  # as the single local server's: loopback only (config.yml's URIs)
NODES = ("node0", "node1")


class ClusterFailed(RuntimeError):
    pass


def _as_postgres() -> list[str]:
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


def ensure_patroni() -> Path:
    """Patroni's venv (Debian's python3: the postgres user can run it), installed when missing."""
    patroni = VENV / "bin" / "patroni"
    stamp = VENV / ".requirements"
    wanted = REQUIREMENTS.read_text()
    if patroni.exists() and stamp.exists() and stamp.read_text() == wanted:
        return VENV
    subprocess.run(["/usr/bin/python3", "-m", "venv", str(VENV)], check=True)
    subprocess.run([str(VENV / "bin" / "pip"), "install", "-q", "--disable-pip-version-check", "-r",
                    str(REQUIREMENTS)], check=True)
    stamp.write_text(wanted)
    return VENV


@dataclass
class Cluster:
    """One replicated pair. ``base_port``: PostgreSQL on base and base+1, Patroni's REST API on
    base+100 and base+101, Raft on base+200..base+202 (the third is the witness)."""

    scope: str = "jobsight"
    base_port: int = 5441
    home: Path = field(default=None)  # type: ignore[assignment]

    def __post_init__(self):
        self.home = Path(self.home) if self.home else HOME / self.scope

    # -- addresses --------------------------------------------------------------------------

    def pg_port(self, node: int) -> int:
        return self.base_port + node

    def api_port(self, node: int) -> int:
        return self.base_port + 100 + node

    def raft_port(self, member: int) -> int:
        return self.base_port + 200 + member

    def hosts(self) -> str:
        return "&".join(f"host=127.0.0.1:{self.pg_port(i)}" for i in range(len(NODES)))

    def uri(self, database: str, session: str = "read-write", user: str = "postgres",
            password: str = SUPERUSER_PASSWORD) -> str:
        """A libpq multi-host URI (SQLAlchemy's spelling): libpq tries each host and keeps the
        one whose session is ``session`` ("read-write": the primary; "prefer-standby")."""
        return (f"postgresql://{user}:{password}@/{database}?{self.hosts()}"
                f"&target_session_attrs={session}&connect_timeout=3")

    # -- processes ------------------------------------------------------------------------------

    def _environment(self, member: int) -> dict:
        name = NODES[member] if member < len(NODES) else "witness"
        directory = self.home / name
        partners = [f"127.0.0.1:{self.raft_port(m)}" for m in range(3) if m != member]
        env = {**os.environ, "PATRONI_SCOPE": self.scope, "PATRONI_NAME": name,
               "PATRONI_RAFT_SELF_ADDR": f"127.0.0.1:{self.raft_port(member)}",
               "PATRONI_RAFT_PARTNER_ADDRS": ",".join(f"'{p}'" for p in partners),
               "PATRONI_RAFT_DATA_DIR": str(directory / "raft")}
        if member < len(NODES):
            env.update({
                "PATRONI_RESTAPI_LISTEN": f"127.0.0.1:{self.api_port(member)}",
                "PATRONI_RESTAPI_CONNECT_ADDRESS": f"127.0.0.1:{self.api_port(member)}",
                "PATRONI_POSTGRESQL_LISTEN": f"127.0.0.1:{self.pg_port(member)}",
                "PATRONI_POSTGRESQL_CONNECT_ADDRESS": f"127.0.0.1:{self.pg_port(member)}",
                "PATRONI_POSTGRESQL_DATA_DIR": str(directory / "data"),
                "PATRONI_POSTGRESQL_PGPASS": str(directory / "pgpass"),
                "PATRONI_POSTGRESQL_BIN_DIR": str(PG_BIN),
                "PATRONI_SUPERUSER_PASSWORD": SUPERUSER_PASSWORD,
                "PATRONI_REPLICATION_PASSWORD": self._secret("replication"),
                "PATRONI_REWIND_PASSWORD": self._secret("rewind"),
            })
        return env

    def _secret(self, name: str) -> str:
        path = self.home / f".{name}-password"
        if not path.exists():
            import secrets

            path.write_text(secrets.token_urlsafe(24))
            path.chmod(0o600)
        return path.read_text().strip()

    def _pidfile(self, member: int) -> Path:
        return self.home / f"{NODES[member] if member < len(NODES) else 'witness'}.pid"

    def running(self, member: int) -> bool:
        try:
            pid = int(self._pidfile(member).read_text())
        except (OSError, ValueError):
            return False
        try:  # reap it if it is this process's child and has exited: a zombie is not running
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            pass
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            return False
        return state not in ("Z", "X")

    def start(self, member: int) -> None:
        """Start one member (a node's Patroni, or the witness) unless it runs already."""
        if self.running(member):
            return
        name = NODES[member] if member < len(NODES) else "witness"
        directory = self.home / name
        directory.mkdir(parents=True, exist_ok=True)
        shutil.chown(directory, "postgres", "postgres")
        program = "patroni" if member < len(NODES) else "patroni_raft_controller"
        log = open(self.home / f"{name}.log", "ab")
        process = subprocess.Popen([*_as_postgres(), str(VENV / "bin" / program), str(CONFIG)],
                                   env=self._environment(member), stdout=log, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True, cwd=directory)
        self._pidfile(member).write_text(str(process.pid))

    def stop(self, member: int, sig: int = signal.SIGTERM, timeout: float = 60) -> None:
        try:
            pid = int(self._pidfile(member).read_text())
        except (OSError, ValueError):
            return
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.running(member):
            time.sleep(0.2)
        if self.running(member):
            os.killpg(pid, signal.SIGKILL)

    def up(self, timeout: float = 180) -> None:
        """Start what is not running and wait for a primary with a streaming synchronous standby."""
        ensure_patroni()
        self.home.mkdir(parents=True, exist_ok=True)
        os.chmod(self.home, 0o755)
        for member in range(3):
            self.start(member)
        if not wait_for(lambda: self.leader() is not None and self.sync_standby() is not None, timeout, 0.5):
            raise ClusterFailed(f"no primary with a synchronous standby within {timeout:.0f}s: {self.members()}\n"
                                f"{self.log_tail()}")

    def down(self) -> None:
        for member in (*range(len(NODES)), len(NODES)):
            self.stop(member)
        for node in range(len(NODES)):  # a PostgreSQL whose Patroni was killed outlives it
            self._stop_orphan(node)

    def _stop_orphan(self, node: int) -> None:
        data = self.home / NODES[node] / "data"
        try:
            pid = self.postmaster_pid(node)
            if str(data) not in Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " "):
                return  # a pid reused by another process
        except (OSError, ValueError, IndexError):
            return
        for sig in (signal.SIGINT, signal.SIGKILL):  # fast shutdown, then for good
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                return
            if wait_for(lambda: not Path(f"/proc/{pid}").exists(), 20):
                return

    def destroy(self) -> None:
        self.down()
        shutil.rmtree(self.home, ignore_errors=True)

    def log_tail(self, chars: int = 3000) -> str:
        return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-chars:]}"
                         for p in sorted(self.home.glob("*.log")))

    # -- state ----------------------------------------------------------------------------------

    def members(self) -> list[dict]:
        """Patroni's view (GET /cluster of any node that answers): name, role, state, lag."""
        for node in range(len(NODES)):
            try:
                with urlopen(f"http://127.0.0.1:{self.api_port(node)}/cluster", timeout=2) as response:
                    return json.loads(response.read())["members"]
            except (URLError, OSError, ValueError, KeyError):
                continue
        return []

    def _member(self, role: str) -> dict | None:
        return next((m for m in self.members() if m.get("role") == role and m.get("state") in
                     ("running", "streaming")), None)

    def leader(self) -> dict | None:
        return self._member("leader")

    def sync_standby(self) -> dict | None:
        return self._member("sync_standby")

    def node_of(self, member: dict) -> int:
        return NODES.index(member["name"])

    def postmaster_pid(self, node: int) -> int:
        """The PostgreSQL postmaster's pid of a node (first line of its postmaster.pid)."""
        return int((self.home / NODES[node] / "data" / "postmaster.pid").read_text().split()[0])



# -- backups --------------------------------------------------------------------------------

BACKUPS = Path(os.environ.get("JOBSIGHT_BACKUP_DIR", "/var/lib/jobsight/backups"))


def backup(cluster: Cluster, destination: Path = BACKUPS) -> Path:
    """A base backup of the primary with the WAL it needs to be consistent (``pg_basebackup -X
    stream``: tar, gzipped, with a manifest), in ``destination/<scope>-<UTC time>``."""
    leader = cluster.leader()
    if leader is None:
        raise ClusterFailed(f"no primary to back up: {cluster.members()}")
    target = Path(destination) / f"{cluster.scope}-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}"
    target.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([str(PG_BIN / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(leader["port"]), "-U", "replicator",
                    "-D", str(target), "-Ft", "-z", "-X", "stream", "-c", "fast", "-l", f"jobsight {target.name}"],
                   env={**os.environ, "PGPASSWORD": cluster._secret("replication")}, check=True,
                   capture_output=True, text=True)
    return target


# Over what the backed-up node's own postgresql.conf says: a server of its own, on its own port,
# waiting for no synchronous standby.
_RESTORED_CONF = """include 'postgresql.base.conf'
listen_addresses = '127.0.0.1'
port = {port}
unix_socket_directories = '/tmp'
max_connections = 300
wal_level = replica
synchronous_standby_names = ''
"""


def restore(backup_dir: Path, data_dir: Path, port: int, start: bool = True) -> str:
    """A fresh PostgreSQL server from a base backup: its data as of the end of the backup.
    Returns its URI (the ``postgres`` database; the others are beside it)."""
    import tarfile

    backup_dir, data_dir = Path(backup_dir), Path(data_dir).resolve()
    if data_dir.exists() and any(data_dir.iterdir()):
        raise ClusterFailed(f"{data_dir} is not empty: restore into a new directory")
    data_dir.mkdir(parents=True, exist_ok=True)
    if _as_postgres() and subprocess.run([*_as_postgres(), "test", "-x", str(data_dir.parent)]).returncode != 0:
        data_dir.rmdir()
        raise ClusterFailed(f"the postgres user cannot reach {data_dir.parent}: restore under a directory it can "
                            "(e.g. /var/lib/jobsight)")
    with tarfile.open(backup_dir / "base.tar.gz") as archive:
        archive.extractall(data_dir, filter="data")
    with tarfile.open(backup_dir / "pg_wal.tar.gz") as archive:
        archive.extractall(data_dir / "pg_wal", filter="data")
    for leftover in ("standby.signal", "recovery.signal", "postmaster.pid"):
        (data_dir / leftover).unlink(missing_ok=True)
    (data_dir / "postgresql.conf").write_text(_RESTORED_CONF.format(port=port))
    (data_dir / "postgresql.auto.conf").write_text("")
    subprocess.run(["chown", "-R", "postgres:postgres", str(data_dir)], check=True)
    data_dir.chmod(0o700)
    if start:
        subprocess.run([*_as_postgres(), str(PG_BIN / "pg_ctl"), "-D", str(data_dir), "-l",
                        str(data_dir / "restored.log"), "-w", "-t", "120", "start"], check=True,
                       capture_output=True, text=True)
    return f"postgresql://postgres:{SUPERUSER_PASSWORD}@127.0.0.1:{port}/postgres"


def stop_restored(data_dir: Path) -> None:
    subprocess.run([*_as_postgres(), str(PG_BIN / "pg_ctl"), "-D", str(data_dir), "-m", "fast", "-w", "stop"],
                   capture_output=True, text=True)


# -- the command line (jobsight ha ..., jobsight backup, jobsight restore) -------------------

def configured() -> Cluster:
    """The cluster ``make run REPLICAS=2`` uses, or the one JOBSIGHT_HA_SCOPE / _PORT name."""
    return Cluster(os.environ.get("JOBSIGHT_HA_SCOPE", "jobsight"), int(os.environ.get("JOBSIGHT_HA_PORT", 5441)))


def _cmd_ha(args) -> int:
    cluster = configured()
    if args.action == "install":
        print(f"Patroni in {ensure_patroni()}")
        return 0
    if args.action == "up":
        cluster.up()
        print(f"replicated PostgreSQL up: primary {cluster.leader()['name']}, synchronous standby "
              f"{cluster.sync_standby()['name']}; services connect with {cluster.uri('<database>')}")
    elif args.action == "down":
        cluster.down()
    members = cluster.members()
    if args.action == "status" or not members:
        for member in members:
            print(f"{member['name']:<6} {member['role']:<13} {member['state']:<10} port {member['port']} "
                  f"timeline {member.get('timeline')} lag {member.get('lag', 0)}")
        if not members and args.action != "down":
            print("no node answers", file=sys.stderr)
            return 1
    return 0


def _cmd_backup(args) -> int:
    print(backup(configured(), Path(args.dir)))
    return 0


def _cmd_restore(args) -> int:
    print(restore(Path(args.backup), Path(args.data_dir), args.port))
    return 0


def add_parser(sub) -> None:
    ha = sub.add_parser("ha", help="the replicated PostgreSQL pair (Patroni): install, up, down, status")
    ha.add_argument("action", choices=("install", "up", "down", "status"))
    ha.set_defaults(func=_cmd_ha)
    taken = sub.add_parser("backup", help="a base backup of the replicated pair's primary, with its WAL")
    taken.add_argument("--dir", default=str(BACKUPS), help=f"where backups go (default {BACKUPS})")
    taken.set_defaults(func=_cmd_backup)
    back = sub.add_parser("restore", help="start a fresh PostgreSQL server from a backup (data as of the backup)")
    back.add_argument("backup", help="a directory `jobsight backup` printed")
    back.add_argument("--data-dir", required=True, help="a new, empty directory for the server's data")
    back.add_argument("--port", type=int, default=5451)
    back.set_defaults(func=_cmd_restore)
