#!/usr/bin/env bash
# Runs a forgesync image tarball (Jib's `docker save` format) without a container engine, to prove it works where
# no Docker daemon exists: unpacks its layers in order into a root file system and starts its entrypoint there with
# chroot, as the image's user, on this machine's network, with the environment given as NAME=VALUE arguments.
#   infra/images/run-image.sh IMAGE.tar [NAME=VALUE ...]      (root only; Ctrl-C or SIGTERM stops it)
# SIGTERM and SIGINT are passed on to the service as SIGTERM, and the script waits for it to finish its graceful
# shutdown before it unmounts /proc and /dev and deletes the root file system (never through a live mount).
set -euo pipefail
# shellcheck source=../bin/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../bin/common.sh"
umask 022   # the root file system is for the image's user too (the unpacking folder itself is mktemp's 0700)
IMAGE="${1:?usage: run-image.sh IMAGE.tar [NAME=VALUE ...]}"; shift
[ "$(id -u)" = 0 ] || die "chroot needs root"
ROOT="$(mktemp -d "${TMPDIR:-/tmp}/forgesync-image.XXXXXX")"
cleanup() { stop_child; wait_child || true; remove_tree "$ROOT" || true; }
trap cleanup EXIT
tar -C "$ROOT" -xf "$IMAGE" manifest.json config.json 2>/dev/null || tar -C "$ROOT" -xf "$IMAGE" manifest.json
mkdir -p "$ROOT/rootfs"
# Layers in manifest order (a later layer overwrites an earlier one's files).
layers=$(sed -e 's/.*"Layers":\[//' -e 's/\].*//' -e 's/"//g' -e 's/,/\n/g' "$ROOT/manifest.json")
while read -r layer; do
  tar -xOf "$IMAGE" "$layer" | { if [[ "$layer" == *.gz ]]; then gunzip; else cat; fi; } | tar -C "$ROOT/rootfs" -x --no-same-owner
done <<<"$layers"
config=$(tar -xOf "$IMAGE" "$(sed -e 's/.*"Config":"//' -e 's/".*//' "$ROOT/manifest.json")")
entrypoint=$(printf '%s' "$config" | sed -e 's/.*"Entrypoint":\[//' -e 's/\].*//' -e 's/","/\n/g' -e 's/"//g')
user=$(printf '%s' "$config" | sed -n 's/.*"User":"\([^"]*\)".*/\1/p')
image_env=$(printf '%s' "$config" | sed -e 's/.*"Env":\[//' -e 's/\].*//' -e 's/","/\n/g' -e 's/"//g')
mkdir -p "$ROOT/rootfs/proc" "$ROOT/rootfs/dev" "$ROOT/rootfs/tmp"
chmod 1777 "$ROOT/rootfs/tmp"
mount -t proc proc "$ROOT/rootfs/proc"
mount --bind /dev "$ROOT/rootfs/dev"
cp /etc/resolv.conf "$ROOT/rootfs/etc/resolv.conf" 2>/dev/null || true
mapfile -t argv <<<"$entrypoint"
mapfile -t envv <<<"$image_env"
log "running $(basename "$IMAGE") as ${user:-root}: ${argv[*]}"
# --userspec drops to the image's user; env -i gives the process only the image's and the caller's variables.
# run_child: signals are passed on to the service, and the clean-up waits for it.
run_child chroot --userspec="${user:-0:0}" "$ROOT/rootfs" /usr/bin/env -i "${envv[@]}" HOME=/tmp "$@" "${argv[@]}"
