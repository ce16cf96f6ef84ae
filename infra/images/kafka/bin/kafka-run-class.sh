#!/bin/bash
# kafka-run-class.sh CLASS ARGS...: a Kafka class on the image's jars, like the official script. The broker
# (kafka.Kafka) logs INFO to stdout and takes KAFKA_HEAP_OPTS (default 1 GB); the tools log warnings to stderr.
set -euo pipefail
class=$1; shift
if [ "$class" = kafka.Kafka ]; then
  heap=${KAFKA_HEAP_OPTS:--Xms1G -Xmx1G}
  log4j=${KAFKA_LOG4J_OPTS:--Dlog4j2.configurationFile=/opt/kafka/config/log4j2.properties}
else
  heap="-Xmx256m"
  log4j="-Dlog4j2.configurationFile=/opt/kafka/config/log4j2-tools.properties"
fi
# shellcheck disable=SC2086 # the option variables hold several words, as in Kafka's own scripts
exec java $heap $log4j ${KAFKA_JVM_PERFORMANCE_OPTS:-} ${KAFKA_OPTS:-} -cp '/opt/kafka/libs/*' "$class" "$@"
