#!/usr/bin/env bash
# shellcheck disable=SC2015,SC2317  # `A && B || die` is intended; cleanup functions run from traps
# Gatehouse benchmark: what the gateway adds on top of an upstream that is never the bottleneck.
# A benchmark, not a test: it prints numbers, and ratios against a baseline measured in the same run.
#
# Usage:
#   bench/run.sh [--portkey] [--no-soak]
#   DURATION=3 WARMUP=1 CONNS="1 16" bench/run.sh          # a quick look
#   GATEHOUSE_BIN=/path/to/gatehouse bench/run.sh --portkey
#
# Targets (measured point by point, in this order, in one run):
#   direct     wrk -> nginx mock (the baseline)
#   gatehouse  wrk -> $GATEHOUSE_BIN --headless --port P --bind 127.0.0.1 -> nginx mock
#   portkey    (--portkey) wrk -> Portkey's gateway from npm -> nginx mock, same headers
# Scenarios: chat (POST /v1/chat/completions, JSON answer) at CONNS; sse (stream:true, 20 chunks
# + [DONE]) at SSE_CONNS. Each point: curl check (HTTP 200 + body) -> WARMUP s wrk (discarded)
# -> DURATION s wrk (recorded). A point that fails its check is recorded as failed, not loaded.
# Then (unless --no-soak) the 2-minute steady-rate soak, bench/log_soak.sh with SOAK_DURATION [120]
# and SOAK_RATE [200]: RSS and descriptors flat, stored rows == answered requests.
#
# Environment (defaults in brackets):
#   DURATION [10]  WARMUP [3]  CONNS ["1 16 64"]  SSE_CONNS ["1 16"]  WRK_TIMEOUT [10s]
#   GATEHOUSE_BIN [<project>/build/app/gatehouse]  GATEHOUSE_ARGS [extra arguments, none]
#   START_TIMEOUT [30] seconds to wait for a target to come up
#   MOCK_WORKERS [1] nginx mock worker processes   NGINX_BIN [/usr/sbin/nginx]
#   SHARED_BENCH [$(git rev-parse --show-toplevel)/../shared/bench]  (holds portkey/package.json)
#   PORTKEY_DIR [${TMPDIR:-/tmp}/gatehouse-bench/portkey]  writable npm install dir for Portkey
#
# Output: progress on stderr; the markdown tables (results, memory, ratios) on stdout; everything
# also in bench/results/<stamp>/ (summary.md, summary.json, results.jsonl, env.txt, commands.log,
# raw/, logs/). Exit status: 0 when every requested point was measured, 1 when the gateway was
# missing or a point failed its check or its wrk run, 2 on a usage or setup error.
set -u
set -o pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PROJECT_DIR=$(cd "$BENCH_DIR/.." && pwd)

usage() { awk 'NR > 2 && /^#/ { sub(/^# ?/, ""); print; next } NR > 2 { exit }' "$0"; }

WITH_PORTKEY=0 WITH_SOAK=1
while [ $# -gt 0 ]; do
  case $1 in
    --portkey) WITH_PORTKEY=1 ;;
    --no-soak) WITH_SOAK=0 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run.sh: unknown argument: $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done

DURATION=${DURATION:-10}
WARMUP=${WARMUP:-3}
CONNS=${CONNS:-"1 16 64"}
SSE_CONNS=${SSE_CONNS:-"1 16"}
WRK_TIMEOUT=${WRK_TIMEOUT:-10s}
GATEHOUSE_BIN=${GATEHOUSE_BIN:-$PROJECT_DIR/build/app/gatehouse}
GATEHOUSE_ARGS=${GATEHOUSE_ARGS:-}
START_TIMEOUT=${START_TIMEOUT:-30}
MOCK_WORKERS=${MOCK_WORKERS:-1}
NGINX_BIN=${NGINX_BIN:-/usr/sbin/nginx}
API_KEY=sk-bench

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 2; }

