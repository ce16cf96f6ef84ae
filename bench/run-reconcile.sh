#!/usr/bin/env bash
# Issue 13's benchmarks of the reconcile loop (e2e's ReconcileBenchmark on real processes; not part of ./mvnw verify):
#   bench/run-reconcile.sh sweep    [repositories=10000] [bare repositories=16]
#   bench/run-reconcile.sh latency  [repositories=4] [pushes each=6] [freshness interval s=30]
#   bench/run-reconcile.sh backfill [repositories=1000] [GitHub delay ms=300] [worker counts=1,2,4]
# Figures are printed and appended to e2e/target/reconcile-benchmark.txt; docs/benchmarks.md has the last ones.
# BENCH_NO_BUILD=1 reuses the jars and classes already built; BENCH_JAVA_OPTS="-De2e.kafka.state=target/kafka-state-2"
# gives the broker a folder of its own (copy the first one's kafka/libs into it) to run beside another pipeline. Needs the local PostgreSQL on 127.0.0.1:5432.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VERSION=0.1.0-SNAPSHOT
cd "$ROOT"
if [ -z "${BENCH_NO_BUILD:-}" ]; then
  # Old jars first: Boot's repackage skips an already repackaged jar.
  rm -f ingest-service/target/ingest-service-*.jar* control-service/target/control-service-*.jar* sync-worker/target/sync-worker-*.jar*
  ./mvnw -q -B -o -pl e2e -am -DskipTests -Dforgesync.image.skip=true package
fi
read -r -a java_opts <<<"${BENCH_JAVA_OPTS:-}"
cd e2e
exec java -Xmx2g "${java_opts[@]}" -De2e.ingest.jar="${BENCH_INGEST_JAR:-$ROOT/ingest-service/target/ingest-service-$VERSION.jar}" \
  -De2e.worker.jar="${BENCH_WORKER_JAR:-$ROOT/sync-worker/target/sync-worker-$VERSION.jar}" \
  -De2e.control.jar="${BENCH_CONTROL_JAR:-$ROOT/control-service/target/control-service-$VERSION.jar}" \
  -cp "target/test-classes:$(cat target/e2e.classpath)" dev.forgesync.e2e.ReconcileBenchmark "$@"
