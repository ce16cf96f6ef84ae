#!/usr/bin/env bash
# A Docker engine and a compose CLI on this machine, from Debian's packages: installs them when missing, starts
# dockerd when it is not running, and waits until `docker info` answers. Fast when everything is there already.
#   infra/bin/docker-up.sh                 (root only when something must be installed or started)
# Debian bookworm offers the engine as `docker.io` (20.10) and compose only as `docker-compose` (v1, 1.29.2, Python):
# it has no `docker-compose-plugin` or `docker-compose-v2`, so `docker compose` (v2) exists only where Docker's own
# packages are installed; the scripts and tests use `docker compose` when it answers and `docker-compose` otherwise.
# Environment: FORGESYNC_DOCKERD_LOG (default <state dir>/dockerd.log), FORGESYNC_DOCKER_WAIT (seconds, default 60).
set -euo pipefail
# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

WAIT="${FORGESYNC_DOCKER_WAIT:-60}"
DOCKERD_LOG="${FORGESYNC_DOCKERD_LOG:-$FORGESYNC_STATE_DIR/dockerd.log}"

docker_answers() { command -v docker >/dev/null 2>&1 && timeout 10 docker info >/dev/null 2>&1; }
compose_present() {
  { command -v docker >/dev/null 2>&1 && docker compose version >/dev/null 2>&1; } || command -v docker-compose >/dev/null 2>&1
}

if docker_answers && compose_present; then
  log "Docker engine answers ($(docker info --format '{{.ServerVersion}}' 2>/dev/null)), compose: $(command -v docker-compose || echo 'docker compose')"
  exit 0
fi

missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
compose_present || missing+=(docker-compose)
if [ "${#missing[@]}" -gt 0 ]; then
  [ "$(id -u)" = 0 ] || die "installing ${missing[*]} needs root (apt-get install -y ${missing[*]}); run this script as root"
  log "installing ${missing[*]} from Debian"
  apt-get update -qq >&2
  # --no-install-recommends: the engine needs no cgroupfs-mount, git or xz docs; the client already on the machine
  # (/usr/local/bin/docker) stays first on PATH where it exists, and talks to the 20.10 engine at its API version.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 \
    || die "apt-get install ${missing[*]} failed"
fi

if ! docker_answers; then
  [ "$(id -u)" = 0 ] || die "dockerd is not running and only root can start it; run this script as root"
  if pgrep -x dockerd >/dev/null 2>&1; then
    log "dockerd runs but does not answer yet; waiting"
  else
    log "starting dockerd (log: $DOCKERD_LOG)"
    # setsid + nohup: the engine outlives this script and the CI step that ran it; its own pid file is
    # /var/run/docker.pid.
    setsid nohup dockerd >>"$DOCKERD_LOG" 2>&1 < /dev/null &
  fi
  for ((i = 0; i < WAIT * 2; i++)); do
    docker_answers && break
    sleep 0.5
  done
  docker_answers || { tail -20 "$DOCKERD_LOG" >&2 2>/dev/null || true; die "dockerd did not answer within ${WAIT}s"; }
fi
log "Docker engine answers ($(docker info --format '{{.ServerVersion}} {{.Driver}}' 2>/dev/null)), compose: $(command -v docker-compose || echo 'docker compose')"
