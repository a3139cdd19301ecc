#!/usr/bin/env bash
# Ensures the local log server runs: PyPI's osmem-server (from the dev lock, so after the venv is
# built), an in-memory OpenSearch-compatible server that the services ship their logs to and
# `jobsight logs` reads. No Elasticsearch distribution installs on these machines; in
# docker-compose.yml the services ship to the real Elasticsearch instead.
# Idempotent: nothing happens when something already answers on the port, or when shipping is
# off (LOGS_SHIPPING=false) or points at another host (LOGS_ELASTICSEARCH_URL).
set -euo pipefail
cd "$(dirname "$0")/.."

URL=${LOGS_ELASTICSEARCH_URL:-http://127.0.0.1:9200}
VENV=${VENV:-.venv}
log() { printf '[setup] %s\n' "$*"; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

case "${LOGS_SHIPPING:-true}" in false|0|no|off) log "log shipping is off"; exit 0;; esac
if [[ ! "$URL" =~ ^http://(127\.0\.0\.1|localhost):([0-9]+)/?$ ]]; then
  log "logs ship to $URL: no local log server needed"; exit 0
fi
PORT=${BASH_REMATCH[2]}
if port_open "$PORT"; then exit 0; fi

binary=$("$VENV/bin/python" -c 'import osmem_server; print(osmem_server.resolve_binary())')
mkdir -p logs
log "starting the log server (osmem-server) on 127.0.0.1:$PORT"
# It stops when its stdin closes or its parent exits: its parent is a shell in a session of its
# own that holds a pipe open to it, so it outlives setup and the terminal, like the daemons above.
setsid bash -c "tail -f /dev/null | exec '$binary' -addr 127.0.0.1:$PORT -no-ja" \
  </dev/null >>logs/log-server.log 2>&1 &
for _ in $(seq 1 100); do port_open "$PORT" && exit 0; sleep 0.1; done
log "the log server did not open port $PORT within 10 s (logs/log-server.log)"; exit 1