is_uint() { case $1 in ''|*[!0-9]*) return 1 ;; *) return 0 ;; esac; }
is_uint "$DURATION" && [ "$DURATION" -ge 1 ] && [ "$DURATION" -le 600 ] || die "DURATION must be 1..600 seconds (got '$DURATION')"
is_uint "$WARMUP" && [ "$WARMUP" -le 600 ] || die "WARMUP must be 0..600 seconds (got '$WARMUP')"
is_uint "$START_TIMEOUT" && [ "$START_TIMEOUT" -ge 1 ] || die "START_TIMEOUT must be a positive integer"
is_uint "$MOCK_WORKERS" && [ "$MOCK_WORKERS" -ge 1 ] || die "MOCK_WORKERS must be a positive integer"
for c in $CONNS $SSE_CONNS; do
  is_uint "$c" && [ "$c" -ge 1 ] && [ "$c" -le 10000 ] || die "connection counts must be 1..10000 (got '$c')"
done
[ -x "$NGINX_BIN" ] || NGINX_BIN=$(command -v nginx 2>/dev/null || true)
for tool in wrk curl python3; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool not found (scripts/deps.sh --bench installs wrk and nginx-light)"
done
[ -n "$NGINX_BIN" ] && [ -x "$NGINX_BIN" ] || die "nginx not found (scripts/deps.sh --bench installs nginx-light)"

# ---------------------------------------------------------------- run state and cleanup
STAMP=$(date +%Y%m%d-%H%M%S)
OUT=$BENCH_DIR/results/$STAMP
[ -e "$OUT" ] && OUT=$OUT-$$
mkdir -p "$OUT/raw" "$OUT/logs" "$OUT/hdr" || die "cannot create $OUT"
BENCH_TMP=${TMPDIR:-/tmp}/gatehouse-bench
mkdir -p "$BENCH_TMP" || die "cannot create $BENCH_TMP"
WORK=$(mktemp -d "$BENCH_TMP/run.XXXXXX") || die "mktemp failed"
RESULTS=$OUT/results.jsonl
CMDLOG=$OUT/commands.log
: > "$RESULTS"; : > "$CMDLOG"
LUA=$BENCH_DIR/post.lua
CLK_TCK=$(getconf CLK_TCK)
ulimit -n 65535 2>/dev/null || ulimit -n 8192 2>/dev/null || true

STARTED_PIDS=()   # every long-running process this script started, stopped in reverse order
STARTED_NAMES=()
SAMPLER_PID=""
WRK_PID=""
FAILED=0

# stop_pid PID NAME: SIGTERM, up to 10 s grace, then SIGKILL. Only that PID, never by name.
stop_pid() {
  local pid=$1 name=$2 i=0
  kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return 0; }
  kill -TERM "$pid" 2>/dev/null
  while kill -0 "$pid" 2>/dev/null && [ "$i" -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
  if kill -0 "$pid" 2>/dev/null; then
    log "$name (pid $pid) still running 10 s after SIGTERM; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null
  fi
  wait "$pid" 2>/dev/null
  log "stopped $name (pid $pid)"
}

started() { STARTED_PIDS+=("$1"); STARTED_NAMES+=("$2"); }

