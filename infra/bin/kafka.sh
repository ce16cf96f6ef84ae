#!/usr/bin/env bash
# A real Kafka broker process (KRaft, combined broker+controller, on 127.0.0.1) from Maven Central's jars.
#   infra/bin/kafka.sh start|stop|status|run-class CLASS ARGS...
# Environment: FORGESYNC_KAFKA_PORT (9092), FORGESYNC_KAFKA_CONTROLLER_PORT (9093), FORGESYNC_KAFKA_HEAP (512m),
#              FORGESYNC_SYNC_PARTITIONS (24: the partitions of a topic the broker creates on first use),
#              FORGESYNC_STATE_DIR (<project>/.forgesync; the broker lives in its kafka/ folder).
set -euo pipefail
# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

PORT="${FORGESYNC_KAFKA_PORT:-9092}"
CONTROLLER_PORT="${FORGESYNC_KAFKA_CONTROLLER_PORT:-9093}"
HEAP="${FORGESYNC_KAFKA_HEAP:-512m}"
HOME_DIR="$FORGESYNC_STATE_DIR/kafka"
LIBS="$HOME_DIR/libs"
DATA="$HOME_DIR/data"
CONF="$HOME_DIR/server.properties"
PID="$HOME_DIR/kafka.pid"
LOG="$HOME_DIR/kafka.log"

fetch_jars() {
  if compgen -G "$LIBS/kafka_2.13-*.jar" >/dev/null; then return 0; fi
  log "fetching the Kafka broker jars with Maven (once)"
  mkdir -p "$LIBS"
  mvn_cmd -q -B -f "$FORGESYNC_ROOT/infra/pom.xml" dependency:copy-dependencies -Dforgesync.noTestDeps \
    -DincludeScope=runtime -DoutputDirectory="$LIBS" >&2 || die "could not fetch the Kafka jars"
}

run_class() {
  fetch_jars
  java -Xmx256m -Dlog4j2.configurationFile="$FORGESYNC_ROOT/infra/kafka/log4j2.properties" -cp "$LIBS/*" "$@"
}

write_config() {
  mkdir -p "$DATA"
  cat > "$CONF" <<CONF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$DATA
num.partitions=${FORGESYNC_SYNC_PARTITIONS:-24}
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
log.retention.hours=336
CONF
}

# A cluster id as `kafka-storage.sh random-uuid` prints it (16 random bytes, URL-safe base64 without padding, never
# starting with "-"), made here instead of in a JVM of its own: a second off every fresh broker (each e2e class starts one).
random_cluster_id() {
  local id
  while :; do
    id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')
    [ "${id:0:1}" != "-" ] && break
  done
  echo "$id"
}

format_storage() {
  [ -f "$DATA/meta.properties" ] && return 0
  local id
  id=$(random_cluster_id)
  run_class kafka.tools.StorageTool format -t "$id" -c "$CONF" >/dev/null
  log "formatted broker storage in $DATA (cluster id $id)"
}

start() {
  if pid_alive "$PID"; then log "Kafka already running (pid $(pid_of "$PID")) on 127.0.0.1:$PORT"; return 0; fi
  if port_open 127.0.0.1 "$PORT"; then die "port $PORT is taken by another process; set FORGESYNC_KAFKA_PORT"; fi
  fetch_jars
  write_config
  format_storage
  # The broker logs to $LOG through a rolling appender (log4j2-broker.properties); kafka.out keeps what the JVM prints.
  nohup java -Xms"$HEAP" -Xmx"$HEAP" -Dlog4j2.configurationFile="$FORGESYNC_ROOT/infra/kafka/log4j2-broker.properties" \
    -Dforgesync.kafka.log="$LOG" -cp "$LIBS/*" kafka.Kafka "$CONF" >"$HOME_DIR/kafka.out" 2>&1 &
  write_pid "$PID" $!
  wait_for_port 127.0.0.1 "$PORT" 90 "Kafka (log: $LOG)"
  log "Kafka running (pid $(pid_of "$PID")) on 127.0.0.1:$PORT, log $LOG"
}

case "${1:-}" in
  start) start ;;
  stop) stop_pid "$PID" Kafka 30 ;;
  status) if pid_alive "$PID"; then echo "running pid $(pid_of "$PID") 127.0.0.1:$PORT"; else echo "stopped"; exit 3; fi ;;
  run-class) shift; run_class "$@" ;;
  *) echo "usage: $0 start|stop|status|run-class CLASS ARGS..." >&2; exit 2 ;;
esac
