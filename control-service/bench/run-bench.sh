#!/usr/bin/env bash
# The status page at scale (issue 12): 100,000 repositories and 5,000,000 sync_logs rows in a database of their own
# (forgesync_bench on the local PostgreSQL, migrated by control-service's Flyway at its start), control-service
# started against it with a private Kafka broker, then PageLoad.java (4 clients) over every page and every /api
# list, then EXPLAIN ANALYZE of the pages' heaviest queries. Prints the table; keeps everything in
# target/status-bench/. The goal is p95 <= 300 ms per endpoint on this machine.
#   control-service/bench/run-bench.sh [rounds]       (pages: rounds, default 25; API lists: BENCH_API_ROUNDS, 3)
# The freshness sweep is off: it would ask github.com about 100,000 generated repositories during the run.
# Environment: BENCH_REGENERATE=1 drops and regenerates the data (otherwise a complete forgesync_bench is reused);
#              BENCH_CLIENTS (4); BENCH_PORT (18070); BENCH_KAFKA_PORT (19092).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BENCH="$ROOT/control-service/bench"
OUT="$ROOT/target/status-bench"
ROUNDS="${1:-25}"
CLIENTS="${BENCH_CLIENTS:-4}"
PORT="${BENCH_PORT:-18070}"
KAFKA_PORT="${BENCH_KAFKA_PORT:-19092}"
DB=forgesync_bench
PSQL=(psql -h 127.0.0.1 -U postgres -v ON_ERROR_STOP=1 -q)
log() { printf '[status-bench] %s\n' "$*" >&2; }
mkdir -p "$OUT"
cd "$ROOT"

export FORGESYNC_STATE_DIR="$OUT/state" FORGESYNC_KAFKA_PORT="$KAFKA_PORT"
export FORGESYNC_KAFKA_CONTROLLER_PORT=$((KAFKA_PORT + 1))
APP_PID=""
cleanup() {
  if [ -n "$APP_PID" ]; then kill "$APP_PID" 2>/dev/null || true; wait "$APP_PID" 2>/dev/null || true; fi
  infra/bin/kafka.sh stop >/dev/null 2>&1 || true
}
trap cleanup EXIT

if [ ! -f control-service/target/control-service-0.1.0-SNAPSHOT.jar ] \
    || [ -n "$(find control-service/src common-schema/src -newer control-service/target/control-service-0.1.0-SNAPSHOT.jar -type f | head -n 1)" ]; then
  log "building control-service"
  rm -f control-service/target/control-service-*.jar*
  ./mvnw -q -B -pl control-service -am -DskipTests package
fi

populated=$("${PSQL[@]}" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB'")
if [ "${BENCH_REGENERATE:-0}" = 1 ] || [ -z "$populated" ]; then
  "${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB"
  fresh=1
else
  fresh=0
fi

infra/bin/kafka.sh start
# The token travels in the environment only (never argv: ps shows that to every local user).
FORGESYNC_OPS_ADMIN_TOKEN="bench-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
export FORGESYNC_OPS_ADMIN_TOKEN
SPRING_DATASOURCE_URL="jdbc:postgresql://127.0.0.1:5432/$DB" SPRING_DATASOURCE_USERNAME=postgres \
  SPRING_DATASOURCE_PASSWORD='' SPRING_KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:$KAFKA_PORT" SERVER_PORT="$PORT" \
  MANAGEMENT_SERVER_PORT="$((PORT + 1))" FORGESYNC_WEB_REFRESH=0s FORGESYNC_FRESHNESS_ENABLED=false \
  java -Xmx512m -jar control-service/target/control-service-0.1.0-SNAPSHOT.jar >"$OUT/control-service.log" 2>&1 &
APP_PID=$!
for _ in $(seq 1 240); do
  if curl -fs -o /dev/null "http://127.0.0.1:$PORT/signin"; then break; fi
  kill -0 "$APP_PID" 2>/dev/null || { log "control-service died: $OUT/control-service.log"; exit 1; }
  sleep 1
done
log "control-service up on 127.0.0.1:$PORT, database $DB"

if [ "$fresh" = 1 ]; then
  log "generating 100,000 repositories, 5,000,000 sync_logs rows, 500,000 webhook events (minutes)"
  start=$(date +%s)
  "${PSQL[@]}" -d "$DB" -f "$BENCH/generate.sql"
  log "generated in $(( $(date +%s) - start )) s"
fi
"${PSQL[@]}" -d "$DB" -tAc "SELECT 'rows: ' || (SELECT COUNT(*) FROM repositories) || ' repositories, '
  || (SELECT COUNT(*) FROM sync_logs) || ' sync_logs, ' || (SELECT COUNT(*) FROM webhook_events) || ' webhook_events'"

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores (shared with other work)"
echo "== the status page's pages, $ROUNDS rounds"
java "$BENCH/PageLoad.java" "http://127.0.0.1:$PORT" "$CLIENTS" "$ROUNDS" 100000 '^page' | tee "$OUT/results.txt"
echo "== the ops API's lists, ${BENCH_API_ROUNDS:-3} rounds"
java "$BENCH/PageLoad.java" "http://127.0.0.1:$PORT" "$CLIENTS" "${BENCH_API_ROUNDS:-3}" 100000 '^api' | tee -a "$OUT/results.txt"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

"${PSQL[@]}" -d "$DB" -f "$BENCH/explain.sql" >"$OUT/explain.txt"
log "plans of the heaviest queries: $OUT/explain.txt"
