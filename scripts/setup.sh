#!/usr/bin/env bash
# Ensures the local infrastructure Jobsight runs on: Python 3.11, PostgreSQL (with prepared
# transactions), RabbitMQ (with the management plugin), Redis and the insight cache ring
# (three Redis masters, a replica of each, three Sentinels), all on loopback.
# Idempotent: where they already run it only checks; on a bare Debian/Ubuntu machine it
# installs them with apt (as root) and starts them without systemd.
set -euo pipefail

PGPORT=${PGPORT:-5432}
REDIS_PORT=${REDIS_PORT:-6379}
AMQP_PORT=${AMQP_PORT:-5672}
TEST_VHOST=${TEST_VHOST:-jobsight_test}
MIN_PREPARED=64
# Every instance keeps a few pools (a database per unit of work, the outbox relay's): two
# replicas of every service, a test suite and a sandboxed drill beside it need more than 100.
MIN_CONNECTIONS=300

log() { printf '[setup] %s\n' "$*"; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

APT_UPDATED=0
apt_install() {
  if ! command -v apt-get >/dev/null; then
    log "cannot install $* here (no apt-get): install it by hand"; exit 1
  fi
  if [ "$APT_UPDATED" = 0 ]; then as_root apt-get update -qq; APT_UPDATED=1; fi
  log "installing $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

wait_port() {  # wait_port PORT SECONDS NAME
  for _ in $(seq 1 $(( $2 * 5 ))); do port_open "$1" && return 0; sleep 0.2; done
  log "$3 did not open port $1 within $2 s"; exit 1
}

command -v curl >/dev/null || apt_install curl ca-certificates

# --- Python 3.11 -------------------------------------------------------------------------
if ! command -v python3.11 >/dev/null && ! python3 -c 'import sys; assert sys.version_info[:2] == (3, 11)' 2>/dev/null; then
  apt_install python3.11 python3.11-venv python3.11-dev
fi

# --- PostgreSQL --------------------------------------------------------------------------
if ! command -v pg_ctlcluster >/dev/null; then
  apt_install postgresql postgresql-contrib
fi
PGVERSION=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n1)
if ! port_open "$PGPORT"; then
  if [ -z "$PGVERSION" ]; then log "no PostgreSQL cluster found"; exit 1; fi
  log "starting PostgreSQL $PGVERSION"
  as_root pg_ctlcluster --skip-systemctl-redirect "$PGVERSION" main start
  wait_port "$PGPORT" 30 PostgreSQL
fi
psql_admin() {
  # Over TCP as postgres where that is trusted; else as the postgres OS user on the socket.
  if PGPASSWORD=postgres psql -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres -tAqc 'SELECT 1' >/dev/null 2>&1; then
    PGPASSWORD=postgres psql -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres -tAq "$@"
  else
    as_root su postgres -c "psql -p $PGPORT -d postgres -tAq $(printf '%q ' "$@")"
  fi
}
if ! PGPASSWORD=postgres psql -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres -tAqc 'SELECT 1' >/dev/null 2>&1; then
  # TCP is not trusted here: give postgres the password the default config uses.
  log "setting the postgres role's password for loopback connections"
  as_root su postgres -c "psql -p $PGPORT -tAqc \"ALTER USER postgres PASSWORD 'postgres'\""
fi
prepared=$(psql_admin -c "SHOW max_prepared_transactions")
if [ "$prepared" -lt "$MIN_PREPARED" ]; then
  log "max_prepared_transactions $prepared -> $MIN_PREPARED (two-phase commit)"
  psql_admin -c "ALTER SYSTEM SET max_prepared_transactions = $MIN_PREPARED" >/dev/null
  psql_admin -c "SELECT pg_reload_conf()" >/dev/null  # makes pending_restart visible
  sleep 0.5
fi
connections=$(psql_admin -c "SHOW max_connections")
if [ "$connections" -lt "$MIN_CONNECTIONS" ]; then
  log "max_connections $connections -> $MIN_CONNECTIONS"
  psql_admin -c "ALTER SYSTEM SET max_connections = $MIN_CONNECTIONS" >/dev/null
  psql_admin -c "SELECT pg_reload_conf()" >/dev/null
  sleep 0.5
fi
if [ "$(psql_admin -c "SELECT bool_or(pending_restart) FROM pg_settings")" = "t" ]; then
  log "restarting PostgreSQL $PGVERSION to apply settings"
  as_root pg_ctlcluster --skip-systemctl-redirect "$PGVERSION" main restart
  wait_port "$PGPORT" 30 PostgreSQL
fi
for db in users_db jobs_db warehouse_db coordinator_db; do
  if [ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$db'")" != "1" ]; then
    log "creating database $db"
    psql_admin -c "CREATE DATABASE $db" >/dev/null
  fi
done

# --- Redis -------------------------------------------------------------------------------
if ! command -v redis-server >/dev/null; then
  apt_install redis-server redis-sentinel
fi
if ! port_open "$REDIS_PORT"; then
  log "starting Redis on $REDIS_PORT"
  as_root mkdir -p /var/lib/redis /var/log/redis
  as_root redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/jobsight.log
  wait_port "$REDIS_PORT" 10 Redis
fi

# --- Cache ring: three Redis masters, a replica of each, three Sentinels -------------------
# Insights are cached on a consistent-hashing ring over the Sentinel services cache-1..3
# (jobsight/cache). When a master dies Sentinel promotes its replica, so a node may be served
# from either port of its pair: a returning process always joins the survivor as its replica.
CACHE_DIR=${CACHE_DIR:-/var/lib/jobsight/redis}
CACHE_MASTER_PORTS=(6380 6381 6382)
CACHE_REPLICA_PORTS=(6390 6391 6392)
SENTINEL_PORTS=(26379 26380 26381)
CACHE_MAXMEMORY=${CACHE_MAXMEMORY:-128mb}

if ! command -v redis-sentinel >/dev/null; then
  apt_install redis-sentinel
fi
[ -d "$CACHE_DIR" ] || as_root mkdir -p "$CACHE_DIR"

start_cache_node() {  # start_cache_node PORT [PORT OF ITS MASTER]
  local args=(--daemonize yes --bind 127.0.0.1 --port "$1" --save '' --appendonly no
              --maxmemory "$CACHE_MAXMEMORY" --maxmemory-policy allkeys-lru
              --dir "$CACHE_DIR" --logfile "$CACHE_DIR/redis-$1.log" --pidfile "$CACHE_DIR/redis-$1.pid")
  if [ -n "${2:-}" ]; then
    log "starting cache node on $1 (replica of $2)"
    args+=(--replicaof 127.0.0.1 "$2")
  else
    log "starting cache node on $1 (master)"
  fi
  as_root redis-server "${args[@]}"
  wait_port "$1" 10 "cache node"
}
redis_role() { redis-cli -p "$1" ROLE 2>/dev/null | sed -n "${2:-1}p"; }  # redis_role PORT [LINE]

for i in 0 1 2; do
  a=${CACHE_MASTER_PORTS[$i]} b=${CACHE_REPLICA_PORTS[$i]}
  if port_open "$a" && port_open "$b"; then continue; fi
  if ! port_open "$a" && ! port_open "$b"; then
    start_cache_node "$a"; start_cache_node "$b" "$a"; continue
  fi
  if port_open "$a"; then live=$a dead=$b; else live=$b dead=$a; fi
  if [ "$(redis_role "$live")" = slave ] && [ "$(redis_role "$live" 3)" = "$dead" ]; then
    start_cache_node "$dead"  # the survivor still waits for it: it is the master again (empty)
  else
    start_cache_node "$dead" "$live"
  fi
done

cache_master_port() {  # cache_master_port N: what a running Sentinel says, else the pair's master
  local i=$(( $1 - 1 )) port addr
  for port in "${SENTINEL_PORTS[@]}"; do
    if port_open "$port"; then
      addr=$(redis-cli -p "$port" SENTINEL get-master-addr-by-name "cache-$1" 2>/dev/null | sed -n 2p)
      if [ -n "$addr" ]; then echo "$addr"; return; fi
    fi
  done
  if [ "$(redis_role "${CACHE_REPLICA_PORTS[$i]}")" = master ] && [ "$(redis_role "${CACHE_MASTER_PORTS[$i]}")" = slave ]; then
    echo "${CACHE_REPLICA_PORTS[$i]}"
  else
    echo "${CACHE_MASTER_PORTS[$i]}"
  fi
}
monitor_lines() {  # monitor_lines N MASTER_PORT: one cache node's Sentinel settings
  echo "sentinel monitor cache-$1 127.0.0.1 $2 2"
  echo "sentinel down-after-milliseconds cache-$1 1000"
  echo "sentinel failover-timeout cache-$1 5000"
  echo "sentinel parallel-syncs cache-$1 1"
}

for port in "${SENTINEL_PORTS[@]}"; do
  if port_open "$port"; then
    # Running: make sure it watches every node (a Sentinel started by someone else may not).
    for n in 1 2 3; do
      if [ -z "$(redis-cli -p "$port" SENTINEL get-master-addr-by-name "cache-$n" 2>/dev/null)" ]; then
        log "Sentinel $port: monitoring cache-$n"
        redis-cli -p "$port" SENTINEL MONITOR "cache-$n" 127.0.0.1 "$(cache_master_port "$n")" 2 >/dev/null
        redis-cli -p "$port" SENTINEL SET "cache-$n" down-after-milliseconds 1000 failover-timeout 5000 \
          parallel-syncs 1 >/dev/null
      fi
    done
    continue
  fi
  # Sentinel rewrites its config (current masters, peers): a fresh one from the live topology.
  conf="$CACHE_DIR/sentinel-$port.conf"
  {
    echo "port $port"
    echo "bind 127.0.0.1"
    echo "daemonize yes"
    echo "dir $CACHE_DIR"
    echo "logfile $CACHE_DIR/sentinel-$port.log"
    echo "pidfile $CACHE_DIR/sentinel-$port.pid"
    for n in 1 2 3; do monitor_lines "$n" "$(cache_master_port "$n")"; done
  } | as_root tee "$conf" >/dev/null
  log "starting Sentinel on $port"
  as_root redis-sentinel "$conf"
  wait_port "$port" 10 Sentinel
done

# --- HAProxy -----------------------------------------------------------------------------
# With --replicas N >= 2 the supervisor runs HAProxy in front of the gateway instances (its
# config is rendered from deploy/haproxy.cfg); nothing is started here.
if ! command -v haproxy >/dev/null; then
  apt_install haproxy
fi

# --- Prometheus ----------------------------------------------------------------------------
# Debian's Prometheus (and promtool, which the suite checks the alert rules with); started by
# scripts/prometheus.sh once the checkout's run/ directory exists.
# The replicated PostgreSQL pair (jobsight/ha.py, REPLICAS=2 and the failover drills) runs
# Patroni from a venv of Debian's python3, as the postgres user, with PostgreSQL's own tools.
if ! /usr/bin/python3 -c 'import ensurepip, venv' 2>/dev/null; then
  apt_install python3-venv
fi
command -v runuser >/dev/null || apt_install util-linux

if ! command -v prometheus >/dev/null || ! command -v promtool >/dev/null; then
  apt_install prometheus
fi

# --- Web app and browser tests --------------------------------------------------------------
# `make setup` builds the web app the gateway serves with npm (frontend/); the browser tests
# drive Debian's Chromium (Playwright cannot fetch a browser of its own here).
if ! command -v npm >/dev/null; then
  apt_install nodejs npm
fi
if ! command -v chromium >/dev/null; then
  apt_install chromium
fi

# --- RabbitMQ ----------------------------------------------------------------------------
if ! command -v rabbitmq-server >/dev/null; then
  apt_install rabbitmq-server
fi
if ! port_open "$AMQP_PORT"; then
  if as_root rabbitmq-diagnostics -q ping >/dev/null 2>&1; then
    # The node is up but its application was stopped (rabbitmqctl stop_app): start only that.
    log "starting the RabbitMQ application"
    as_root rabbitmqctl -q start_app
  else
    log "starting RabbitMQ"
    as_root rabbitmq-server -detached
    as_root rabbitmqctl -q wait --timeout 60 "$(ls /var/lib/rabbitmq/mnesia/*.pid 2>/dev/null | head -n1 || echo /var/lib/rabbitmq/mnesia/rabbit.pid)" \
      || wait_port "$AMQP_PORT" 60 RabbitMQ
  fi
  wait_port "$AMQP_PORT" 60 RabbitMQ
fi
if ! port_open 15672; then
  log "enabling the RabbitMQ management plugin"
  as_root rabbitmq-plugins -q enable rabbitmq_management >/dev/null
  wait_port 15672 60 "RabbitMQ management"
fi
# The test suite gets a vhost of its own so it never consumes a running system's messages.
if ! curl -sf -u guest:guest "http://127.0.0.1:15672/api/vhosts/$TEST_VHOST" >/dev/null; then
  log "creating RabbitMQ vhost $TEST_VHOST"
  curl -sf -u guest:guest -X PUT "http://127.0.0.1:15672/api/vhosts/$TEST_VHOST" >/dev/null
  curl -sf -u guest:guest -X PUT -H 'content-type: application/json' \
    -d '{"configure":".*","write":".*","read":".*"}' "http://127.0.0.1:15672/api/permissions/$TEST_VHOST/guest" >/dev/null
fi

# --- The token secret -------------------------------------------------------------------------
# One random secret per installation signs the bearer tokens (config.yml AUTH.TOKEN_SECRET_FILE):
# made once, readable by its owner only, never in git (run/ is ignored). JOBSIGHT_TOKEN_SECRET,
# when set, is used instead and nothing is written.
# The operator token (X-Operator-Token: /metrics and the detailed /status) is made the same way.
CHECKOUT=$(cd "$(dirname "$0")/.." && pwd)
make_secret() {  # make_secret FILE GIVEN NAME
  if [ -z "$2" ] && [ ! -s "$1" ]; then
    log "generating the $3 ($1)"
    mkdir -p "$(dirname "$1")"
    (umask 077 && head -c 48 /dev/urandom | base64 | tr -d '\n/+=' > "$1")
  fi
  if [ -f "$1" ]; then chmod 600 "$1"; fi
}
make_secret "${JOBSIGHT_TOKEN_SECRET_FILE:-$CHECKOUT/run/token-secret}" "${JOBSIGHT_TOKEN_SECRET:-}" "token secret"
make_secret "${JOBSIGHT_OPERATOR_TOKEN_FILE:-$CHECKOUT/run/operator-token}" "${JOBSIGHT_OPERATOR_TOKEN:-}" "operator token"

log "infrastructure ready: PostgreSQL :$PGPORT, Redis :$REDIS_PORT (cache ring :6380-6382, Sentinel :26379-26381), RabbitMQ :$AMQP_PORT (management :15672), $(prometheus --version 2>&1 | head -n1 | cut -d' ' -f1-3), $(haproxy -v 2>/dev/null | head -n1 | cut -d' ' -f1-3)"
