#!/usr/bin/env bash
# Makes sure PostgreSQL answers on 127.0.0.1:5432 and that the forgesync database and its owner role exist.
# Idempotent. Starts the local cluster if it is installed but down; installs PostgreSQL from Debian's packages
# when running as root on a machine that has none.
# Environment: FORGESYNC_DB_NAME (forgesync), FORGESYNC_DB_OWNER (forgesync), FORGESYNC_DB_OWNER_PASSWORD (forgesync),
#              FORGESYNC_PG_HOST (127.0.0.1), FORGESYNC_PG_PORT (5432).
# The owner's password travels on psql's standard input as an SQL literal, never on a command line, and the session
# turns log_statement off so that it does not reach the server log either (as db-roles.sh does).
set -euo pipefail
# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

HOST="$PG_HOST"
PGPORT_="$PG_PORT"
DB="${FORGESYNC_DB_NAME:-forgesync}"
OWNER="${FORGESYNC_DB_OWNER:-forgesync}"
OWNER_PASSWORD="${FORGESYNC_DB_OWNER_PASSWORD:-forgesync}"
require_identifier FORGESYNC_DB_NAME "$DB"
require_identifier FORGESYNC_DB_OWNER "$OWNER"

ensure_installed() {
  command -v pg_ctlcluster >/dev/null 2>&1 && return 0
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    die "PostgreSQL is not installed; install it or point SPRING_DATASOURCE_URL at a server"
  fi
  log "installing PostgreSQL from Debian's packages"
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
}

ensure_running() {
  if port_open "$HOST" "$PGPORT_"; then return 0; fi
  [ "$HOST" = 127.0.0.1 ] || [ "$HOST" = localhost ] || die "PostgreSQL on $HOST:$PGPORT_ does not answer"
  ensure_installed
  local version
  version=$(pg_version)
  [ -n "$version" ] || die "no PostgreSQL cluster under /etc/postgresql"
  if ! pg_lsclusters -h 2>/dev/null | awk '{print $2}' | grep -qx main; then
    pg_createcluster "$version" main >&2
  fi
  log "starting PostgreSQL $version/main"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start >&2 || true
  wait_for_port "$HOST" "$PGPORT_" 60 "PostgreSQL"
}

ensure_database() {
  if [ "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = '$OWNER'")" != 1 ]; then
    printf "SET log_statement = 'none';\nCREATE ROLE %s LOGIN PASSWORD %s;\n" "$OWNER" "$(sql_literal "$OWNER_PASSWORD")" \
      | psql_admin -f - >/dev/null
    log "created role $OWNER"
  fi
  if [ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$DB'")" != 1 ]; then
    psql_admin -c "CREATE DATABASE $DB OWNER $OWNER" >/dev/null
    log "created database $DB owned by $OWNER"
  fi
}

ensure_running
ensure_database
log "PostgreSQL ready: jdbc:postgresql://$HOST:$PGPORT_/$DB (owner $OWNER)"
