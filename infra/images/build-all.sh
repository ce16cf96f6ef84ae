#!/usr/bin/env bash
# Builds every image docker-compose.yml and the Testcontainers tests use, here, without a registry, and tags each
# with the name the compose file uses, so the same file runs unchanged where the real images can be pulled:
#   forgesync/java17-base:bookworm   Debian bookworm + OpenJDK 17 JRE (build-base-image.sh, debootstrap), the base of all
#   postgres:15                      Debian's postgresql-15 with an entrypoint like the official image's (images/postgres)
#   apache/kafka:4.1.2               a KRaft broker from Maven Central's Kafka 4.1.2 jars (images/kafka)
#   flyway/flyway:11                 Flyway's command line 11.14.1 from Maven Central (images/flyway)
#   forgesync/{ingest-service,sync-worker,control-service}:<version>   Jib, on the base, loaded with `docker load`
# An image already built from the same files is skipped (its label dev.forgesync.context holds their digest); the
# service images are rebuilt from the current code every time (Jib's layers are reproducible: an unchanged service
# loads as the same image). Needs a running engine (infra/bin/docker-up.sh) and root for the base's debootstrap.
#   infra/images/build-all.sh [--no-services]
set -euo pipefail
# shellcheck source=../bin/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../bin/common.sh"
umask 022   # build contexts are read by the image builder; nothing here is secret

IMAGES="$FORGESYNC_ROOT/infra/images"
BASE_ARCHIVE="${FORGESYNC_BASE_IMAGE_ARCHIVE:-$FORGESYNC_STATE_DIR/images/java17-base.tar}"
BASE_TAG=forgesync/java17-base:bookworm
SERVICES=(ingest-service sync-worker control-service)
services=yes
[ "${1:-}" = --no-services ] && services=no

timeout 10 docker info >/dev/null 2>&1 || die "no Docker engine answers; run infra/bin/docker-up.sh first"
started=$SECONDS

# The base: debootstrap once (the archive is kept in the state folder), loaded into the engine when missing.
bash "$IMAGES/build-base-image.sh" "$BASE_ARCHIVE"
if ! docker image inspect "$BASE_TAG" >/dev/null 2>&1; then
  docker load -q -i "$BASE_ARCHIVE" >&2
fi

# context_digest DIR [EXTRA...]: the digest of DIR's files (names and contents) and of the EXTRA strings.
context_digest() {
  local dir=$1; shift
  { (cd "$dir" && find . -type f ! -path './libs/*' -print0 | sort -z | xargs -0 sha256sum); printf '%s\n' "$@"; } \
    | sha256sum | cut -d' ' -f1
}

# build_image TAG DIR [EXTRA...]: docker build DIR as TAG unless TAG was built from the same files (and base).
build_image() {
  local tag=$1 dir=$2; shift 2
  local digest current
  digest=$(context_digest "$dir" "$(docker image inspect -f '{{.Id}}' "$BASE_TAG")" "$@")
  current=$(docker image inspect -f '{{index .Config.Labels "dev.forgesync.context"}}' "$tag" 2>/dev/null || true)
  if [ "$current" = "$digest" ]; then log "$tag: already built"; return 0; fi
  log "$tag: building from $dir"
  # Host networking for the build's apt-get (postgres); --pull=false: the base exists only here.
  docker build -q --network host --label "dev.forgesync.context=$digest" -t "$tag" "$dir" >/dev/null \
    || die "docker build of $tag failed"
}

# copy_jars POM DIR ARGS...: Maven resolves a pom's dependencies into DIR (once; an empty DIR is filled again).
copy_jars() {
  local pom=$1 dir=$2; shift 2
  if compgen -G "$dir/*.jar" >/dev/null; then return 0; fi
  mkdir -p "$dir"
  mvn_cmd -q -B -f "$pom" dependency:copy-dependencies -DoutputDirectory="$dir" "$@" >&2 \
    || die "could not fetch the jars of $pom"
}

# Kafka: the very jars infra/bin/kafka.sh runs (infra's runtime dependencies, Spring Boot's Kafka version).
copy_jars "$FORGESYNC_ROOT/infra/pom.xml" "$IMAGES/kafka/libs" -Dforgesync.noTestDeps -DincludeScope=runtime
build_image apache/kafka:4.1.2 "$IMAGES/kafka" "$(ls "$IMAGES/kafka/libs")"

# Flyway: the command line and its compile-scope dependencies only (its runtime scope brings every database's
# driver and cloud SDK, 270 MB); PostgreSQL support and driver beside it.
copy_jars "$IMAGES/flyway/pom.xml" "$IMAGES/flyway/libs" -DincludeScope=compile
build_image flyway/flyway:11 "$IMAGES/flyway" "$(ls "$IMAGES/flyway/libs")"

build_image postgres:15 "$IMAGES/postgres"

if [ "$services" = yes ]; then
  log "service images with Jib on $BASE_TAG (tar://$BASE_ARCHIVE)"
  modules=$(IFS=,; echo "${SERVICES[*]}")
  mvn_cmd -q -B -Pimages -DskipTests -Dforgesync.image.base="tar://$BASE_ARCHIVE" -pl "$modules" -am package >&2 \
    || die "the Jib build of $modules failed"
  for service in "${SERVICES[@]}"; do
    docker load -q -i "$FORGESYNC_ROOT/$service/target/$service-image.tar" >&2
  done
fi
log "images ready in $((SECONDS - started)) s:"
docker image ls --format '  {{.Repository}}:{{.Tag}} {{.Size}}' \
  | grep -E 'forgesync/|postgres:15|apache/kafka:4.1.2|flyway/flyway:11' >&2 || true
