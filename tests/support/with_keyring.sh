#!/bin/sh
# Runs one test against a real Secret Service: a private D-Bus session with gnome-keyring unlocked,
# in a throwaway HOME and XDG dirs (the user's own keyring and settings are never touched).
set -eu
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export HOME="$scratch/home" XDG_CONFIG_HOME="$scratch/config" XDG_DATA_HOME="$scratch/data" \
       XDG_CACHE_HOME="$scratch/cache" XDG_RUNTIME_DIR="$scratch/run"
mkdir -p "$HOME" "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_CACHE_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
unset DISPLAY WAYLAND_DISPLAY
# dbus-daemon's notes (fd limits, service activation) go to stderr; the test's own output is kept.
dbus-run-session -- sh -c '
  echo -n gatehouse-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1
  "$@"' with_keyring "$@" 2> "$scratch/session.err" && rc=0 || rc=$?
grep -v -e "dbus-daemon\[" -e "^GNOME_KEYRING_CONTROL=" -e "gcr-prompter" -e "^$" -e "gnome-keyring-daemon:" "$scratch/session.err" >&2 || true
exit $rc
