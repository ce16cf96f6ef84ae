#!/usr/bin/env bash
# Restores a dump from db-backup.sh into a database, creating the database when it does not exist.
#   infra/bin/db-restore.sh <dump> [target-db]      (target-db defaults to PGDATABASE / FORGESYNC_DB_NAME)
# pg_restore --clean --if-exists --no-owner in one transaction: existing forgesync objects are dropped and recreated,
# owned by the restoring user (PGUSER, normally the schema owner); an error rolls the whole restore back.
# Grants in the dump are restored too, so the roles must exist: run db-roles.sh first on a new cluster, or set
# FORGESYNC_RESTORE_NO_PRIVILEGES=true and run db-roles.sh after the restore.
# Stop ingest-service and the sync-workers before restoring over a live database.
# Connection: see db-connection.sh; creating the database needs PGUSER to have CREATEDB.
set -euo pipefail
# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
# shellcheck source=db-connection.sh
source "$(dirname "${BASH_SOURCE[0]}")/db-connection.sh"

DUMP="${1:-}"
[ -n "$DUMP" ] || { echo "usage: $0 <dump> [target-db]" >&2; exit 2; }
[ -f "$DUMP" ] || die "no dump file at $DUMP"
TARGET="${2:-$PGDATABASE}"
require_identifier target-db "$TARGET"

pg_restore --list "$DUMP" >/dev/null || die "$DUMP is not a pg_dump custom-format archive"
if [ "$(psql -X -qtA -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$TARGET'")" != 1 ]; then
  createdb "$TARGET" || die "could not create database $TARGET"
  log "created database $TARGET"
fi

extra=()
[ "${FORGESYNC_RESTORE_NO_PRIVILEGES:-false}" = true ] && extra+=(--no-privileges)
pg_restore --clean --if-exists --no-owner --single-transaction "${extra[@]}" --dbname="$TARGET" "$DUMP" \
  || die "restore of $DUMP into $TARGET failed (rolled back)"
log "restored $DUMP into $TARGET ($PGHOST:$PGPORT)"
