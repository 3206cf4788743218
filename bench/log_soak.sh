#!/usr/bin/env bash
# Request-log soak: load the gateway for a while, then check that the log stored exactly as many rows
# as the gateway answered. A benchmark, not a test: it prints the numbers; exit 1 only when rows are
# missing or extra.
#
# Usage: bench/log_soak.sh                 DURATION=30 CONNS=32 bench/log_soak.sh
# The gateway answers with its built-in mock provider, so the gateway and its log writer are the
# only work measured. Needs wrk (scripts/deps.sh --bench).
set -u
set -o pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PROJECT_DIR=$(cd "$BENCH_DIR/.." && pwd)
GATEHOUSE_BIN=${GATEHOUSE_BIN:-$PROJECT_DIR/build/app/gatehouse}
DURATION=${DURATION:-30}
CONNS=${CONNS:-32}
command -v wrk >/dev/null || { echo "log_soak: wrk not found (scripts/deps.sh --bench)" >&2; exit 2; }
[ -x "$GATEHOUSE_BIN" ] || { echo "log_soak: no gateway at $GATEHOUSE_BIN (build first)" >&2; exit 2; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/gatehouse-soak.XXXXXX")
GW_PID=""
cleanup() { [ -n "$GW_PID" ] && kill "$GW_PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

HOME=$WORK "$GATEHOUSE_BIN" --headless --port 0 --port-file "$WORK/port" --data-dir "$WORK/data" 2> "$WORK/gateway.log" &
GW_PID=$!
for _ in $(seq 1 100); do [ -s "$WORK/port" ] && break; sleep 0.1; done
PORT=$(cat "$WORK/port" 2>/dev/null) || { echo "log_soak: the gateway did not start" >&2; cat "$WORK/gateway.log" >&2; exit 2; }

printf 'x-portkey-provider: mock\n' > "$WORK/headers"
echo "log_soak: ${DURATION}s at $CONNS connections against 127.0.0.1:$PORT" >&2
wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency -s "$BENCH_DIR/post.lua" "http://127.0.0.1:$PORT/v1/chat/completions" \
  -- "$BENCH_DIR/bodies/chat.json" "$WORK/headers" > "$WORK/wrk.txt" 2>&1
RESULT=$(grep '^BENCH_RESULT' "$WORK/wrk.txt" | sed 's/^BENCH_RESULT //')

# What the gateway itself counts as answered (wrk misses the ones in flight when it stops).
sleep 0.5
ANSWERED=$(curl -s "http://127.0.0.1:$PORT/metrics" | awk '/^gatehouse_requests_total\{/ { s += $NF } END { printf "%d", s }')
kill -TERM "$GW_PID"; wait "$GW_PID"; GW_PID=""
ROWS=$(HOME=$WORK "$GATEHOUSE_BIN" logs export --data-dir "$WORK/data" --format csv | tail -n +2 | wc -l)
SIZE=$(du -k "$WORK/data" | awk '{print $1}')
echo "wrk: $RESULT"
printf 'answered %s, stored %s, log %s KiB\n' "$ANSWERED" "$ROWS" "$SIZE"
if [ "$ANSWERED" = "$ROWS" ] && [ "$ROWS" -gt 0 ]; then echo "stored rows == answered requests"; exit 0; fi
echo "MISMATCH: stored rows != answered requests"; grep -i "log" "$WORK/gateway.log" | tail -5; exit 1
