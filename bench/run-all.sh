#!/usr/bin/env bash
# Every forgesync benchmark in one run, and the report: ingest-service (ingest-service/bench/run-bench.sh),
# sync-worker (sync-worker/bench/run-bench.sh) and end to end (e2e's EndToEndBenchmark on the real pipeline).
# Prints the tables and writes docs/benchmarks.md (the latest report, machine described).
#   bench/run-all.sh
# Environment: BENCH_WORKER_COMMITS (3000) and BENCH_WORKER_RUNS (3) for the worker benchmark;
#              BENCH_E2E_ARGS ("50 24 3 300 3": small pushes, large MiB, large runs, slow-remote delay ms,
#              repositories per partition); BENCH_ONLY (all | ingest | worker | e2e); the ingest benchmark's own
#              BENCH_* variables (see its script). Needs the local PostgreSQL on 127.0.0.1:5432 and free ports.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/target/bench"
ONLY="${BENCH_ONLY:-all}"
VERSION=0.1.0-SNAPSHOT
mkdir -p "$OUT"
cd "$ROOT"
log() { printf '[bench] %s\n' "$*" >&2; }
started=$(date +%s)
machine() {
  echo "- date: $(date -u +%FT%TZ)"
  echo "- cpu: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
  echo "- memory: $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
  echo "- load average at start: $(cut -d' ' -f1-3 /proc/loadavg) (the machine is shared; figures move with it)"
  echo "- java: $(java -version 2>&1 | head -n 2 | tr '\n' ' ')"
  echo "- git: $(git --version), kernel $(uname -r)"
}
MACHINE="$(machine)"

log "building the service jars and the e2e benchmark classes"
# Old jars first: Boot's repackage skips an already repackaged jar, so a dependency-only change left them stale.
rm -f ingest-service/target/ingest-service-*.jar* control-service/target/control-service-*.jar* sync-worker/target/sync-worker-*.jar*
./mvnw -q -B -pl e2e -am -DskipTests package

if [ "$ONLY" = all ] || [ "$ONLY" = ingest ]; then
  log "ingest-service benchmark"
  ingest-service/bench/run-bench.sh 2> "$OUT/ingest.err" | tee "$OUT/ingest.txt"
fi
if [ "$ONLY" = all ] || [ "$ONLY" = worker ]; then
  log "sync-worker benchmark"
  sync-worker/bench/run-bench.sh "${BENCH_WORKER_COMMITS:-3000}" "${BENCH_WORKER_RUNS:-3}" 2> "$OUT/worker.err" | tee "$OUT/worker.txt"
fi
if [ "$ONLY" = all ] || [ "$ONLY" = e2e ]; then
  log "end-to-end benchmark"
  # shellcheck disable=SC2086
  (cd e2e && java -Xmx1g -De2e.ingest.jar="$ROOT/ingest-service/target/ingest-service-$VERSION.jar" \
    -De2e.worker.jar="$ROOT/sync-worker/target/sync-worker-$VERSION.jar" \
    -De2e.control.jar="$ROOT/control-service/target/control-service-$VERSION.jar" \
    -cp "target/test-classes:$(cat target/e2e.classpath)" dev.forgesync.e2e.EndToEndBenchmark \
    "$OUT/e2e.md" ${BENCH_E2E_ARGS:-50 24 3 300 3}) 2> "$OUT/e2e.err" | tee "$OUT/e2e.txt"
fi

section() { # section TITLE FILE: the file's text in a code block, or a note that the part did not run
  echo "### $1"
  echo
  if [ -s "$2" ]; then echo '```'; cat "$2"; echo '```'; else echo "(not run in this report)"; fi
  echo
}
sed -n '/^== forgesync ingest benchmark/,$p' "$OUT/ingest.txt" > "$OUT/ingest-summary.txt" 2>/dev/null || true
{
  echo "# forgesync benchmarks"
  echo
  echo "The latest report of \`bench/run-all.sh\` ($(( ($(date +%s) - started) / 60 )) min). Each ratio is against a baseline"
  echo "measured in the same run on the same machine."
  echo
  echo "## Machine"
  echo
  echo "$MACHINE"
  echo
  echo "## Results"
  echo
  section "ingest-service (ingest-service/bench/run-bench.sh)" "$OUT/ingest-summary.txt"
  section "sync-worker (sync-worker/bench/run-bench.sh ${BENCH_WORKER_COMMITS:-3000} ${BENCH_WORKER_RUNS:-3})" "$OUT/worker.txt"
  if [ -s "$OUT/e2e.md" ]; then cat "$OUT/e2e.md"; else echo "### End to end"; echo; echo "(not run in this report)"; fi
} > docs/benchmarks.md
log "report written to docs/benchmarks.md"
