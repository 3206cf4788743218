#!/usr/bin/env bash
# Builds the Debian package: configures and builds (Release with debug info; the package is
# stripped), then runs CPack. Prints the .deb's path on the last line.
#   scripts/package.sh                      build dir ./build, .deb in ./build/package
#   scripts/package.sh --no-build DIR OUT   package an already built DIR into OUT (the test uses this)
set -eu
cd "$(dirname "$0")/.."
build_first=1
if [ "${1:-}" = --no-build ]; then build_first=0; shift; fi
build=${1:-build}
out=${2:-$build/package}
if [ "$build_first" = 1 ]; then
  scripts/deps.sh
  [ -f "$build/build.ninja" ] || cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
  cmake --build "$build" -j"$(nproc)"
fi
mkdir -p "$out"
out=$(cd "$out" && pwd)
rm -f "$out"/gatehouse_*.deb
# CPack's own log goes to a file; only the package path is printed.
cpack --config "$build/CPackConfig.cmake" -B "$out" >"$out/cpack.log" 2>&1 || { cat "$out/cpack.log" >&2; exit 1; }
deb=$(ls "$out"/gatehouse_*.deb)
echo "$deb"
