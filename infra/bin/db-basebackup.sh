#!/usr/bin/env bash
# A physical base backup for point-in-time recovery (with the WAL archive of infra/postgres/wal-archiving.conf):
#   infra/bin/db-basebackup.sh [target-dir]    (default FORGESYNC_BASEBACKUP_DIR or <backup dir>/base_<YYYYmmdd_HHMMSS>)
# pg_basebackup -Fp -Xs -P: a plain copy of the whole cluster, streaming the WAL it needs so the copy is consistent
# on its own. PGUSER needs the REPLICATION attribute (or superuser) and a pg_hba "replication" line.
# Connection: see db-connection.sh. Recovery steps: infra/README.md, "Point-in-time recovery".
set -euo pipefail
# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
# shellcheck source=db-connection.sh
source "$(dirname "${BASH_SOURCE[0]}")/db-connection.sh"

BACKUP_DIR="${FORGESYNC_BACKUP_DIR:-$FORGESYNC_STATE_DIR/backups}"
TARGET="${1:-${FORGESYNC_BASEBACKUP_DIR:-$BACKUP_DIR/base_$(date -u +%Y%m%d_%H%M%S)}}"
[ -e "$TARGET" ] && [ -n "$(ls -A "$TARGET" 2>/dev/null)" ] && die "$TARGET exists and is not empty"
mkdir -p "$TARGET"
pg_basebackup --pgdata="$TARGET" --format=plain --wal-method=stream --checkpoint=fast --progress --label="forgesync $(date -u +%FT%TZ)" \
  || die "pg_basebackup from $PGHOST:$PGPORT failed"
log "base backup of $PGHOST:$PGPORT in $TARGET"
echo "$TARGET"
