#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan; fuzz/CMakeLists.txt) in build-fuzz/ and runs them.
#   scripts/fuzz.sh --ci                 every target for a short time, two at a time (what CI runs)
#   scripts/fuzz.sh                      every target for 10 minutes, one after the other
#   scripts/fuzz.sh --seconds 3600 sse_reader aws_event_stream   chosen targets, chosen time
# New inputs the fuzzer finds collect in build-fuzz/corpus/<target>/ (kept between runs); a crash is
# written to build-fuzz/artifacts/<target>/ and makes the script fail. A crash input belongs in
# fuzz/corpus/<target>/ once the bug is fixed, so the corpus replay tests keep it fixed.
set -eu
cd "$(dirname "$0")/.."
root=$(pwd)

seconds=600 jobs=1 targets=""
while [ $# -gt 0 ]; do
  case "$1" in
    --ci) seconds=${GATEHOUSE_FUZZ_SECONDS:-10}; jobs=2 ;;
    --seconds) seconds=$2; shift ;;
    --jobs) jobs=$2; shift ;;
    -*) echo "unknown option $1" >&2; exit 2 ;;
    *) targets="$targets $1" ;;
  esac
  shift
done

scripts/deps.sh --fuzz
launcher=""; command -v ccache >/dev/null && launcher="-DCMAKE_CXX_COMPILER_LAUNCHER=ccache"
[ -f build-fuzz/build.ninja ] || cmake -S fuzz -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++-14 $launcher >/dev/null
start=$(date +%s)
cmake --build build-fuzz -j"$(nproc)"
echo "fuzz: build took $(( $(date +%s) - start ))s" >&2

[ -n "$targets" ] || targets=$(sed -n '/^set(GATEHOUSE_FUZZ_TARGETS/,/^)/{/^  /p}' fuzz/fuzz_targets.cmake)
mkdir -p build-fuzz/logs

run_one() {   # target seconds
  t=$1
  mkdir -p "build-fuzz/corpus/$t" "build-fuzz/artifacts/$t"
  dict=""; [ -f "fuzz/dict/$t.dict" ] && dict="-dict=fuzz/dict/$t.dict"
  # The first corpus dir receives new inputs; the seeds in the repo are only read.
  if ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 UBSAN_OPTIONS=print_stacktrace=1 \
     "build-fuzz/fuzz_$t" -max_total_time="$2" -timeout=10 -rss_limit_mb=2048 -max_len=16384 -print_final_stats=1 \
       -artifact_prefix="build-fuzz/artifacts/$t/" $dict "build-fuzz/corpus/$t" "fuzz/corpus/$t" \
       >"build-fuzz/logs/$t.log" 2>&1; then
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "build-fuzz/logs/$t.log")
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "build-fuzz/logs/$t.log")
    cov=$(grep -o 'cov: [0-9]*' "build-fuzz/logs/$t.log" | tail -1)
    echo "fuzz: $t ok: $execs runs, $rate/s, $cov"
  else
    echo "fuzz: $t FAILED; log build-fuzz/logs/$t.log, input in build-fuzz/artifacts/$t/:"
    grep -E 'ERROR|SUMMARY|runtime error|fuzz property|Test unit written' "build-fuzz/logs/$t.log" | head -8 | sed 's/^/  /'
    return 1
  fi
}
export -f run_one

# shellcheck disable=SC2086
printf '%s\n' $targets | xargs -P "$jobs" -I{} bash -c "run_one {} $seconds"
