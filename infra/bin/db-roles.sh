#!/usr/bin/env bash
# The seed's database roles, idempotent (run it after every migration run; ./forgesync start does):
#   monitor  - read-only: CONNECT, USAGE on schema public, SELECT on every table and sequence, pg_monitor's statistics
#   app_user - what the services need and no more: SELECT/INSERT/UPDATE/DELETE on every table, USAGE/SELECT on every
#              sequence; no CREATE on the schema, so no CREATE/DROP/ALTER TABLE (migrations run as the owner)
# Default privileges for the owner's future tables and sequences, so a table a later migration creates is covered.
# CREATE on schema public is revoked from PUBLIC in that database. flyway_schema_history stays read-only for app_user.
# Runs psql as the postgres superuser (see common.sh). Passwords are sent on psql's stdin, never on a command line,
# and never printed. `db-roles.sh --sql` prints the SQL instead, passwords included, for a pipe into a server that
# has no psql beside it (./forgesync's embedded PostgreSQL): all of it runs in the forgesync database.
# Environment: FORGESYNC_DB_NAME (forgesync), FORGESYNC_DB_OWNER (forgesync),
#              FORGESYNC_APP_ROLE (app_user), FORGESYNC_APP_PASSWORD, FORGESYNC_MONITOR_ROLE (monitor),
#              FORGESYNC_MONITOR_PASSWORD, FORGESYNC_PG_HOST, FORGESYNC_PG_PORT, FORGESYNC_PG_SUPERUSER.
set -euo pipefail
# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

DB="${FORGESYNC_DB_NAME:-forgesync}"
OWNER="${FORGESYNC_DB_OWNER:-forgesync}"
APP_ROLE="${FORGESYNC_APP_ROLE:-app_user}"
MONITOR_ROLE="${FORGESYNC_MONITOR_ROLE:-monitor}"
LOCAL_DEV_PASSWORD="forgesync-local-dev"

for pair in "FORGESYNC_DB_NAME:$DB" "FORGESYNC_DB_OWNER:$OWNER" "FORGESYNC_APP_ROLE:$APP_ROLE" "FORGESYNC_MONITOR_ROLE:$MONITOR_ROLE"; do
  require_identifier "${pair%%:*}" "${pair#*:}"
done

password_of() { # VAR: the variable's value, or the local-development default with a warning (not the value).
  if [ -n "${!1:-}" ]; then printf '%s' "${!1}"; return; fi
  log "warning: $1 is not set; using the local-development default password (never in production)"
  printf '%s' "$LOCAL_DEV_PASSWORD"
}
APP_PASSWORD="$(password_of FORGESYNC_APP_PASSWORD)"
MONITOR_PASSWORD="$(password_of FORGESYNC_MONITOR_PASSWORD)"

# role_sql NAME PASSWORD: a login role without any elevated attribute, its password (re)set.
role_sql() {
  cat <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$1') THEN CREATE ROLE $1 LOGIN; END IF;
END \$\$;
ALTER ROLE $1 WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD $(sql_literal "$2");
SQL
}

roles_sql() {
  echo "SET log_statement = 'none'; SET client_min_messages = warning;"   # no password in the server log
  role_sql "$APP_ROLE" "$APP_PASSWORD"
  role_sql "$MONITOR_ROLE" "$MONITOR_PASSWORD"
  echo "GRANT pg_monitor TO $MONITOR_ROLE;"
}

grants_sql() {
  cat <<SQL
SET client_min_messages = warning;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT CONNECT ON DATABASE $DB TO $APP_ROLE, $MONITOR_ROLE;
GRANT USAGE ON SCHEMA public TO $APP_ROLE, $MONITOR_ROLE;

GRANT SELECT ON ALL TABLES IN SCHEMA public TO $MONITOR_ROLE;
GRANT SELECT ON ALL SEQUENCES IN SCHEMA public TO $MONITOR_ROLE;
ALTER DEFAULT PRIVILEGES FOR ROLE $OWNER IN SCHEMA public GRANT SELECT ON TABLES TO $MONITOR_ROLE;
ALTER DEFAULT PRIVILEGES FOR ROLE $OWNER IN SCHEMA public GRANT SELECT ON SEQUENCES TO $MONITOR_ROLE;

GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO $APP_ROLE;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO $APP_ROLE;
ALTER DEFAULT PRIVILEGES FOR ROLE $OWNER IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO $APP_ROLE;
ALTER DEFAULT PRIVILEGES FOR ROLE $OWNER IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO $APP_ROLE;
REVOKE CREATE ON SCHEMA public FROM $APP_ROLE, $MONITOR_ROLE;
DO \$\$ BEGIN
  IF to_regclass('public.flyway_schema_history') IS NOT NULL THEN
    REVOKE INSERT, UPDATE, DELETE ON public.flyway_schema_history FROM $APP_ROLE;
  END IF;
END \$\$;
SQL
}

if [ "${1:-}" = --sql ]; then roles_sql; grants_sql; exit 0; fi
[ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$DB'")" = 1 ] || die "database $DB does not exist (run infra/bin/postgres-up.sh)"
[ "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = '$OWNER'")" = 1 ] || die "owner role $OWNER does not exist"
roles_sql | psql_admin -f - >/dev/null
grants_sql | psql_on "$DB" -f - >/dev/null
log "roles ready in database $DB: $APP_ROLE (DML only), $MONITOR_ROLE (read-only); default privileges for tables $OWNER creates"
