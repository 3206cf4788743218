#!/usr/bin/env bash
# Request-log soak: load the gateway for a while, then check that the log stored exactly as many rows
# as the gateway answered. A benchmark, not a test: it prints the numbers; exit 1 only when rows are
# missing or extra, or (with RATE) when memory or descriptors grew.
#
# Usage: bench/log_soak.sh                           flat out: DURATION=30 CONNS=32
#        DURATION=120 RATE=200 bench/log_soak.sh     steady-rate soak (bench/run.sh runs this one)
#        DURATION=3600 RATE=200 bench/log_soak.sh    the one-hour soak
# RATE (requests/s, all connections together) paces wrk, so the gateway and its log writer keep up and
# a leak shows as growth: the gateway's RSS and open descriptors are sampled every SAMPLE s (5). After
# the first fifth of the run (warm-up: caches, SQLite pages, batch buffers) RSS may grow by at most
# RSS_SLACK_PCT percent (10) + 8 MiB, and descriptors by at most 4.
# The gateway answers with its built-in mock provider, so the gateway and its log writer are the
# only work measured. Needs wrk (scripts/deps.sh --bench).
set -u
set -o pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PROJECT_DIR=$(cd "$BENCH_DIR/.." && pwd)
GATEHOUSE_BIN=${GATEHOUSE_BIN:-$PROJECT_DIR/build/app/gatehouse}
DURATION=${DURATION:-30}
RATE=${RATE:-}
CONNS=${CONNS:-$([ -n "$RATE" ] && echo 8 || echo 32)}
SAMPLE=${SAMPLE:-5}
RSS_SLACK_PCT=${RSS_SLACK_PCT:-10}
command -v wrk >/dev/null || { echo "log_soak: wrk not found (scripts/deps.sh --bench)" >&2; exit 2; }
[ -x "$GATEHOUSE_BIN" ] || { echo "log_soak: no gateway at $GATEHOUSE_BIN (build first)" >&2; exit 2; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/gatehouse-soak.XXXXXX")
GW_PID="" SAMPLER_PID=""
cleanup() {
  [ -n "$SAMPLER_PID" ] && kill "$SAMPLER_PID" 2>/dev/null
  [ -n "$GW_PID" ] && kill "$GW_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

HOME=$WORK "$GATEHOUSE_BIN" --headless --port 0 --port-file "$WORK/port" --data-dir "$WORK/data" 2> "$WORK/gateway.log" &
GW_PID=$!
for _ in $(seq 1 100); do [ -s "$WORK/port" ] && break; sleep 0.1; done
PORT=$(cat "$WORK/port" 2>/dev/null) || { echo "log_soak: the gateway did not start" >&2; cat "$WORK/gateway.log" >&2; exit 2; }

# seconds-since-start RSS-KiB descriptors, one line per sample
sample() {
  local t0 now
  t0=$(date +%s)
  while kill -0 "$GW_PID" 2>/dev/null; do
    now=$(date +%s)
    echo "$((now - t0)) $(ps -o rss= -p "$GW_PID" | tr -d ' ') $(ls "/proc/$GW_PID/fd" 2>/dev/null | wc -l)"
    sleep "$SAMPLE"
  done
}
sample > "$WORK/samples" &
SAMPLER_PID=$!

printf 'x-portkey-provider: mock\n' > "$WORK/headers"
if [ -n "$RATE" ]; then
  export WRK_DELAY_MS=$(( CONNS * 1000 / RATE ))
  echo "log_soak: ${DURATION}s at ~$RATE req/s ($CONNS connections, ${WRK_DELAY_MS} ms apart) against 127.0.0.1:$PORT" >&2
else
  echo "log_soak: ${DURATION}s at $CONNS connections against 127.0.0.1:$PORT" >&2
fi
threads=2; [ "$CONNS" -lt 2 ] && threads=1
wrk -t"$threads" -c"$CONNS" -d"${DURATION}s" --timeout 10s --latency -s "$BENCH_DIR/post.lua" \
  "http://127.0.0.1:$PORT/v1/chat/completions" -- "$BENCH_DIR/bodies/chat.json" "$WORK/headers" > "$WORK/wrk.txt" 2>&1
RESULT=$(grep '^BENCH_RESULT' "$WORK/wrk.txt" | sed 's/^BENCH_RESULT //')

# What the gateway itself counts as answered (wrk misses the ones in flight when it stops).
sleep 0.5
ANSWERED=$(curl -s "http://127.0.0.1:$PORT/metrics" | awk '/^gatehouse_requests_total\{/ { s += $NF } END { printf "%d", s }')
kill "$SAMPLER_PID" 2>/dev/null; wait "$SAMPLER_PID" 2>/dev/null; SAMPLER_PID=""
kill -TERM "$GW_PID"; wait "$GW_PID"; GW_PID=""
ROWS=$(HOME=$WORK "$GATEHOUSE_BIN" logs export --data-dir "$WORK/data" --format csv | tail -n +2 | wc -l)
SIZE=$(du -sk "$WORK/data" | awk '{print $1}')
echo "wrk: $RESULT"
printf 'answered %s, stored %s, log %s KiB\n' "$ANSWERED" "$ROWS" "$SIZE"

status=0
if [ "$ANSWERED" = "$ROWS" ] && [ "$ROWS" -gt 0 ]; then
  echo "stored rows == answered requests"
else
  echo "MISMATCH: stored rows != answered requests"; grep -i "log" "$WORK/gateway.log" | tail -5; status=1
fi

# Growth after warm-up: the first sample at or after a fifth of the run against the last one.
awk -v warm=$((DURATION / 5)) -v slack="$RSS_SLACK_PCT" '
  $2 == "" { next }
  { if (first == "") first = $2; if (base == "" && $1 >= warm) { base = $2; bfd = $3 }
    if ($2 > peak) peak = $2; last = $2; lfd = $3; n++ }
  END {
    if (base == "") { base = first; bfd = lfd }
    printf "RSS MiB: start %.1f, after warm-up %.1f, peak %.1f, end %.1f; descriptors after warm-up %d, end %d (%d samples)\n",
           first / 1024, base / 1024, peak / 1024, last / 1024, bfd, lfd, n
    print (last <= base * (1 + slack / 100) + 8192 && lfd <= bfd + 4) ? "flat" : "growth" > "/dev/stderr"
  }' "$WORK/samples" 2> "$WORK/verdict"
if [ -n "$RATE" ]; then
  if [ "$(cat "$WORK/verdict")" = flat ]; then echo "RSS and descriptors flat"
  else echo "GROWTH: RSS or descriptors grew after warm-up"; status=1; fi
fi
exit "$status"
