#!/bin/sh
# Imports saved_objects.ndjson (beside this script) into Kibana: the jobsight-logs data view,
# the "errors by service" search, the visualizations and the jobsight-overview dashboard.
# Waits for Kibana at $KIBANA_URL to report itself available first. Safe to run again: the
# import overwrites the objects by id. docker-compose.yml runs it once (kibana-init) in a
# curlimages/curl container; by hand: KIBANA_URL=http://localhost:5601 deploy/kibana/import.sh
set -eu

KIBANA_URL="${KIBANA_URL:-http://kibana:5601}"
KIBANA_URL="${KIBANA_URL%/}"
WAIT_SECONDS="${KIBANA_WAIT_SECONDS:-300}"
FILE="${SAVED_OBJECTS:-$(dirname "$0")/saved_objects.ndjson}"

fail() {
    echo "kibana-init: $*" >&2
    exit 1
}

[ -r "$FILE" ] || fail "cannot read $FILE"

# /api/status answers {"status":{"overall":{"level":"available",...},...}} once Kibana is up.
available() {
    curl -fsS --max-time 5 "$KIBANA_URL/api/status" 2>/dev/null | tr -d ' \n' |
        grep -o '"overall":{[^}]*}' | grep -q '"level":"available"'
}

waited=0
until available; do
    if [ "$waited" -ge "$WAIT_SECONDS" ]; then
        fail "Kibana at $KIBANA_URL not available after ${WAIT_SECONDS}s"
    fi
    echo "kibana-init: waiting for Kibana at $KIBANA_URL ..."
    sleep 5
    waited=$((waited + 5))
done

answer="$(mktemp)"
trap 'rm -f "$answer"' EXIT
code="$(curl -sS --max-time 60 -o "$answer" -w '%{http_code}' -X POST \
    -H 'kbn-xsrf: true' --form "file=@$FILE" \
    "$KIBANA_URL/api/saved_objects/_import?overwrite=true")" || fail "import request to $KIBANA_URL failed"

if [ "$code" != "200" ] || ! tr -d ' \n' <"$answer" | grep -q '"success":true'; then
    echo "kibana-init: import of $FILE failed (HTTP $code):" >&2
    cat "$answer" >&2
    echo >&2
    exit 1
fi
echo "kibana-init: imported $FILE into $KIBANA_URL: $(tr -d ' \n' <"$answer" | grep -o '"successCount":[0-9]*')"
