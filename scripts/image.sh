#!/usr/bin/env bash
# `npm run image`: builds the Containerfile with podman, tagged eat-or-yeet:<version> and :dev.
#
# Base images: BASE_IMAGE / RUNTIME_IMAGE / NODE_FROM when set (see the Containerfile); else
# the public node:24-bookworm-slim and debian:bookworm-slim when a registry has them (or they
# are already here); else, with no registry at all, a Debian bookworm made with debootstrap
# from the host's apt mirror (localhost/debian:bookworm-slim, made once and then reused), Node
# from node_modules/node (the project's own Node 24) and the host's npm for the build.
# IMAGE_NAME renames the image; IMAGE_SOURCE sets the source label (default: git's origin).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/image-lib.sh

name=${IMAGE_NAME:-eat-or-yeet}
version=$(image_version)
revision=$(git rev-parse HEAD 2>/dev/null || echo unknown)
[ "$revision" = unknown ] || [ -z "$(git status --porcelain -- Containerfile .dockerignore apps packages package.json package-lock.json 2>/dev/null)" ] ||
  revision="$revision-dirty"
source_url=${IMAGE_SOURCE:-$(git remote get-url origin 2>/dev/null || true)}

public_node=docker.io/library/node:24-bookworm-slim
public_debian=docker.io/library/debian:bookworm-slim
local_debian=localhost/debian:bookworm-slim

if ! command -v podman >/dev/null; then
  echo "image: podman is not installed (Debian: apt-get install podman runc; scripts/image-check.sh installs it)" >&2
  exit 1
fi
image_podman_env

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"

have_or_pull() {
  podman image exists "$1" || timeout 120 podman pull -q "$1" >/dev/null 2>&1
}

# debootstrap's minbase, slimmed as Debian's own -slim images are (no manuals, docs but the
# copyright files, locales, apt lists and caches): ~75 MB.
make_local_debian() {
  if ! command -v debootstrap >/dev/null; then
    echo "image: no registry has $public_node, and debootstrap (to make a base without one) is not installed" >&2
    exit 1
  fi
  local mirror rootfs started=$SECONDS
  mirror=${DEBIAN_MIRROR:-$(awk '$1 == "URIs:" { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)}
  [ -n "$mirror" ] || mirror=$(awk '$1 == "deb" { print $2; exit }' /etc/apt/sources.list 2>/dev/null || true)
  mirror=${mirror:-http://deb.debian.org/debian}
  rootfs=$(mktemp -d)
  echo "== making $local_debian with debootstrap from $mirror (once; reused until removed)"
  if ! $sudo debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$rootfs.log" 2>&1; then
    tail -20 "$rootfs.log" >&2
    $sudo rm -rf "$rootfs" "$rootfs.log"
    echo "image: debootstrap failed" >&2
    exit 1
  fi
  $sudo sh -c "cd '$rootfs' && rm -rf var/cache/apt/*.bin var/cache/apt/archives/*.deb var/lib/apt/lists/* var/log/*.log \
    usr/share/man/* usr/share/info/* usr/share/locale/* usr/share/lintian \
    && find usr/share/doc -type f ! -name copyright -delete && find usr/share/doc -type d -empty -delete"
  $sudo tar -C "$rootfs" -c . | podman import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["/bin/bash"]' - "$local_debian" >/dev/null
  $sudo rm -rf "$rootfs" "$rootfs.log"
  echo "== $local_debian made in $((SECONDS - started)) s"
}

if [ -n "${BASE_IMAGE:-}" ]; then
  base=$BASE_IMAGE
  runtime=${RUNTIME_IMAGE:-$public_debian}
  node_from=${NODE_FROM:-base}
elif have_or_pull "$public_node" && have_or_pull "${RUNTIME_IMAGE:-$public_debian}"; then
  base=$public_node
  runtime=${RUNTIME_IMAGE:-$public_debian}
  node_from=base
else
  echo "== no registry answers for $public_node: building on a local Debian base, Node from node_modules/node"
  podman image exists "$local_debian" || make_local_debian
  base=$local_debian
  runtime=$local_debian
  node_from=context
fi

mounts=()
if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
  # The host's CA bundle, for npm behind a TLS-intercepting proxy: mounted for the build, in no layer.
  mounts+=(-v /etc/ssl/certs/ca-certificates.crt:/run/host-ca.crt:ro)
fi
if [ "$node_from" = context ]; then
  if [ ! -x node_modules/node/bin/node ]; then
    echo "image: node_modules/node/bin/node is missing: run npm ci first" >&2
    exit 1
  fi
  # npm as `npm run image` runs it (npm_execpath), else the one on PATH.
  npm_cli=${npm_execpath:-$(npm root -g)/npm/bin/npm-cli.js}
  mounts+=(-v "$(dirname "$(dirname "$(readlink -f "$npm_cli")")"):/run/host-npm:ro")
fi

previous=$(podman image inspect --format '{{.Id}}' "$name:dev" 2>/dev/null || true)
echo "== building $name:$version (base $base, runtime $runtime, Node from $node_from, revision $revision)"
started=$(date +%s.%N)
podman build --format docker -f Containerfile \
  --build-arg BASE_IMAGE="$base" --build-arg RUNTIME_IMAGE="$runtime" --build-arg NODE_FROM="$node_from" \
  --build-arg VERSION="$version" --build-arg REVISION="$revision" --build-arg SOURCE="$source_url" \
  "${mounts[@]}" -t "$name:$version" -t "$name:dev" .
seconds=$(awk -v from="$started" -v to="$(date +%s.%N)" 'BEGIN { printf "%.0f", to - from }')

current=$(podman image inspect --format '{{.Id}}' "$name:$version")
if [ -n "$previous" ] && [ "$previous" != "$current" ]; then
  # The image this build replaces, unless another tag still names it (shared layers stay as cache).
  podman rmi "$previous" >/dev/null 2>&1 || true
fi
size=$(podman image inspect --format '{{.Size}}' "$name:$version")
echo "== built $name:$version and $name:dev in $seconds s: $((size / 1000000)) MB"
# The layers that hold something: the base, Node, /app.
podman history --format '{{.Size}}\t{{.CreatedBy}}' "$name:$version" | awk -F'\t' '$1 != "0 B" { printf "   %9s  %.90s\n", $1, $2 }'
