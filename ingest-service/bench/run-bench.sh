#!/usr/bin/env bash
# ingest-service benchmark: raw PostgreSQL single-row INSERT commits/s (into a lighter webhook_events-like table and
# into a copy of webhook_events itself) versus accepted webhooks/s at the same concurrency, then the ingest's latency
# at half its peak rate (open loop). Starts and stops everything it uses: a fresh database on the local PostgreSQL,
# its own Kafka broker process, the packaged jar. The load generator is IngestBenchmark with its own lean HTTP/1.1
# client; it reports its own CPU time, shown next to the service's.
#   ingest-service/bench/run-bench.sh
# Environment: BENCH_CLIENTS (16), BENCH_SECONDS (15), BENCH_WARMUP_SECONDS (120), BENCH_APP_JAVA_OPTS (e.g. a JFR recording), BENCH_GEN_JAVA_OPTS (the load generator's), BENCH_PG_HOST/PORT/USER (127.0.0.1/5432/postgres),
#              BENCH_HTTP_PORT (18080), BENCH_MANAGEMENT_PORT (19080, the actuator), FORGESYNC_KAFKA_PORT (19092), FORGESYNC_KAFKA_CONTROLLER_PORT (19093).
set -euo pipefail
MODULE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROOT="$(cd "$MODULE/.." && pwd)"
CLIENTS="${BENCH_CLIENTS:-16}"
SECONDS_PER_PHASE="${BENCH_SECONDS:-15}"
PG_HOST="${BENCH_PG_HOST:-127.0.0.1}"
PG_PORT="${BENCH_PG_PORT:-5432}"
PG_USER="${BENCH_PG_USER:-postgres}"
HTTP_PORT="${BENCH_HTTP_PORT:-18080}"
MANAGEMENT_PORT="${BENCH_MANAGEMENT_PORT:-19080}"
export FORGESYNC_KAFKA_PORT="${FORGESYNC_KAFKA_PORT:-19092}"
export FORGESYNC_KAFKA_CONTROLLER_PORT="${FORGESYNC_KAFKA_CONTROLLER_PORT:-19093}"
export FORGESYNC_STATE_DIR="$MODULE/target/bench-state"
DB="fs_bench_$(date +%s)"
JDBC="jdbc:postgresql://$PG_HOST:$PG_PORT/$DB"
SECRET="bench-secret-$(date +%s%N)"
WORK="$MODULE/target/bench"
APP_PID=""
mkdir -p "$WORK" "$FORGESYNC_STATE_DIR"

log() { printf '[bench] %s\n' "$*" >&2; }
cleanup() {
  if [ -n "$APP_PID" ] && kill -0 "$APP_PID" 2>/dev/null; then
    kill "$APP_PID"; wait "$APP_PID" 2>/dev/null || true; log "ingest-service stopped"
  fi
  "$ROOT/infra/bin/kafka.sh" stop || true
  psql -q -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1 || true
  log "database $DB dropped"
}
trap cleanup EXIT

log "building the jar and the load generator"
# Two runs: with `package test-compile dependency:build-classpath` in one run the repackaged jar came out without
# common-schema (so without the Flyway migrations) and every webhook failed.
# The old jar is removed first: when only a dependency (common-schema's migrations, say) changed, the jar plugin
# found ingest-service's own jar up to date and Boot's repackage skipped an already repackaged jar, so the bench ran
# with stale nested libraries.
rm -f "$MODULE"/target/ingest-service-*.jar "$MODULE"/target/ingest-service-*.jar.original
(cd "$ROOT" && ./mvnw -q -B -pl ingest-service -am -DskipTests package)
(cd "$ROOT" && ./mvnw -q -B -pl ingest-service -am -DskipTests test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt)
JAR=$(compgen -G "$MODULE/target/ingest-service-*.jar" | head -n 1)   # the pattern leaves *.jar.original out
BENCH_CP="$MODULE/target/test-classes:$(cat "$MODULE/target/bench-classpath.txt")"
# cpu_seconds PID...: user+system CPU seconds used so far by these processes.
cpu_seconds() {
  local ticks=0 pid
  for pid in "$@"; do
    [ -r "/proc/$pid/stat" ] && ticks=$((ticks + $(awk '{ print $14 + $15 }' "/proc/$pid/stat")))
  done
  awk "BEGIN { printf \"%.1f\", $ticks / $(getconf CLK_TCK) }"
}
bench() { java -Xmx512m -cp "$BENCH_CP" dev.forgesync.ingest.bench.IngestBenchmark "$@"; }
# The HTTP modes share the 2 cores with what they measure: C1 only and the serial collector take about a third off
# the generator's JVM start-up and JIT CPU (~1.8 -> ~1.2 s per run); its request loop needs no C2 at a few hundred/s.
read -r -a GEN_JAVA_OPTS <<<"${BENCH_GEN_JAVA_OPTS:-}"
read -r -a APP_JAVA_OPTS <<<"${BENCH_APP_JAVA_OPTS:-}"
bench_http() { java -Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC "${GEN_JAVA_OPTS[@]}" -cp "$BENCH_CP" dev.forgesync.ingest.bench.IngestBenchmark "$@"; }

