#!/usr/bin/env bash
# run-image.sh stopped with SIGTERM while something still holds a file in its /dev bind mount.
#   unshare -mpf --mount-proc bash run-image-sigterm.sh RUN_IMAGE_SH WORK
# Runs in a private mount and PID namespace (all of it vanishes with the namespace). WORK/scratch stands in for the
# host's /dev: it is bound over /dev in this namespace, so run-image.sh bind-mounts it into the image's root file
# system. The image's service (bash) stops 1 s after SIGTERM and then writes /dev/stopped. run-image.sh unpacks into
# WORK/tmp. The test reads WORK afterwards.
set -euo pipefail
script=$1 work=$2
scratch="$work/scratch" image="$work/image" layer="$work/image/layer"
mkdir -p "$scratch" "$layer" "$work/tmp"
echo precious > "$scratch/device-node"
: > "$scratch/null"   # this namespace's /dev/null: a plain file

# The image: env, bash and sleep with their libraries.
for f in /usr/bin/env /usr/bin/bash /usr/bin/sleep $(ldd /usr/bin/env /usr/bin/bash /usr/bin/sleep | grep -o '/[^ ]*\.so[^ ]*'); do
  cp --parents -L "$f" "$layer/"
done
tar -C "$layer" -cf "$image/layer.tar" .
cat > "$image/config.json" <<'JSON'
{"config":{"Env":["PATH=/usr/bin"],"Entrypoint":["/usr/bin/bash","-c","trap 'sleep 1; echo done > /dev/stopped; exit 0' TERM; while :; do sleep 0.1; done"]}}
JSON
echo '[{"Config":"config.json","RepoTags":[],"Layers":["layer.tar"]}]' > "$image/manifest.json"
tar -C "$image" -cf "$work/image.tar" manifest.json config.json layer.tar

mount --bind "$scratch" /dev
TMPDIR="$work/tmp" bash "$script" "$work/image.tar" >"$work/run-image.log" 2>&1 &
runner=$!
for _ in $(seq 300); do
  compgen -G "$work/tmp/forgesync-image.*/rootfs/dev/device-node" >/dev/null && break
  sleep 0.1
done
held=$(compgen -G "$work/tmp/forgesync-image.*/rootfs/dev/device-node")
sleep 0.5   # the service is running
sleep 60 3<"$held" &   # something else still holds a file in the bind mount, so a plain umount fails as busy
holder=$!
kill -TERM "$runner"
wait "$runner" || true
kill "$holder"
