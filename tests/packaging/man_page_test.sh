#!/usr/bin/env bash
# The man page documents every flag the binary accepts: those of `gatehouse --help` and of the
# keys/logs/cache subcommands; and it documents no gateway flag that --help does not know.
#   man_page_test.sh GATEHOUSE_BINARY MAN_PAGE
set -eu
bin=$1 page=$2
unset DISPLAY WAYLAND_DISPLAY QT_QPA_PLATFORM
flags() { grep -o -- '--[a-z][a-z0-9-]*' | sort -u; }
man_all=$(sed 's/\\-/-/g' "$page" | flags)
# Flags in the OPTIONS section only: the gateway's own (the subcommands' are in COMMANDS).
man_options=$(sed -n '/^\.SH OPTIONS/,/^\.SH /p' "$page" | sed 's/\\-/-/g' | flags)
help_main=$("$bin" --help | flags)
help_sub=$( { "$bin" keys --help; "$bin" logs --help; "$bin" cache --help; } | flags)

status=0
missing=$(comm -23 <(printf '%s\n' $help_main $help_sub | sort -u) <(printf '%s\n' $man_all))
if [ -n "$missing" ]; then
  echo "FAIL: flags in --help but not in $page:" $missing
  status=1
fi
# Flags named in OPTIONS that --help lacks (a removed or misspelt flag). Mentions of the subcommands'
# flags inside an option's text are not expected there.
stale=$(comm -13 <(printf '%s\n' $help_main) <(printf '%s\n' $man_options))
if [ -n "$stale" ]; then
  echo "FAIL: flags in the man page's OPTIONS but not in gatehouse --help:" $stale
  status=1
fi
[ "$status" = 0 ] && echo "PASS: $(printf '%s\n' $help_main $help_sub | sort -u | wc -l) flags documented"
exit $status
