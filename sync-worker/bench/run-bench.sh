#!/usr/bin/env bash
# The sync-worker benchmark (not a test): the worker's mirror code vs the git command line, fetch and push apart,
# over smart HTTP through the same GitHub and OneDev stand-ins (run in a JVM of their own).
# Usage: [BENCH_REPO=<bare git dir>] sync-worker/bench/run-bench.sh [commits=3000] [runs=3]
#   BENCH_REPO         a real bare repository to serve (read only; see docs/benchmarks.md), else one is generated
#   BENCH_JAVA_OPTS    the worker JVM's options (default: sync-worker/jvm.options, the flags every worker runs with)
#   BENCH_WARMUP       unmeasured first mirrors before the measured ones (default 1)
#   BENCH_SERVER_HEAP  heap of the stand-ins' JVM (default 3g)
set -euo pipefail
cd "$(dirname "$0")/../.."
cp_file="$PWD/sync-worker/target/bench.classpath"
# -am so test-support and common-schema resolve from the reactor (never mvn install); the last module written is
# sync-worker's, so the file holds its test classpath.
./mvnw -q -B -o -pl sync-worker -am -DskipTests test-compile dependency:build-classpath \
  -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=test
read -r -a java_opts <<<"${BENCH_JAVA_OPTS:-@sync-worker/jvm.options}"
java "${java_opts[@]}" -cp "sync-worker/target/test-classes:sync-worker/target/classes:$(cat "$cp_file")" \
  dev.forgesync.worker.bench.MirrorBenchmark "${1:-3000}" "${2:-3}"
