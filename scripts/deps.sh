#!/usr/bin/env bash
# Installs the Debian packages Gatehouse needs to build, run and test -- only those missing.
#   scripts/deps.sh            build + run + test packages
#   scripts/deps.sh --bench    also the benchmark tools (wrk, nginx-light, sqlite3)
#   scripts/deps.sh --fuzz     also clang and libFuzzer (scripts/fuzz.sh)
# Runtime-loaded parts are listed explicitly: libqt6sql6-sqlite (SQL driver plugin), libqt6svg6 (SVG
# icon engine), qt6-qpa-plugins, libsecret-1-0 (QtKeychain loads it at run time). qt6-charts-dev needs
# libqt6opengl6-dev at configure time, which qt6-base-dev only recommends. prometheus brings promtool,
# which the tests use to validate GET /metrics. The package test needs librsvg2-bin (PNG icon),
# desktop-file-utils and appstream (validators).
set -eu
pkgs="g++ make cmake ninja-build file dpkg-dev pkg-config
  qt6-base-dev libqt6opengl6-dev qt6-charts-dev libqt6sql6-sqlite libqt6svg6 qt6-qpa-plugins
  qtkeychain-qt6-dev libsecret-1-0 nlohmann-json3-dev libcurl4-openssl-dev libssl-dev libhttp-parser-dev libhnswlib-dev
  xvfb xauth fonts-dejavu-core gnome-keyring dbus-x11 libsecret-tools curl ca-certificates
  prometheus librsvg2-bin desktop-file-utils appstream"
for opt in "$@"; do
  [ "$opt" = --bench ] && pkgs="$pkgs wrk nginx-light sqlite3"
  [ "$opt" = --fuzz ] && pkgs="$pkgs clang-14 libclang-rt-14-dev"
done
# Node.js runs the end-to-end client suite; any Node >= 18 on PATH will do.
command -v node >/dev/null 2>&1 || pkgs="$pkgs nodejs"
command -v npm >/dev/null 2>&1 || pkgs="$pkgs npm"

missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps: installing$missing" >&2
SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
