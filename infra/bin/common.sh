# shellcheck shell=bash
# Shared by infra/bin scripts: where the project is, where local state lives, how to run Maven.
# FORGESYNC_STATE_DIR (default <project>/.forgesync) holds the broker's jars, data, logs and pid files.
# umask 077: what the scripts create (state, logs, secrets, database dumps, pid files) is this user's alone; the
# dumps hold every webhook payload, the state holds private repositories' mirrors.
umask 077
log() { printf '[forgesync] %s\n' "$*" >&2; }
die() { printf '[forgesync] error: %s\n' "$*" >&2; exit 1; }
FORGESYNC_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
FORGESYNC_STATE_DIR="${FORGESYNC_STATE_DIR:-$FORGESYNC_ROOT/.forgesync}"
mkdir -p "$FORGESYNC_STATE_DIR"
chmod 700 "$FORGESYNC_STATE_DIR" 2>/dev/null || log "warning: could not make $FORGESYNC_STATE_DIR private (chmod 700)"

mvn_cmd() {
  if [ -x "$FORGESYNC_ROOT/mvnw" ]; then "$FORGESYNC_ROOT/mvnw" "$@"; else mvn "$@"; fi
}

# port_open HOST PORT: true when something accepts TCP connections there.
port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# wait_for_port HOST PORT SECONDS WHAT
wait_for_port() {
  local host=$1 port=$2 secs=$3 what=$4 i
  for ((i = 0; i < secs * 10; i++)); do
    port_open "$host" "$port" && return 0
    sleep 0.1
  done
  die "$what did not accept connections on $host:$port within ${secs}s"
}

# Pid files hold "PID START": the process's start time (clock ticks after boot, /proc/PID/stat field 22) tells the
# process that was started from a later one that happens to get the same PID after a crash or a reboot.

# proc_start PID: the start time of process PID; fails when there is no such process, or only its zombie.
proc_start() {
  local stat fields
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }   # the fields after the command name, which may hold spaces and parentheses
  read -r -a fields <<<"$stat"
  if [ "${fields[0]}" = Z ]; then   # the leader has exited: the process has ended once its other threads have too
    local tasks=("/proc/$1/task/"*)
    [ "${#tasks[@]}" -gt 1 ] || return 1
  fi
  printf '%s' "${fields[19]}"
}

# write_pid FILE PID: records PID and its start time in FILE.
write_pid() { printf '%s %s\n' "$2" "$(proc_start "$2")" > "$1"; }

# pid_of FILE: prints the PID that FILE names when that very process still runs; fails otherwise.
pid_of() {
  local pid='' start=''
  if [ -f "$1" ]; then read -r pid start < "$1" || true; fi
  if [ -z "$pid" ] || [ -z "$start" ] || [ "$(proc_start "$pid")" != "$start" ]; then return 1; fi
  printf '%s' "$pid"
}

# pid_alive FILE: true when FILE names a process that still runs (the same one: PID and start time).
pid_alive() { pid_of "$1" >/dev/null; }

# stop_pid FILE WHAT SECONDS: SIGTERM, wait, then SIGKILL; removes FILE. Never signals a process that is not the one
# FILE recorded: a stale file naming a reused PID is only removed.
stop_pid() {
  local file=$1 what=$2 secs=${3:-30} pid i
  if ! pid=$(pid_of "$file"); then rm -f "$file"; log "$what is not running"; return 0; fi
  kill "$pid" 2>/dev/null || true
  for ((i = 0; i < secs * 10; i++)); do
    pid_alive "$file" || { rm -f "$file"; log "$what stopped (pid $pid)"; return 0; }
    sleep 0.1
  done
  log "$what did not stop within ${secs}s; killing pid $pid"
  if pid_alive "$file"; then kill -9 "$pid" 2>/dev/null || true; fi
  rm -f "$file"
}

