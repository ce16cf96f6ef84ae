#!/usr/bin/env bash
# common.sh's pid files: stop_pid against a stale file whose PID another process now has, and against the process
# it recorded itself. Prints what happened, one line each.
#   bash stop-pid.sh COMMON_SH WORK
set -euo pipefail
# shellcheck source=/dev/null
source "$1"
work=$2

sleep 300 &
stranger=$!
printf '%s 1\n' "$stranger" > "$work/stale.pid"   # this PID, but recorded for a process that started at another time
stop_pid "$work/stale.pid" "the old service" 5
if kill -0 "$stranger" 2>/dev/null; then echo "stranger: running"; else echo "stranger: killed"; fi
[ -e "$work/stale.pid" ] || echo "stale pid file: removed"

sleep 300 &
own=$!
write_pid "$work/own.pid" "$own"
pid_alive "$work/own.pid" && echo "own: alive"
stop_pid "$work/own.pid" "the service" 5
pid_alive "$work/own.pid" || echo "own: stopped"
[ -e "$work/own.pid" ] || echo "own pid file: removed"

kill "$stranger"
