#!/usr/bin/env bash
# Installs what is missing, builds, and starts Gatehouse.
#   scripts/run.sh                 the desktop console (gateway on http://127.0.0.1:8787/v1)
#   scripts/run.sh --headless      the gateway alone
# Any further arguments go to gatehouse (see: build/app/gatehouse --help).
# With no display (no DISPLAY or WAYLAND_DISPLAY) the gateway starts headless.
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh
# A fresh build/ is a unity build, as scripts/test.sh makes it (fastest from clean).
[ -f build/build.ninja ] || cmake --preset default -DCMAKE_UNITY_BUILD=ON >/dev/null
cmake --build build --target gatehouse
args=("$@")
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [[ " ${args[*]-} " != *" --headless "* ]]; then
  echo "run: no display found, starting the gateway headless (Ctrl-C stops it)" >&2
  args=(--headless "${args[@]}")
fi
exec build/app/gatehouse "${args[@]}"
