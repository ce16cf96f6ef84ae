#!/usr/bin/env bash
# The sync-worker benchmark (not a test): worker mirror code vs git clone --mirror + git push --mirror over HTTP.
# Usage: sync-worker/bench/run-bench.sh [commits=3000] [runs=3]
set -euo pipefail
cd "$(dirname "$0")/../.."
cp_file="$PWD/sync-worker/target/bench.classpath"
# -am so test-support and common-schema resolve from the reactor (never mvn install); the last module written is
# sync-worker's, so the file holds its test classpath.
./mvnw -q -B -pl sync-worker -am -DskipTests test-compile dependency:build-classpath \
  -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=test
java -Xmx1g -cp "sync-worker/target/test-classes:sync-worker/target/classes:$(cat "$cp_file")" \
  dev.forgesync.worker.bench.MirrorBenchmark "${1:-3000}" "${2:-3}"
