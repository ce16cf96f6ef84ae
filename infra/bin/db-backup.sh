#!/usr/bin/env bash
# A full logical backup of the forgesync database: pg_dump's custom format (compressed, restorable table by table).
#   infra/bin/db-backup.sh            -> prints the path of FORGESYNC_BACKUP_DIR/forgesync_<YYYYmmdd_HHMMSS>.dump
# Connection: see db-connection.sh (PGHOST/PGPORT/PGUSER/PGPASSWORD/PGDATABASE or FORGESYNC_PG_*/FORGESYNC_DB_*).
# Environment: FORGESYNC_BACKUP_DIR (<state dir>/backups), FORGESYNC_BACKUP_KEEP_DAYS (unset: keep every dump;
#              N: delete forgesync_*.dump files older than N days after a successful backup).
# The dump is written to a temporary name and renamed when complete, so a listed .dump is never half written.
set -euo pipefail
# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
# shellcheck source=db-connection.sh
source "$(dirname "${BASH_SOURCE[0]}")/db-connection.sh"

BACKUP_DIR="${FORGESYNC_BACKUP_DIR:-$FORGESYNC_STATE_DIR/backups}"
# The dumps hold every webhook payload: 0600 files (umask 077, common.sh) in a folder only this user can open.
mkdir -p "$BACKUP_DIR"
if [ -n "$(find "$BACKUP_DIR" -maxdepth 0 -perm /077)" ]; then
  chmod 700 "$BACKUP_DIR" || die "$BACKUP_DIR is open to other users and could not be made private (chmod 700)"
  log "made $BACKUP_DIR private (mode 700)"
fi
FILE="$BACKUP_DIR/forgesync_$(date -u +%Y%m%d_%H%M%S).dump"
[ -e "$FILE" ] && die "$FILE exists already (one backup per second at most)"
PARTIAL="$FILE.partial"
trap 'rm -f "$PARTIAL"' EXIT

pg_dump --format=custom --file="$PARTIAL" --dbname="$PGDATABASE" || die "pg_dump of $PGDATABASE on $PGHOST:$PGPORT failed"
mv "$PARTIAL" "$FILE"
log "backed up $PGDATABASE ($PGHOST:$PGPORT) to $FILE ($(du -h "$FILE" | cut -f1))"

if [ -n "${FORGESYNC_BACKUP_KEEP_DAYS:-}" ]; then
  [[ "$FORGESYNC_BACKUP_KEEP_DAYS" =~ ^[0-9]+$ ]] || die "FORGESYNC_BACKUP_KEEP_DAYS must be a number of days"
  find "$BACKUP_DIR" -maxdepth 1 -name 'forgesync_*.dump' -mtime +"$FORGESYNC_BACKUP_KEEP_DAYS" -print -delete | sed 's/^/[forgesync] deleted old backup /' >&2
fi
echo "$FILE"
