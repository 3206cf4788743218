#!/usr/bin/env bash
# The gateway's integration tests (real gateway on loopback, mock upstreams that reset, stall, burst
# 5xx/429, pipelined garbage, clients that disconnect ...) and the fuzz corpus replays, built with the
# `asan` preset (Debug, AddressSanitizer + LeakSanitizer + UBSan) in build-asan/.
#   scripts/test-asan.sh            build what these tests need (gatehouse_core, not the UI) and run them
#   scripts/test-asan.sh --ci       ASan + LSan only, no UBSan (what CI runs: about 40 % less to build)
#   scripts/test-asan.sh -R proxy   extra arguments go to ctest
# The preset builds without the optimiser, with line tables, and in unity batches: the sanitizers'
# instrumentation costs less once per batch than once per file (gatehouse_core: 7 min -> 1 min).
# Any sanitizer report fails the test it happens in. Tests that drive the gatehouse binary itself
# (tst_headless_process, tst_*_cli) are left out: they would need the whole UI built with ASan.
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh
tests="tst_http_listener tst_gateway_proxy tst_gateway_faults tst_gateway_routing tst_gateway_overload tst_gateway_lifecycle
  tst_gateway_records tst_gateway_mock_provider tst_gateway_messages tst_gateway_metrics tst_gateway_cache
  tst_gateway_access_control tst_otlp_export tst_config_store_gateway tst_key_vault_gateway
  tst_key_budget_gateway tst_native_providers_gateway fuzz_replay tst_response_cache tst_vector_index tst_sse_event_framer"
launcher=""; command -v ccache >/dev/null && launcher="-DCMAKE_CXX_COMPILER_LAUNCHER=ccache"
sanitizers="address,undefined"
if [ "${1:-}" = --ci ]; then sanitizers=address; shift; fi
cmake --preset asan -DGATEHOUSE_SANITIZERS="$sanitizers" $launcher >/dev/null
start=$(date +%s)
# shellcheck disable=SC2086
cmake --build build-asan -j"$(nproc)" --target $tests
echo "test-asan: build took $(( $(date +%s) - start ))s" >&2

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export HOME="$scratch/home" XDG_CONFIG_HOME="$scratch/config" XDG_DATA_HOME="$scratch/data" \
       XDG_CACHE_HOME="$scratch/cache" XDG_RUNTIME_DIR="$scratch/run"
mkdir -p "$HOME" "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_CACHE_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
# Leaks are errors; what Qt and the system libraries keep for the life of the process is not ours.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:halt_on_error=1:detect_stack_use_after_return=0"
export LSAN_OPTIONS="suppressions=$(pwd)/tests/support/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
regex="^($(echo $tests | sed 's/ fuzz_replay/ fuzz_replay_.*/; s/ /|/g'))\$"
start=$(date +%s)
rc=0
ctest --test-dir build-asan --output-on-failure -j2 --timeout 600 -R "$regex" "$@" || rc=$?
echo "test-asan: tests took $(( $(date +%s) - start ))s" >&2
exit $rc
