#!/usr/bin/env bash
# Vault mode vs exact mode on syncs without force-pushes (not a test), interleaved in one run.
# Usage: sync-worker/bench/run-vault-bench.sh [commits=2000] [branches=20] [rounds=7]
# Prints one table: medians per sync of wall time, the syncing thread's CPU, the process CPU and the requests each
# stand-in received, for exact, vault and vault/exact, with the load average before and after.
set -euo pipefail
cd "$(dirname "$0")/../.."
cp_file="$PWD/sync-worker/target/bench.classpath"
# -am so test-support and common-schema resolve from the reactor (never mvn install); the last module written is
# sync-worker's, so the file holds its test classpath.
./mvnw -q -B -o -pl sync-worker -am -DskipTests test-compile dependency:build-classpath \
  -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=test
java -Xmx1g -cp "sync-worker/target/test-classes:sync-worker/target/classes:$(cat "$cp_file")" \
  dev.forgesync.worker.bench.VaultBenchmark "${1:-2000}" "${2:-20}" "${3:-7}"
