#!/usr/bin/env bash
# Builds the services' base image without a Docker daemon or registry: a Debian bookworm root file system with
# OpenJDK 17 (JRE, headless) from Debian's packages (debootstrap, run as root), packed as a `docker save` archive
# that Jib takes as its base (`-Dforgesync.image.base=tar://<archive>`).
#   infra/images/build-base-image.sh [ARCHIVE]     (default .forgesync/images/java17-base.tar)
# Where a registry is reachable this is not needed: the default base is eclipse-temurin:17-jre.
set -euo pipefail
# shellcheck source=../bin/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../bin/common.sh"
umask 022   # the image's files are for its user too (it holds no secret); the work folder is mktemp's 0700

ARCHIVE="${1:-$FORGESYNC_STATE_DIR/images/java17-base.tar}"
MIRROR="${FORGESYNC_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
[ -s "$ARCHIVE" ] && { log "base image already built: $ARCHIVE"; exit 0; }
[ "$(id -u)" = 0 ] || die "debootstrap needs root"
command -v debootstrap >/dev/null || { apt-get update -qq >&2; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >&2; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/forgesync-base.XXXXXX")"
# debootstrap and chroot run through run_child, so the clean-up waits for them; remove_tree never deletes through
# a mount (debootstrap mounts /proc and /sys in the new root while it works).
trap 'stop_child; wait_child || true; remove_tree "$WORK" || true' EXIT
ROOTFS="$WORK/rootfs"
log "debootstrap bookworm (minbase + openjdk-17-jre-headless) into $ROOTFS; a few minutes"
run_child debootstrap --variant=minbase --include=openjdk-17-jre-headless,ca-certificates bookworm "$ROOTFS" "$MIRROR" \
  >"$WORK/debootstrap.log" 2>&1 || { tail -20 "$WORK/debootstrap.log" >&2; die "debootstrap failed"; }
# The sync-worker's mirror cache: compose mounts a volume here, and a new volume takes the folder's owner and mode from
# the image. The worker runs as nobody (65534, Jib's <user>) and uses only a cache folder it owns (rwx------); Jib cannot
# set an owner, so the base carries the folder.
install -d -o 65534 -g 65534 -m 700 "$ROOTFS/var/cache/forgesync"
# Smaller and deterministic enough: no apt lists, caches or docs.
rm -rf "$ROOTFS"/var/lib/apt/lists/* "$ROOTFS"/var/cache/apt/* "$ROOTFS"/usr/share/doc/* "$ROOTFS"/usr/share/man/* "$ROOTFS"/tmp/*
mount -t proc proc "$ROOTFS/proc"
run_child chroot "$ROOTFS" java -version >"$WORK/java-check.log" 2>&1 \
  || { umount "$ROOTFS/proc"; die "java does not run in the new root file system: $(cat "$WORK/java-check.log")"; }
umount "$ROOTFS/proc"
getent_uid=$(chroot "$ROOTFS" sh -c 'id -u nobody' 2>/dev/null || echo 65534)

IMG="$WORK/image"
mkdir -p "$IMG"
tar --numeric-owner -C "$ROOTFS" -cf "$IMG/layer.tar" .
diff_id=$(sha256sum "$IMG/layer.tar" | cut -d' ' -f1)
mkdir -p "$IMG/$diff_id"
mv "$IMG/layer.tar" "$IMG/$diff_id/layer.tar"
java_home=$(dirname "$(dirname "$(readlink -f "$ROOTFS/usr/bin/java" | sed "s#^$ROOTFS##")")")
java_home=${java_home#"$ROOTFS"}
cat > "$IMG/config.json" <<JSON
{"architecture":"amd64","os":"linux",
 "config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","JAVA_HOME=$java_home","LANG=C.UTF-8"],"Cmd":["java","-version"]},
 "rootfs":{"type":"layers","diff_ids":["sha256:$diff_id"]},
 "history":[{"created_by":"infra/images/build-base-image.sh: debootstrap bookworm minbase + openjdk-17-jre-headless"}]}
JSON
config_id=$(sha256sum "$IMG/config.json" | cut -d' ' -f1)
mv "$IMG/config.json" "$IMG/$config_id.json"
printf '[{"Config":"%s.json","RepoTags":["forgesync/java17-base:bookworm"],"Layers":["%s/layer.tar"]}]\n' "$config_id" "$diff_id" > "$IMG/manifest.json"
mkdir -p "$(dirname "$ARCHIVE")"
tar -C "$IMG" -cf "$ARCHIVE.partial" manifest.json "$config_id.json" "$diff_id/layer.tar"
mv "$ARCHIVE.partial" "$ARCHIVE"
log "base image forgesync/java17-base:bookworm written to $ARCHIVE ($(du -h "$ARCHIVE" | cut -f1), JAVA_HOME=$java_home, nobody uid $getent_uid)"
