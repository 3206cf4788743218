#!/usr/bin/env bash
# Many concurrent streams: CONNS (10,000) connections, each streaming one chat completion after
# another from a slow upstream, for DURATION seconds. Reports errors (must be 0), streams completed,
# the gateway's peak RSS and open descriptors. A benchmark, not a test: exit 1 on any error.
#
# Usage: bench/stream_10k.sh               CONNS=2000 GAP_MS=500 DURATION=30 bench/stream_10k.sh
# Each stream is 11 events GAP_MS apart (~22 s at the default 2000 ms).
# The slow upstream is the built-in mock provider paced by GAP_MS between chunks (mock-gpt@gap=N):
# the gateway's relay path without a second network hop, so the descriptors and memory measured are
# the gateway's own (one client socket per stream). Needs wrk (scripts/deps.sh --bench).
set -u
set -o pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PROJECT_DIR=$(cd "$BENCH_DIR/.." && pwd)
GATEHOUSE_BIN=${GATEHOUSE_BIN:-$PROJECT_DIR/build/app/gatehouse}
CONNS=${CONNS:-10000}
GAP_MS=${GAP_MS:-2000}
DURATION=${DURATION:-60}
command -v wrk >/dev/null || { echo "stream_10k: wrk not found (scripts/deps.sh --bench)" >&2; exit 2; }
[ -x "$GATEHOUSE_BIN" ] || { echo "stream_10k: no gateway at $GATEHOUSE_BIN (build first)" >&2; exit 2; }

# Every stream holds a descriptor in the gateway and one in wrk (same limit, inherited).
need=$((CONNS + 1024))
if [ "$(ulimit -n)" -lt "$need" ]; then
  ulimit -n "$need" 2>/dev/null || ulimit -n "$(ulimit -Hn)"
fi
[ "$(ulimit -n)" -ge "$need" ] || { echo "stream_10k: open files limit $(ulimit -n) < $need (raise the hard limit)" >&2; exit 2; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/gatehouse-10k.XXXXXX")
GW_PID=""
cleanup() { [ -n "$GW_PID" ] && kill -9 "$GW_PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

HOME=$WORK "$GATEHOUSE_BIN" --headless --port 0 --port-file "$WORK/port" --data-dir "$WORK/data" \
  --max-concurrent-requests $((CONNS * 2)) 2> "$WORK/gateway.log" &
GW_PID=$!
for _ in $(seq 1 100); do [ -s "$WORK/port" ] && break; sleep 0.1; done
PORT=$(cat "$WORK/port" 2>/dev/null) || { echo "stream_10k: the gateway did not start" >&2; cat "$WORK/gateway.log" >&2; exit 2; }
IDLE_RSS=$(awk '/^VmRSS/ {print $2}' "/proc/$GW_PID/status")

printf 'x-portkey-provider: mock\n' > "$WORK/headers"
printf '{"model":"mock-gpt@gap=%d","stream":true,"messages":[{"role":"user","content":"one two three four five"}]}' "$GAP_MS" > "$WORK/body.json"
echo "stream_10k: $CONNS connections for ${DURATION}s, ${GAP_MS} ms between chunks, against 127.0.0.1:$PORT" >&2
wrk -t"$(( CONNS < 2 ? 1 : 2 ))" -c"$CONNS" -d"${DURATION}s" --timeout 60s -s "$BENCH_DIR/post.lua" "http://127.0.0.1:$PORT/v1/chat/completions" \
  -- "$WORK/body.json" "$WORK/headers" > "$WORK/wrk.txt" 2>&1 &
WRK_PID=$!
peak_rss=0 peak_fds=0 peak_inflight=0
while kill -0 "$WRK_PID" 2>/dev/null; do
  rss=$(awk '/^VmRSS/ {print $2}' "/proc/$GW_PID/status" 2>/dev/null || echo 0)
  fds=$(ls "/proc/$GW_PID/fd" 2>/dev/null | wc -l)
  inflight=$(curl -s --max-time 5 "http://127.0.0.1:$PORT/health" | sed -n 's/.*"in_flight":\([0-9]*\).*/\1/p')
  [ "${rss:-0}" -gt "$peak_rss" ] && peak_rss=$rss
  [ "$fds" -gt "$peak_fds" ] && peak_fds=$fds
  [ "${inflight:-0}" -gt "$peak_inflight" ] && peak_inflight=$inflight
  sleep 1
done
wait "$WRK_PID"
RESULT=$(grep '^BENCH_RESULT' "$WORK/wrk.txt" | sed 's/^BENCH_RESULT //')
[ -n "$RESULT" ] || { echo "stream_10k: wrk failed" >&2; cat "$WORK/wrk.txt" >&2; exit 1; }
sleep 2   # the streams wrk abandoned at its end finish or are cut
END_RSS=$(awk '/^VmRSS/ {print $2}' "/proc/$GW_PID/status")
HWM=$(awk '/^VmHWM/ {print $2}' "/proc/$GW_PID/status")
kill -TERM "$GW_PID"; wait "$GW_PID"; GW_PID=""

field() { echo "$RESULT" | sed "s/.*\"$1\":\([0-9.]*\).*/\1/"; }
ERRORS=$(( $(field non2xx) + $(field socket_errors) ))
echo "wrk: $RESULT"
printf 'streams completed %s, errors %s (non-2xx %s, socket %s), in flight at peak %s\n' \
  "$(field requests)" "$ERRORS" "$(field non2xx)" "$(field socket_errors)" "$peak_inflight"
printf 'gateway RSS: idle %d MiB, peak %d MiB (sampled), high-water %d MiB, after %d MiB; open descriptors at peak %d\n' \
  $((IDLE_RSS / 1024)) $((peak_rss / 1024)) $((HWM / 1024)) $((END_RSS / 1024)) "$peak_fds"
[ "$ERRORS" = 0 ] || { echo "ERRORS: $ERRORS"; exit 1; }
[ "$(field requests)" -gt 0 ] || { echo "no stream completed in ${DURATION}s: the gateway could not keep up (try a larger GAP_MS or DURATION)"; exit 1; }
