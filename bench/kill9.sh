#!/usr/bin/env bash
# Crash safety of the request log: load the headless gateway, kill -9 it mid-load, restart it on the
# same data folder, then check the database (PRAGMA integrity_check) and count the stored rows
# against the requests answered before the kill. A benchmark, not a test: it prints the numbers;
# exit 1 when the database is damaged, rows are extra, or more are missing than the bound allows.
#
# Usage: bench/kill9.sh                    KILL_AFTER=5 CONNS=32 ROUNDS=3 bench/kill9.sh
#        RATE=50 bench/kill9.sh            a steady, paced load (curl) instead of wrk flat out
# Durability bound (docs/observability.md): records reach the log in batches (100 ms on the gateway
# thread, then one transaction per batch on the writer thread), so answers of the last batch
# interval, and any backlog the writer had not committed yet, can be missing after kill -9;
# committed rows survive and the file is never damaged (WAL).
# Needs wrk (scripts/deps.sh --bench) and sqlite3.
set -u
set -o pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PROJECT_DIR=$(cd "$BENCH_DIR/.." && pwd)
GATEHOUSE_BIN=${GATEHOUSE_BIN:-$PROJECT_DIR/build/app/gatehouse}
KILL_AFTER=${KILL_AFTER:-5}
CONNS=${CONNS:-32}
ROUNDS=${ROUNDS:-3}
RATE=${RATE:-}   # requests a second from a paced curl loop instead of wrk at full speed
command -v wrk >/dev/null || { echo "kill9: wrk not found (scripts/deps.sh --bench)" >&2; exit 2; }
command -v sqlite3 >/dev/null || { echo "kill9: sqlite3 not found (scripts/deps.sh --bench)" >&2; exit 2; }
[ -x "$GATEHOUSE_BIN" ] || { echo "kill9: no gateway at $GATEHOUSE_BIN (build first)" >&2; exit 2; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/gatehouse-kill9.XXXXXX")
GW_PID=""
cleanup() { [ -n "$GW_PID" ] && kill -9 "$GW_PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
printf 'x-portkey-provider: mock\n' > "$WORK/headers"

start_gateway() {   # -> GW_PID, PORT
  rm -f "$WORK/port"
  HOME=$WORK "$GATEHOUSE_BIN" --headless --port 0 --port-file "$WORK/port" --data-dir "$WORK/data" 2>> "$WORK/gateway.log" &
  GW_PID=$!
  for _ in $(seq 1 100); do [ -s "$WORK/port" ] && break; sleep 0.1; done
  PORT=$(cat "$WORK/port" 2>/dev/null) || { echo "kill9: the gateway did not start" >&2; cat "$WORK/gateway.log" >&2; exit 2; }
}

status=0
answered_total=0
stored_before=0
echo "| round | answered before kill | stored after restart | missing | integrity_check |"
echo "|---|---|---|---|---|"
for round in $(seq 1 "$ROUNDS"); do
  start_gateway
  if [ -n "$RATE" ]; then
    # Paced: one curl at a time, RATE a second; each answered request leaves one "200" line.
    (while :; do curl -s -o /dev/null -w '%{http_code}\n' --max-time 5 -H 'x-portkey-provider: mock' \
       -H 'Content-Type: application/json' --data-binary "@$BENCH_DIR/bodies/chat.json" \
       "http://127.0.0.1:$PORT/v1/chat/completions"; sleep "$(awk "BEGIN { print 1 / $RATE }")"; done) > "$WORK/codes.txt" 2>/dev/null &
    LOOP_PID=$!
    sleep "$KILL_AFTER"
    kill -9 "$GW_PID"; wait "$GW_PID" 2>/dev/null; GW_PID=""
    sleep 1; kill "$LOOP_PID"; wait "$LOOP_PID" 2>/dev/null
    ANSWERED=$(grep -c '^200$' "$WORK/codes.txt")
  else
  # wrk runs a little past the kill; what it counts as completed was answered before the kill.
  wrk -t"$(( CONNS < 2 ? 1 : 2 ))" -c"$CONNS" -d"$((KILL_AFTER + 2))s" -s "$BENCH_DIR/post.lua" "http://127.0.0.1:$PORT/v1/chat/completions" \
    -- "$BENCH_DIR/bodies/chat.json" "$WORK/headers" > "$WORK/wrk.txt" 2>&1 &
  WRK_PID=$!
  sleep "$KILL_AFTER"
  kill -9 "$GW_PID"; wait "$GW_PID" 2>/dev/null; GW_PID=""
  wait "$WRK_PID"
  ANSWERED=$(grep '^BENCH_RESULT' "$WORK/wrk.txt" | sed 's/.*"requests":\([0-9]*\).*/\1/')
  [ -n "$ANSWERED" ] || { echo "kill9: wrk failed" >&2; cat "$WORK/wrk.txt" >&2; exit 2; }
  NON2XX=$(grep '^BENCH_RESULT' "$WORK/wrk.txt" | sed 's/.*"non2xx":\([0-9]*\).*/\1/')
  [ "${NON2XX:-0}" = 0 ] || echo "kill9: $NON2XX answers were not 2xx" >&2
  fi

  # Restart on the same folder (opens and recovers the log), stop cleanly, then inspect the file.
  start_gateway
  kill -TERM "$GW_PID"; wait "$GW_PID"; GW_PID=""
  CHECK=$(sqlite3 "$WORK/data/requests.sqlite3" "PRAGMA integrity_check")
  ROWS=$(sqlite3 "$WORK/data/requests.sqlite3" "SELECT count(*) FROM requests")
  STORED=$((ROWS - stored_before))
  stored_before=$ROWS
  MISSING=$((ANSWERED - STORED))
  echo "| $round | $ANSWERED | $STORED | $MISSING | $CHECK |"
  answered_total=$((answered_total + ANSWERED))
  [ "$CHECK" = ok ] || status=1
  [ "$MISSING" -ge 0 ] || status=1   # rows for requests nobody got an answer to
done
echo "kill9: $ROUNDS rounds, kill -9 after ${KILL_AFTER}s, load: $([ -n "$RATE" ] && echo "$RATE req/s paced" || echo "wrk at $CONNS connections"); $answered_total answered, $stored_before stored"
exit $status
