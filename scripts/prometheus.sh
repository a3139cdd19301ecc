#!/usr/bin/env bash
# Ensures the local Prometheus runs: Debian's (installed by scripts/setup.sh), on 127.0.0.1:9090
# (PROMETHEUS_PORT), with deploy/prometheus/local.yml. It scrapes every instance `jobsight up`
# writes to run/prometheus-targets.json and evaluates deploy/prometheus/alerts.yml.
# Idempotent: nothing happens when something already answers on the port, or when
# PROMETHEUS=false.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${PROMETHEUS_PORT:-9090}
log() { printf '[setup] %s\n' "$*"; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

case "${PROMETHEUS:-true}" in false|0|no|off) log "Prometheus is off"; exit 0;; esac
if port_open "$PORT"; then exit 0; fi
binary=$(command -v prometheus || true)
if [ -z "$binary" ]; then log "prometheus is not installed (scripts/setup.sh installs it)"; exit 1; fi

mkdir -p run logs
[ -f run/prometheus-targets.json ] || echo '[]' > run/prometheus-targets.json
log "starting Prometheus on 127.0.0.1:$PORT (deploy/prometheus/local.yml)"
setsid "$binary" --config.file=deploy/prometheus/local.yml --storage.tsdb.path=run/prometheus-data \
  --storage.tsdb.retention.time=7d --web.listen-address="127.0.0.1:$PORT" --web.enable-lifecycle \
  </dev/null >>logs/prometheus.log 2>&1 &
for _ in $(seq 1 100); do port_open "$PORT" && exit 0; sleep 0.1; done
log "Prometheus did not open port $PORT within 10 s (logs/prometheus.log)"; exit 1