log "fresh database $DB"
psql -q -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres -c "CREATE DATABASE $DB"

log "Kafka broker on 127.0.0.1:$FORGESYNC_KAFKA_PORT"
"$ROOT/infra/bin/kafka.sh" start

log "ingest-service on :$HTTP_PORT"
SPRING_DATASOURCE_URL="$JDBC" SPRING_DATASOURCE_USERNAME="$PG_USER" SPRING_DATASOURCE_PASSWORD="" \
SPRING_KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:$FORGESYNC_KAFKA_PORT" SERVER_PORT="$HTTP_PORT" \
MANAGEMENT_SERVER_PORT="$MANAGEMENT_PORT" FORGESYNC_WEBHOOK_SECRET="$SECRET" LOGGING_LEVEL_DEV_FORGESYNC=WARN \
  java -Xmx512m "${APP_JAVA_OPTS[@]}" -jar "$JAR" > "$WORK/ingest.log" 2>&1 &
APP_PID=$!
HEALTHY=""
for _ in $(seq 1 600); do
  curl -fs "http://127.0.0.1:$MANAGEMENT_PORT/actuator/health" >/dev/null 2>&1 && { HEALTHY=yes; break; }
  kill -0 "$APP_PID" 2>/dev/null || { tail -50 "$WORK/ingest.log"; exit 1; }
  sleep 0.1
done
[ -n "$HEALTHY" ] || { log "ingest-service not healthy after 60s"; tail -50 "$WORK/ingest.log"; exit 1; }
# Flyway runs before the web server answers; phase 1 copies webhook_events' shape, so check the schema is there.
MIGRATED=$(psql -tA -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d "$DB" -c "SELECT to_regclass('public.webhook_events') IS NOT NULL")
[ "$MIGRATED" = "t" ] || { log "ingest-service is up but webhook_events does not exist: migrations did not run"; exit 1; }
URL="http://127.0.0.1:$HTTP_PORT/webhooks/github"

# checkpoint: each phase starts without the previous phase's checkpoint debt (the raw phases write about 0.5 GB of
# WAL; left alone, the checkpoint it triggers lands in the ingest's phases and stalls their commits), and with the
# vacuum and statistics autovacuum would have provided: a fresh database, and PostgreSQL here may run with
# autovacuum off (this machine's CI configuration does).
checkpoint() { psql -q -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d "$DB" -c "VACUUM (ANALYZE)" -c "CHECKPOINT"; }
checkpoint
log "phase 1a: raw single-row INSERT commits at $CLIENTS clients into a webhook_events-like table (${SECONDS_PER_PHASE}s)"
RAW=$(bench raw-insert --table like --jdbc-url "$JDBC" --jdbc-user "$PG_USER" --clients "$CLIENTS" --seconds "$SECONDS_PER_PHASE" | grep '^RESULT')
checkpoint
log "phase 1b: raw single-row INSERT commits at $CLIENTS clients into a copy of webhook_events (${SECONDS_PER_PHASE}s)"
RAW_REAL=$(bench raw-insert --table real --jdbc-url "$JDBC" --jdbc-user "$PG_USER" --clients "$CLIENTS" --seconds "$SECONDS_PER_PHASE" | grep '^RESULT')
RAW_REAL_INDEXES=$(psql -tA -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d "$DB" -c "SELECT COUNT(*) FROM pg_indexes WHERE tablename = 'bench_raw_webhook_events'")
checkpoint
# 120 s: the service is measured in its steady state. With 20 s, C2 was still compiling through the peak phase
# (JFR: 9.6 s of compilations of 100 ms or more within 30 s; perf: the compiler threads at 12% of the machine after
# a 60 s warm-up); after 120 s, 0.5 s within 20 s.
log "warm-up (${BENCH_WARMUP_SECONDS:-120}s)"
bench_http peak --url "$URL" --secret "$SECRET" --clients "$CLIENTS" --seconds "${BENCH_WARMUP_SECONDS:-120}" --run-id warm >/dev/null
checkpoint
log "phase 2: ingest peak at $CLIENTS clients (${SECONDS_PER_PHASE}s)"
read -r KAFKA_PID _ < "$FORGESYNC_STATE_DIR/kafka/kafka.pid"   # "PID START" (infra/bin/common.sh)
read -r -a PG_PIDS <<<"$(pgrep -u postgres -d ' ' postgres || true)"
CPU_BEFORE="$(cpu_seconds "$APP_PID") $(cpu_seconds "$KAFKA_PID") $(cpu_seconds "${PG_PIDS[@]}")"
WALL_BEFORE=$(date +%s.%N)
PEAK=$(bench_http peak --url "$URL" --secret "$SECRET" --clients "$CLIENTS" --seconds "$SECONDS_PER_PHASE" --run-id peak | grep '^RESULT')
WALL_AFTER=$(date +%s.%N)
CPU_AFTER="$(cpu_seconds "$APP_PID") $(cpu_seconds "$KAFKA_PID") $(cpu_seconds "${PG_PIDS[@]}")"
log "$RAW"; log "$RAW_REAL"; log "$PEAK"
# The generator's CPU is its whole process (JVM start, signing the bodies, the loop), the same window as the others;
# generator_loop_cpu_s is the measured loop alone.
GEN_CPU=$(sed -E 's/.*generator_cpu_s=([0-9.]+).*/\1/' <<<"$PEAK")
GEN_LOOP_CPU=$(sed -E 's/.*generator_loop_cpu_s=([0-9.]+).*/\1/' <<<"$PEAK")
CPU_USE=$(awk -v b="$CPU_BEFORE" -v a="$CPU_AFTER" -v g="$GEN_CPU" -v gl="$GEN_LOOP_CPU" -v w0="$WALL_BEFORE" -v w1="$WALL_AFTER" \
  -v cores="$(nproc)" 'BEGIN { split(b, x, " "); split(a, y, " ");
  printf "ingest %.1fs, kafka %.1fs, postgres %.1fs, load generator %.1fs (%.1fs of it in the measured loop); %d cores x %.1fs wall",
    y[1]-x[1], y[2]-x[2], y[3]-x[3], g, gl, cores, w1-w0 }')