# PostgreSQL administration (postgres-up.sh, db-roles.sh): psql as the postgres superuser, like the Debian tools.
# FORGESYNC_PG_HOST (127.0.0.1), FORGESYNC_PG_PORT (5432), FORGESYNC_PG_SUPERUSER (postgres).
PG_HOST="${FORGESYNC_PG_HOST:-127.0.0.1}"
PG_PORT="${FORGESYNC_PG_PORT:-5432}"
PG_SUPERUSER="${FORGESYNC_PG_SUPERUSER:-postgres}"

# pg_version: the newest PostgreSQL version with a Debian cluster configuration (/etc/postgresql/<version>).
pg_version() { find /etc/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | sort -V | tail -n 1; }

# as_postgres CMD...: runs CMD as the operating-system user postgres (peer/trust set-ups expect it) where this user
# can become it without a prompt (root, or sudo without a password); otherwise as this user: psql_on connects over TCP
# as the superuser role, so pg_hba decides (trust, or a password from PGPASSWORD or ~/.pgpass). A plain user on a
# machine without sudo (Debian's default) could not start the stack before this.
as_postgres() {
  if [ "$(id -un)" = postgres ]; then "$@"
  elif [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"
  elif command -v sudo >/dev/null 2>&1 && sudo -n -u postgres true 2>/dev/null; then sudo -n -u postgres "$@"
  else "$@"
  fi
}

# psql_on DB ARGS...: psql as the superuser on database DB; stops at the first error; unaligned, tuples only.
psql_on() { local db=$1; shift; as_postgres psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_SUPERUSER" -d "$db" -v ON_ERROR_STOP=1 -qtAX "$@"; }

# psql_admin ARGS...: psql as the superuser on the maintenance database.
psql_admin() { psql_on postgres "$@"; }

# require_identifier NAME VALUE: role and database names go into SQL unquoted-safe only when they are plain.
require_identifier() {
  [[ "$2" =~ ^[a-z_][a-z0-9_]{0,62}$ ]] || die "$1 must be a plain lower-case SQL identifier ([a-z_][a-z0-9_]*), got '$2'"
}

# sql_literal VALUE: VALUE as a single-quoted SQL string literal.
sql_literal() { printf "'%s'" "${1//\'/\'\'}"; }

# run_child CMD...: runs CMD in the background and waits for it, passing TERM and INT on to it as TERM, so that a
# script's EXIT trap cleans up only after CMD has finished its own shutdown; returns CMD's exit status, or stops the
# script with 143 when it was asked to stop. An EXIT trap calls stop_child and wait_child for the other ways out.
CHILD=
STOP_REQUESTED=
stop_child() { STOP_REQUESTED=yes; [ -z "$CHILD" ] || kill -TERM "$CHILD" 2>/dev/null || true; }
wait_child() { # a trapped signal interrupts `wait`: wait again until the child has really exited
  local status=0
  while [ -n "$CHILD" ]; do
    if wait "$CHILD"; then status=0; else status=$?; fi
    kill -0 "$CHILD" 2>/dev/null || CHILD=
  done
  return "$status"
}
run_child() {
  local status=0
  trap stop_child TERM INT
  "$@" &
  CHILD=$!
  [ -z "$STOP_REQUESTED" ] || stop_child
  wait_child || status=$?
  trap - TERM INT
  [ -z "$STOP_REQUESTED" ] || exit 143
  return "$status"
}

# mounts_under DIR: the mount points at or below DIR, deepest first.
mounts_under() {
  awk -v dir="$(readlink -f "$1")" '$2 == dir || index($2, dir "/") == 1 { print $2 }' /proc/self/mounts | sort -r
}

# remove_tree DIR: unmounts whatever is mounted below DIR (lazily when busy: a process may still hold a file there),
# then deletes DIR without crossing into another file system. Anything still mounted there keeps DIR in place: a
# bind mount of the host's /dev, say, must never be walked by rm.
remove_tree() {
  local dir=$1
  mounts_under "$dir" | while read -r mount; do
    umount "$mount" 2>/dev/null || umount -l "$mount" 2>/dev/null || true
  done
  if [ -n "$(mounts_under "$dir")" ]; then
    log "left $dir in place: still mounted there: $(mounts_under "$dir" | tr '\n' ' ')"
    return 1
  fi
  rm -rf --one-file-system "$dir"
}