cleanup() {
  local rc=$? i
  trap - EXIT INT TERM
  [ -n "$WRK_PID" ] && stop_pid "$WRK_PID" wrk
  if [ -n "$SAMPLER_PID" ]; then kill "$SAMPLER_PID" 2>/dev/null; wait "$SAMPLER_PID" 2>/dev/null; fi
  for ((i = ${#STARTED_PIDS[@]} - 1; i >= 0; i--)); do
    stop_pid "${STARTED_PIDS[i]}" "${STARTED_NAMES[i]}"
  done
  [ -f "$WORK/nginx_error.log" ] && cp "$WORK/nginx_error.log" "$OUT/logs/mock-nginx-error.log" 2>/dev/null
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT
trap 'log "terminated"; exit 143' TERM

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# pid_tree PID -> PID and all its descendants, space-separated (a gateway that forks is counted whole)
pid_tree() {
  ps -e -o pid=,ppid= 2>/dev/null | awk -v root="$1" '
    { parent[$1] = $2; pids[NR] = $1 }
    END {
      keep[root] = 1; out = root; changed = 1
      while (changed) { changed = 0
        for (i in pids) { p = pids[i]; if (!(p in keep) && (parent[p] in keep)) { keep[p] = 1; out = out " " p; changed = 1 } } }
      print out
    }'
}

# rss_kb PID -> resident set size of PID + descendants in KiB (empty when gone)
rss_kb() {
  kill -0 "$1" 2>/dev/null || return 0
  # shellcheck disable=SC2046
  ps -o rss= -p $(pid_tree "$1" | tr ' ' ',') 2>/dev/null | awk '{s += $1} END {if (NR) print s}'
}

# cpu_ticks PID -> utime+stime of PID + descendants (all threads), in clock ticks
cpu_ticks() {
  local p total=0 t
  for p in $(pid_tree "$1"); do
    # fields after "pid (comm) ": state=1 ... utime=12 stime=13 (comm may contain spaces)
    t=$(sed 's/^.*) //' "/proc/$p/stat" 2>/dev/null | awk '{print $12 + $13}')
    [ -n "$t" ] && total=$((total + t))
  done
  echo "$total"
}

# wait_ready NAME PID URL EXPECT TIMEOUT: EXPECT is an HTTP code, or "any" for any answer.
wait_ready() {
  local name=$1 pid=$2 url=$3 expect=$4 t=$5 i=0 code
  while [ "$i" -lt $((t * 10)) ]; do
    kill -0 "$pid" 2>/dev/null || { log "$name (pid $pid) exited before it was ready"; return 1; }
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$url" 2>/dev/null)
    if [ "$expect" = any ] && [ -n "$code" ] && [ "$code" != 000 ]; then return 0; fi
    [ "$code" = "$expect" ] && return 0
    sleep 0.1; i=$((i + 1))
  done
  log "$name: no ${expect/any/} answer from $url within ${t}s (last HTTP code ${code:-none})"
  return 1
}

json_str() { python3 -c 'import json,sys; print(json.dumps(sys.argv[1]))' "$1"; }

# write_headers FILE UPSTREAM: the gateway header set (Portkey's names)
write_headers() {
  printf 'x-portkey-provider: openai\nx-portkey-custom-host: %s\nAuthorization: Bearer %s\n' "$2" "$API_KEY" > "$1"
}

TARGETS=()                        # measured targets, in order
declare -A BASE_URL PID_OF        # per target

# target_record TARGET KEY=VALUE(JSON)...: one "kind":"target" line in results.jsonl
target_record() {
  local t=$1 line; shift
  line=$(printf '{"kind":"target","target":"%s"' "$t")
  while [ $# -gt 0 ]; do line="$line,\"${1%%=*}\":${1#*=}"; shift; done
  echo "$line}" >> "$RESULTS"
}

# ---------------------------------------------------------------- mock upstream (nginx)
MOCK_PORT=$(free_port)
mkdir -p "$WORK/tmp"
sed -e "s|@PORT@|$MOCK_PORT|g" -e "s|@MOCK_DIR@|$BENCH_DIR/mock|g" -e "s|@RUN_DIR@|$WORK|g" \
    -e "s|@WORKERS@|$MOCK_WORKERS|g" "$BENCH_DIR/mock/nginx.conf" > "$WORK/nginx.conf"
echo "$NGINX_BIN -p $WORK/ -e $WORK/nginx_error.log -c $WORK/nginx.conf" >> "$CMDLOG"
"$NGINX_BIN" -p "$WORK/" -e "$WORK/nginx_error.log" -c "$WORK/nginx.conf" > "$OUT/logs/mock-nginx.log" 2>&1 &
MOCK_PID=$!
started "$MOCK_PID" mock-nginx
wait_ready mock-nginx "$MOCK_PID" "http://127.0.0.1:$MOCK_PORT/healthz" 200 10 \
  || { cat "$OUT/logs/mock-nginx.log" "$WORK/nginx_error.log" >&2 2>/dev/null; die "the nginx mock did not start"; }
MOCK=http://127.0.0.1:$MOCK_PORT
log "mock upstream (nginx, $MOCK_WORKERS worker) on $MOCK (pid $MOCK_PID)"

H=$OUT/hdr
printf 'Authorization: Bearer %s\n' "$API_KEY" > "$H/direct.txt"
write_headers "$H/gw_chat.txt" "$MOCK/v1"
write_headers "$H/gw_sse.txt" "$MOCK/sse/v1"

TARGETS+=(direct)
BASE_URL[direct]=$MOCK
PID_OF[direct]=""

# ---------------------------------------------------------------- gatehouse
GATEHOUSE_STATUS=ok
if [ ! -x "$GATEHOUSE_BIN" ]; then
  log "gatehouse binary not found or not executable: $GATEHOUSE_BIN (build it, or set GATEHOUSE_BIN); measuring without it"
  GATEHOUSE_STATUS="binary not found: $GATEHOUSE_BIN"
  FAILED=1
else
  GW_PORT=$(free_port)
  GW_HOME=$WORK/gatehouse-home
  mkdir -p "$GW_HOME/config" "$GW_HOME/data" "$GW_HOME/cache" "$GW_HOME/state" "$GW_HOME/runtime"
  chmod 700 "$GW_HOME/runtime"
  # shellcheck disable=SC2206
  gw_cmd=("$GATEHOUSE_BIN" --headless --port "$GW_PORT" --bind 127.0.0.1 $GATEHOUSE_ARGS)
  echo "${gw_cmd[*]}   # with a fresh XDG config/data/cache/state dir under the run's temp dir" >> "$CMDLOG"
  # A fresh, empty XDG environment: no saved configs, caches or logs from a desktop install.
  env XDG_CONFIG_HOME="$GW_HOME/config" XDG_DATA_HOME="$GW_HOME/data" XDG_CACHE_HOME="$GW_HOME/cache" \
      XDG_STATE_HOME="$GW_HOME/state" XDG_RUNTIME_DIR="$GW_HOME/runtime" QT_QPA_PLATFORM=offscreen \
      "${gw_cmd[@]}" > "$OUT/logs/gatehouse.log" 2>&1 &
  GW_PID=$!
  started "$GW_PID" gatehouse
  if wait_ready gatehouse "$GW_PID" "http://127.0.0.1:$GW_PORT/health" 200 "$START_TIMEOUT"; then
    TARGETS+=(gatehouse)
    BASE_URL[gatehouse]=http://127.0.0.1:$GW_PORT
    PID_OF[gatehouse]=$GW_PID
    log "gatehouse up on http://127.0.0.1:$GW_PORT (pid $GW_PID)"
  else
    GATEHOUSE_STATUS="did not answer GET /health with 200 within ${START_TIMEOUT}s (see logs/gatehouse.log)"
    log "gatehouse: $GATEHOUSE_STATUS"; tail -n 20 "$OUT/logs/gatehouse.log" >&2
    FAILED=1
  fi
fi
target_record gatehouse "status=$(json_str "$GATEHOUSE_STATUS")" "bin=$(json_str "$GATEHOUSE_BIN")"

# ---------------------------------------------------------------- Portkey (optional)
PORTKEY_STATUS="not requested (--portkey)"
start_portkey() {
  local root src pkdir entry port pid
  if [ -n "${SHARED_BENCH:-}" ]; then
    src=$SHARED_BENCH/portkey
  else
    root=$(git -C "$PROJECT_DIR" rev-parse --show-toplevel 2>/dev/null || echo "$PROJECT_DIR")
    src=$root/../shared/bench/portkey
  fi
  if [ ! -f "$src/package.json" ]; then PORTKEY_STATUS="skipped: $src/package.json not found"; return 1; fi
  command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 \
    || { PORTKEY_STATUS="skipped: node/npm not on PATH"; return 1; }
  pkdir=${PORTKEY_DIR:-${TMPDIR:-/tmp}/gatehouse-bench/portkey}
  entry=$pkdir/node_modules/@portkey-ai/gateway/build/start-server.js
  mkdir -p "$pkdir" || { PORTKEY_STATUS="skipped: cannot create $pkdir"; return 1; }
  if ! cmp -s "$src/package.json" "$pkdir/package.json" || [ ! -f "$entry" ]; then
    log "installing Portkey's gateway into $pkdir (npm install, from $src/package.json)"
    install -m 644 "$src/package.json" "$pkdir/package.json" || { PORTKEY_STATUS="skipped: cannot copy package.json"; return 1; }
    [ -f "$src/package-lock.json" ] && install -m 644 "$src/package-lock.json" "$pkdir/package-lock.json"
    echo "(cd $pkdir && npm install --no-audit --no-fund)" >> "$CMDLOG"
    if ! (cd "$pkdir" && timeout 900 npm install --no-audit --no-fund) > "$OUT/logs/portkey-npm-install.log" 2>&1; then
      rm -f "$pkdir/package.json"   # force a fresh attempt next time
      PORTKEY_STATUS="skipped: npm install failed (see logs/portkey-npm-install.log)"; return 1
    fi
  fi
  [ -f "$entry" ] || { PORTKEY_STATUS="skipped: $entry missing after npm install"; return 1; }
  port=$(free_port)
  echo "node $entry --port=$port --headless" >> "$CMDLOG"
  node "$entry" --port="$port" --headless > "$OUT/logs/portkey.log" 2>&1 &
  pid=$!
  started "$pid" portkey
  if ! wait_ready portkey "$pid" "http://127.0.0.1:$port/" any "$START_TIMEOUT"; then
    PORTKEY_STATUS="skipped: did not start (see logs/portkey.log)"; return 1
  fi
  PORTKEY_VERSION=$(node -p "require('$pkdir/node_modules/@portkey-ai/gateway/package.json').version" 2>/dev/null || echo "?")
  TARGETS+=(portkey)
  BASE_URL[portkey]=http://127.0.0.1:$port
  PID_OF[portkey]=$pid
  PORTKEY_STATUS="ok (@portkey-ai/gateway $PORTKEY_VERSION)"
  log "Portkey gateway $PORTKEY_VERSION up on http://127.0.0.1:$port (pid $pid)"
}
if [ "$WITH_PORTKEY" = 1 ]; then
  start_portkey || log "Portkey: $PORTKEY_STATUS"
fi
target_record portkey "status=$(json_str "$PORTKEY_STATUS")"

# idle RSS: after the target answered its readiness probe, before any load
for t in "${TARGETS[@]}"; do
  p=${PID_OF[$t]}
  [ -n "$p" ] || continue
  target_record "$t" "pid=$p" "rss_idle_kb=$(rss_kb "$p" | grep . || echo null)"
done

# ---------------------------------------------------------------- environment record
{
  echo "date: $(date -Is)"
  echo "host: $(uname -srm), $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
  echo "cpu: $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)"
  echo "loadavg at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "wrk: $(wrk -v 2>&1 | head -1)"
  echo "nginx: $("$NGINX_BIN" -v 2>&1)"
  echo "node: $(node -v 2>/dev/null || echo none)"
  echo "DURATION=$DURATION WARMUP=$WARMUP CONNS=\"$CONNS\" SSE_CONNS=\"$SSE_CONNS\" WRK_TIMEOUT=$WRK_TIMEOUT MOCK_WORKERS=$MOCK_WORKERS"
  echo "gatehouse: $GATEHOUSE_BIN ($GATEHOUSE_STATUS)"
  if [ -f "$GATEHOUSE_BIN" ]; then
    echo "gatehouse sha256: $(sha256sum "$GATEHOUSE_BIN" | cut -d' ' -f1), mtime $(date -r "$GATEHOUSE_BIN" -Is)"
  fi
  echo "portkey: $PORTKEY_STATUS"
  echo "targets measured: ${TARGETS[*]}"
} > "$OUT/env.txt"

# ---------------------------------------------------------------- one load point
# run_wrk OUTFILE WRK_ARGS...: wrk in the background + wait, so that a signal to this script is
# handled at once (the trap stops wrk by its PID) instead of after the wrk run ends.
run_wrk() {
  local outfile=$1; shift
  wrk "$@" > "$outfile" 2>&1 &
  WRK_PID=$!
  wait "$WRK_PID"
  WRK_PID=""
}

# verify NAME URL BODY HEADERS SCENARIO -> 0 when the answer is right; sets VERIFY_WHY otherwise
verify() {
  local name=$1 url=$2 body=$3 hf=$4 sc=$5 code chunks
  local ob=$OUT/raw/$name.verify.body oh=$OUT/raw/$name.verify.headers
  echo "curl -sS -N -X POST '$url' -H 'Content-Type: application/json' -H @$hf --data-binary @$body" >> "$CMDLOG"
  code=$(curl -sS -N --max-time 15 -o "$ob" -D "$oh" -w '%{http_code}' -X POST "$url" \
         -H 'Content-Type: application/json' -H @"$hf" --data-binary @"$body" 2> "$OUT/raw/$name.verify.err")
  VERIFY_CODE=${code:-000}
  [ -s "$OUT/raw/$name.verify.err" ] || rm -f "$OUT/raw/$name.verify.err"
  if [ "$VERIFY_CODE" != 200 ]; then
    VERIFY_WHY="HTTP $VERIFY_CODE: $(head -c 200 "$ob" 2>/dev/null | tr '\n' ' ')$(head -c 120 "$OUT/raw/$name.verify.err" 2>/dev/null | tr '\n' ' ')"
    return 1
  fi
  case $sc in
    chat)
      grep -qE '"object" *: *"chat\.completion"' "$ob" && grep -q 'fixed mock completion' "$ob" \
        || { VERIFY_WHY="HTTP 200 but the body is not the mock's chat.completion: $(head -c 200 "$ob" | tr '\n' ' ')"; return 1; }
      ;;
    sse)
      grep -qi '^content-type: *text/event-stream' "$oh" \
        || { VERIFY_WHY="HTTP 200 but Content-Type is not text/event-stream: $(grep -i '^content-type' "$oh" | tr -d '\r')"; return 1; }
      chunks=$(grep -c '"chat\.completion\.chunk"' "$ob")
      [ "$chunks" = 20 ] && grep -q '^data: *\[DONE\]' "$ob" \
        || { VERIFY_WHY="HTTP 200 but the stream has $chunks chat.completion.chunk events (want 20) or no 'data: [DONE]'"; return 1; }
      ;;
  esac
  return 0
}

# measure TARGET SCENARIO CONNS
measure() {
  local t=$1 sc=$2 c=$3 url body hf name threads pid cmd rj
  local rss_before=null rss_peak=null cpu0="" cpu1="" cpu_s=null
  case $sc in
    chat) body=$BENCH_DIR/bodies/chat.json;        [ "$t" = direct ] && url=$MOCK/v1/chat/completions     || url=${BASE_URL[$t]}/v1/chat/completions ;;
    sse)  body=$BENCH_DIR/bodies/chat_stream.json; [ "$t" = direct ] && url=$MOCK/sse/v1/chat/completions || url=${BASE_URL[$t]}/v1/chat/completions ;;
  esac
  if [ "$t" = direct ]; then hf=$H/direct.txt; else hf=$H/gw_$sc.txt; fi
  threads=$(( c < 2 ? 1 : 2 ))
  name=$t.$sc.c$c
  pid=${PID_OF[$t]}
  if ! verify "$name" "$url" "$body" "$hf" "$sc"; then
    log "  $t $sc c=$c: check FAILED ($VERIFY_WHY); point skipped"
    printf '{"kind":"point","target":"%s","scenario":"%s","conns":%d,"status":"verify_failed","http_code":"%s","message":%s}\n' \
      "$t" "$sc" "$c" "$VERIFY_CODE" "$(json_str "$VERIFY_WHY")" >> "$RESULTS"
    FAILED=1; return 0
  fi
  if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
    log "  $t $sc c=$c: process $pid is gone; point skipped"
    printf '{"kind":"point","target":"%s","scenario":"%s","conns":%d,"status":"process_gone"}\n' "$t" "$sc" "$c" >> "$RESULTS"
    FAILED=1; return 0
  fi
  if [ "$WARMUP" -gt 0 ]; then
    echo "wrk -t$threads -c$c -d${WARMUP}s --timeout $WRK_TIMEOUT -s $LUA $url -- $body $hf   # warm-up" >> "$CMDLOG"
    run_wrk "$OUT/raw/$name.warmup.txt" -t"$threads" -c"$c" -d"${WARMUP}s" --timeout "$WRK_TIMEOUT" -s "$LUA" "$url" -- "$body" "$hf"
  fi
  cmd=(wrk -t"$threads" -c"$c" -d"${DURATION}s" --latency --timeout "$WRK_TIMEOUT" -s "$LUA" "$url" -- "$body" "$hf")
  echo "${cmd[*]}" >> "$CMDLOG"
  if [ -n "$pid" ]; then
    rss_before=$(rss_kb "$pid" | grep . || echo null)
    ( while kill -0 "$pid" 2>/dev/null; do rss_kb "$pid"; sleep 0.5; done ) > "$OUT/raw/$name.rss.txt" 2>/dev/null &
    SAMPLER_PID=$!
    cpu0=$(cpu_ticks "$pid")
  fi
  run_wrk "$OUT/raw/$name.wrk.txt" "${cmd[@]:1}"
  if [ -n "$pid" ]; then
    cpu1=$(cpu_ticks "$pid")
    kill "$SAMPLER_PID" 2>/dev/null; wait "$SAMPLER_PID" 2>/dev/null; SAMPLER_PID=""
    rss_peak=$( (cat "$OUT/raw/$name.rss.txt"; echo "${rss_before/null/}") | grep . | sort -n | tail -1)
    rss_peak=${rss_peak:-null}
    cpu_s=$(awk -v a="$cpu0" -v b="$cpu1" -v hz="$CLK_TCK" 'BEGIN {printf "%.3f", (b - a) / hz}')
  fi
  rj=$(grep '^BENCH_RESULT ' "$OUT/raw/$name.wrk.txt" | tail -1 | sed 's/^BENCH_RESULT //')
  if [ -z "$rj" ]; then
    log "  $t $sc c=$c: wrk printed no result (see raw/$name.wrk.txt)"
    printf '{"kind":"point","target":"%s","scenario":"%s","conns":%d,"status":"wrk_failed"}\n' "$t" "$sc" "$c" >> "$RESULTS"
    FAILED=1; return 0
  fi
  printf '{"kind":"point","target":"%s","scenario":"%s","conns":%d,"threads":%d,"status":"ok","url":"%s","rss_before_kb":%s,"rss_peak_kb":%s,"cpu_s":%s,%s\n' \
    "$t" "$sc" "$c" "$threads" "$url" "$rss_before" "$rss_peak" "$cpu_s" "${rj#\{}" >> "$RESULTS"
  python3 - "$RESULTS" <<'PY' >&2
import json, sys
r = [json.loads(l) for l in open(sys.argv[1])][-1]
extra = ""
if r.get("cpu_s") is not None and r["requests"]:
    extra = f"  cpu {r['cpu_s'] * 1e6 / r['requests']:.0f} us/req  peak rss {r['rss_peak_kb'] / 1024:.1f} MiB"
print(f"  {r['target']:<9} {r['scenario']} c={r['conns']:<3} {r['rps']:>9.0f} req/s  p50 {r['p50_us'] / 1000:.3f} ms  "
      f"p90 {r['p90_us'] / 1000:.3f} ms  p99 {r['p99_us'] / 1000:.3f} ms  non2xx {r['non2xx']}  sockerr {r['socket_errors']}{extra}")
PY
}

# ---------------------------------------------------------------- the run
npoints=0
for c in $CONNS; do npoints=$((npoints + 1)); done
for c in $SSE_CONNS; do npoints=$((npoints + 1)); done
est=$(( npoints * ${#TARGETS[@]} * (DURATION + WARMUP + 1) ))
log "measuring ${TARGETS[*]}: $npoints points each, DURATION=${DURATION}s WARMUP=${WARMUP}s (about ${est}s); results in $OUT"

for sc in chat sse; do
  if [ "$sc" = chat ]; then list=$CONNS; else list=$SSE_CONNS; fi
  for c in $list; do
    log "$sc c=$c"
    for t in "${TARGETS[@]}"; do
      measure "$t" "$sc" "$c"
    done
  done
done

for t in "${TARGETS[@]}"; do
  p=${PID_OF[$t]}
  [ -n "$p" ] || continue
  target_record "$t" "rss_end_kb=$(rss_kb "$p" | grep . || echo null)"
done

python3 "$BENCH_DIR/summarize.py" "$RESULTS" --env "$OUT/env.txt" --json "$OUT/summary.json" > "$OUT/summary.md" \
  || { log "summarize.py failed"; FAILED=1; }
cat "$OUT/summary.md"

if [ "$WITH_SOAK" = 1 ] && [ -x "$GATEHOUSE_BIN" ]; then
  log "soak: ${SOAK_DURATION:-120}s at ${SOAK_RATE:-200} req/s (bench/log_soak.sh)"
  DURATION=${SOAK_DURATION:-120} RATE=${SOAK_RATE:-200} GATEHOUSE_BIN=$GATEHOUSE_BIN "$BENCH_DIR/log_soak.sh" > "$OUT/soak.txt" 2>&1 \
    || FAILED=1
  printf '\n## Soak\n\n```\n%s\n```\n' "$(grep -v '^log_soak:' "$OUT/soak.txt")" | tee -a "$OUT/summary.md"
fi
log "results written to $OUT"
[ "$FAILED" = 0 ] || log "some targets or points were not measured (see above and $OUT/results.jsonl)"
exit "$FAILED"