RAW_RATE=$(sed -E 's/.*commits_per_s=([0-9.]+).*/\1/' <<<"$RAW")
RAW_REAL_RATE=$(sed -E 's/.*commits_per_s=([0-9.]+).*/\1/' <<<"$RAW_REAL")
PEAK_RATE=$(sed -E 's/.*accepted_per_s=([0-9.]+).*/\1/' <<<"$PEAK")
PEAK_ACCEPTED=$(sed -E 's/.* accepted=([0-9]+).*/\1/' <<<"$PEAK")
HALF=$(awk "BEGIN { printf \"%.1f\", $PEAK_RATE / 2 }")
checkpoint
log "phase 3: ingest latency, open loop at $HALF/s (${SECONDS_PER_PHASE}s)"
LAT=$(bench_http latency --url "$URL" --secret "$SECRET" --rate "$HALF" --seconds "$SECONDS_PER_PHASE" --run-id lat | grep '^RESULT')
log "$LAT"
LAT_ACCEPTED=$(sed -E 's/.* accepted=([0-9]+).*/\1/' <<<"$LAT")
STORED_PEAK=$(bench verify --jdbc-url "$JDBC" --jdbc-user "$PG_USER" --run-id peak | sed -E 's/.*stored_rows=([0-9]+).*/\1/')
STORED_LAT=$(bench verify --jdbc-url "$JDBC" --jdbc-user "$PG_USER" --run-id lat | sed -E 's/.*stored_rows=([0-9]+).*/\1/')
# Group commit at work: deliveries per transaction over the whole run (warm-up, peak and latency phases).
BATCHES=$(curl -fs "http://127.0.0.1:$MANAGEMENT_PORT/actuator/prometheus" | awk '
  /^forgesync_store_batch_size_count/ { count = $2 } /^forgesync_store_batch_size_sum/ { sum = $2 }
  /^forgesync_store_batch_size_max/ { max = $2 }
  END { if (count > 0) printf "%d transactions, %.1f deliveries each on average, %d at most (the last minute)", count, sum / count, max }')
UNPUBLISHED=$(psql -tA -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d "$DB" -c "SELECT COUNT(*) FROM webhook_events WHERE processed = FALSE")

echo
echo "== forgesync ingest benchmark ($(date -u +%FT%TZ), $(nproc) cores, clients=$CLIENTS, ${SECONDS_PER_PHASE}s per phase)"
echo "raw INSERT commits/s (webhook_events-like table, 2 indexes):  $RAW_RATE"
echo "raw INSERT commits/s (webhook_events itself: same indexes):   $RAW_REAL_RATE   ($RAW_REAL_INDEXES indexes)"
echo "ingest accepted webhooks/s:                                   $PEAK_RATE"
echo "ratio ingest/raw (webhook_events-like table, 2 indexes):      $(awk "BEGIN { printf \"%.2f\", $PEAK_RATE / $RAW_RATE }")   (goal >= 0.5)"
echo "ratio ingest/raw (webhook_events itself: same indexes):       $(awk "BEGIN { printf \"%.2f\", $PEAK_RATE / $RAW_REAL_RATE }")"
echo "latency at $HALF/s (open loop): $(sed -E 's/.*(p50_ms=[0-9.]+ p99_ms=[0-9.]+ p999_ms=[0-9.]+ max_ms=[0-9.]+).*/\1/' <<<"$LAT")   (goal p99 <= 50 ms)"
echo "CPU used during the peak phase: $CPU_USE"
echo "group commit: ${BATCHES:-not available}"
echo "durability: peak 2xx=$PEAK_ACCEPTED stored=$STORED_PEAK; latency 2xx=$LAT_ACCEPTED stored=$STORED_LAT; rows not yet published=$UNPUBLISHED"
