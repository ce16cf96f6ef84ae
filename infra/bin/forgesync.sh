#!/usr/bin/env bash
# The whole local stack: PostgreSQL (local cluster), the Kafka broker process and its topics, the schema migrated,
# the database roles (app_user, monitor) granted.
#   ./forgesync start | stop | status
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
BIN="$FORGESYNC_ROOT/infra/bin"

migrate() {
  log "migrating the schema (Flyway)"
  mvn_cmd -q -B -f "$FORGESYNC_ROOT/pom.xml" -pl infra flyway:migrate -Dforgesync.noTestDeps \
    -Dforgesync.db.url="${FORGESYNC_DB_URL:-jdbc:postgresql://127.0.0.1:5432/${FORGESYNC_DB_NAME:-forgesync}}" \
    -Dforgesync.db.owner="${FORGESYNC_DB_OWNER:-forgesync}" \
    -Dforgesync.db.password="${FORGESYNC_DB_OWNER_PASSWORD:-forgesync}" >&2 || die "migration failed"
}

start() {
  bash "$BIN/postgres-up.sh"
  bash "$BIN/kafka.sh" start
  bash "$BIN/kafka-topics.sh"
  migrate
  bash "$BIN/db-roles.sh"
  log "local infrastructure is up: PostgreSQL on 127.0.0.1:5432 (database ${FORGESYNC_DB_NAME:-forgesync}), Kafka on 127.0.0.1:${FORGESYNC_KAFKA_PORT:-9092}"
  log "stop it with: ./forgesync stop"
}

stop() {
  bash "$BIN/kafka.sh" stop
}

status() {
  printf 'kafka: '; bash "$BIN/kafka.sh" status || true
  printf 'postgresql: '; if port_open 127.0.0.1 "${FORGESYNC_PG_PORT:-5432}"; then echo "answering on 127.0.0.1:${FORGESYNC_PG_PORT:-5432}"; else echo "down"; fi
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: ./forgesync start|stop|status" >&2; exit 2 ;;
esac
