# shellcheck shell=bash
# Sourced by db-backup.sh, db-restore.sh and db-basebackup.sh: the libpq connection from the environment.
# libpq's own PGHOST / PGPORT / PGUSER / PGPASSWORD / PGDATABASE win; otherwise forgesync's FORGESYNC_PG_HOST
# (127.0.0.1), FORGESYNC_PG_PORT (5432), FORGESYNC_DB_OWNER (forgesync), FORGESYNC_DB_OWNER_PASSWORD and
# FORGESYNC_DB_NAME (forgesync). The password travels in PGPASSWORD (or ~/.pgpass), never on a command line.
export PGHOST="${PGHOST:-${FORGESYNC_PG_HOST:-127.0.0.1}}"
export PGPORT="${PGPORT:-${FORGESYNC_PG_PORT:-5432}}"
export PGUSER="${PGUSER:-${FORGESYNC_DB_OWNER:-forgesync}}"
export PGDATABASE="${PGDATABASE:-${FORGESYNC_DB_NAME:-forgesync}}"
if [ -z "${PGPASSWORD:-}" ] && [ -n "${FORGESYNC_DB_OWNER_PASSWORD:-}" ]; then export PGPASSWORD="$FORGESYNC_DB_OWNER_PASSWORD"; fi
export PGAPPNAME="${PGAPPNAME:-forgesync-$(basename "$0" .sh)}"
