#!/usr/bin/env bash
# Creates forgesync's topics on the broker, idempotently (--if-not-exists): ./forgesync start runs it after Kafka.
#   forgesync.sync-requests  FORGESYNC_SYNC_PARTITIONS (24, Topics.SYNC_REQUESTS_PARTITIONS) partitions, retention.ms FORGESYNC_SYNC_RETENTION_MS
#                            (1209600000 = 14 days, Topics.SYNC_REQUESTS_RETENTION_MS: longer than GitHub's 3-day
#                            redelivery window, so the topic is the replay source)
# An existing topic is left as it is (partitions are only ever added by hand: adding them moves keys to other
# partitions, see infra/README.md). The retry and dead-letter topics are created by spring-kafka in sync-worker.
# Environment: FORGESYNC_KAFKA_BOOTSTRAP (127.0.0.1:$FORGESYNC_KAFKA_PORT, port default 9092),
#              FORGESYNC_SYNC_PARTITIONS, FORGESYNC_SYNC_RETENTION_MS, FORGESYNC_KAFKA_REPLICATION_FACTOR (1).
set -euo pipefail
# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

BOOTSTRAP="${FORGESYNC_KAFKA_BOOTSTRAP:-127.0.0.1:${FORGESYNC_KAFKA_PORT:-9092}}"
PARTITIONS="${FORGESYNC_SYNC_PARTITIONS:-24}"
RETENTION_MS="${FORGESYNC_SYNC_RETENTION_MS:-1209600000}"
REPLICATION="${FORGESYNC_KAFKA_REPLICATION_FACTOR:-1}"
TOPIC=forgesync.sync-requests

for pair in "FORGESYNC_SYNC_PARTITIONS:$PARTITIONS" "FORGESYNC_SYNC_RETENTION_MS:$RETENTION_MS" "FORGESYNC_KAFKA_REPLICATION_FACTOR:$REPLICATION"; do
  [[ "${pair#*:}" =~ ^[1-9][0-9]*$ ]] || die "${pair%%:*} must be a positive number, got '${pair#*:}'"
done

bash "$(dirname "${BASH_SOURCE[0]}")/kafka.sh" run-class org.apache.kafka.tools.TopicCommand \
  --bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic "$TOPIC" \
  --partitions "$PARTITIONS" --replication-factor "$REPLICATION" \
  --config retention.ms="$RETENTION_MS" --config cleanup.policy=delete >&2 \
  || die "could not create topic $TOPIC on $BOOTSTRAP"
log "topic $TOPIC ready on $BOOTSTRAP ($PARTITIONS partitions when created, retention.ms=$RETENTION_MS)"
