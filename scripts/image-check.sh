#!/usr/bin/env bash
# The container image, checked for real (CI runs this after npm test; it works on a developer's
# machine with podman too). Without any container registry:
#   1. builds the image (scripts/image.sh);
#   2. against the PostgreSQL on this machine (a fresh database, --network host): `migrate`, then
#      the platform on a read-only root filesystem, as the Helm chart runs it: /readyz, a page,
#      RPCs, the image's health check; SIGTERM must end it with 0;
#   3. the one-container trial, `podman run -p …:3000 <image>` with nothing else: the embedded
#      PostgreSQL with demo data (/readyz, a demo recipe over RPC, its photo through the
#      resizer); SIGTERM, exit 0; then a restart on the same volume;
#   4. saves it as an OCI archive and reads that back with skopeo.
# Installs podman, runc, debootstrap and skopeo when they are missing (Debian's). If the container
# tooling cannot run here, this says so and fails: CI is where the image must be proven.
# IMAGE_CHECK_PG: the server to create the database on (default postgres://postgres@127.0.0.1:5432);
# IMAGE_ARCHIVE: keep the archive at this path (default: a temporary file, removed at the end).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/image-lib.sh
PATH=$PATH:/usr/sbin:/sbin

loud() {
  echo "==================================================================" >&2
  echo "image-check: $*" >&2
  echo "==================================================================" >&2
  exit 1
}

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
missing=()
for tool in podman runc debootstrap skopeo; do command -v "$tool" >/dev/null || missing+=("$tool"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing ${missing[*]}"
  { $sudo apt-get update -qq && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman runc debootstrap skopeo >/dev/null; } ||
    loud "could not install ${missing[*]}: the container image cannot be built or run on this machine"
fi
image_podman_env
podman info >/dev/null 2>&1 || loud "podman cannot run on this machine: $(podman info 2>&1 | tail -1)"

version=$(image_version)
image=localhost/eat-or-yeet:$version
admin_url=${IMAGE_CHECK_PG:-postgres://postgres@127.0.0.1:5432}
database=yeet_image_check
export PGOPTIONS='-c client_min_messages=warning'
work=$(mktemp -d)
containers=()
cleanup() {
  for c in "${containers[@]}"; do podman rm -f -v "$c" >/dev/null 2>&1 || true; done
  psql -q "$admin_url/postgres" -c "drop database if exists $database with (force)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  node -e "const s = require('node:net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); })"
}

# Seconds until GET /readyz answers 200 (fails after $2 seconds, showing the container's log).
wait_ready() {
  local port=$1 limit=$2 container=$3 started=$SECONDS
  local from
  from=$(date +%s.%N)
  until curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; do
    if [ $((SECONDS - started)) -ge "$limit" ] || [ "$(podman inspect --format '{{.State.Running}}' "$container")" != true ]; then
      podman logs --tail 30 "$container" >&2 || true
      loud "$container was not ready within $limit s"
    fi
    sleep 0.2
  done
  awk -v from="$from" -v to="$(date +%s.%N)" 'BEGIN { printf "%.1f", to - from }'
}

# SIGTERM, as a container runtime or Kubernetes stops it: the process must drain and exit 0.
stop_with_sigterm() {
  local container=$1 code
  podman kill --signal TERM "$container" >/dev/null
  code=$(timeout 60 podman wait "$container") || loud "$container did not stop within 60 s of SIGTERM"
  [ "$code" = 0 ] || { podman logs --tail 20 "$container" >&2; loud "$container exited with $code after SIGTERM, not 0"; }
  echo "   SIGTERM: exit 0"
}

# expect <description> <HTTP status> <url> <text the body must contain> [curl arguments…]
expect() {
  local what=$1 want=$2 url=$3 needle=$4 status
  shift 4
  status=$(curl -s -o "$work/body" -w '%{http_code}' "$@" "$url")
  [ "$status" = "$want" ] || loud "$what: HTTP $status (not $want) from $url: $(head -c 300 "$work/body")"
  grep -q -- "$needle" "$work/body" || loud "$what: $url answered without \"$needle\": $(head -c 300 "$work/body")"
  echo "   $what: $status, $(wc -c <"$work/body") bytes"
}

# 1. Build.
bash scripts/image.sh
user=$(podman image inspect --format '{{.Config.User}}' "$image")
case $user in "" | 0 | 0:* | root | root:*) loud "$image runs as root ($user)" ;; esac
label=$(podman image inspect --format '{{index .Config.Labels "org.opencontainers.image.version"}}' "$image")
[ "$label" = "$version" ] || loud "$image is labelled version \"$label\", not $version"

# 2. Against this machine's PostgreSQL.
command -v psql >/dev/null || loud "psql is missing: the check needs the machine's PostgreSQL (IMAGE_CHECK_PG)"
psql -q "$admin_url/postgres" -c "drop database if exists $database with (force)" -c "create database $database" ||
  loud "cannot create the database $database at $admin_url"
db_url="$admin_url/$database"
echo "== $image migrate (DATABASE_URL=$db_url)"
podman run --rm --network host --no-healthcheck -e DATABASE_URL="$db_url" "$image" migrate >"$work/migrate.log" 2>&1 ||
  { cat "$work/migrate.log" >&2; loud "migrate failed"; }
grep -q 'migrations applied' "$work/migrate.log" || loud "migrate did not apply the migrations: $(tail -3 "$work/migrate.log")"

port=$(free_port)
name=yeet-image-check-db-$$
containers+=("$name")
echo "== $image with DATABASE_URL, read-only root filesystem, port $port"
# PUBLIC_URL is the address the checks use: pages at any other address redirect to it.
podman run -d --name "$name" --network host --read-only --no-healthcheck -e PORT="$port" -e PUBLIC_URL="http://127.0.0.1:$port" \
  -e DATABASE_URL="$db_url" "$image" >/dev/null
ready_db=$(wait_ready "$port" 60 "$name")
echo "   ready in $ready_db s"
expect "/readyz" 200 "http://127.0.0.1:$port/readyz" '"database":"ok"'
expect "a page (/)" 200 "http://127.0.0.1:$port/" '<title>Eat or Yeet'
# The database is empty: a list, and a recipe that is not there (the store's answer, as a Connect error).
expect "an RPC (ListRecipes)" 200 "http://127.0.0.1:$port/api/yeet.v1.RecipeService/ListRecipes" '^{' \
  -H 'content-type: application/json' --data-binary '{"pageSize": 3}'
expect "an RPC (GetRecipe, missing)" 404 "http://127.0.0.1:$port/api/yeet.v1.RecipeService/GetRecipe" '"code":"not_found"' \
  -H 'content-type: application/json' --data-binary '{"slug": "no-such-recipe"}'
# The image's HEALTHCHECK command, run as the runtime would (podman's timers need systemd).
mapfile -t health < <(podman image inspect --format '{{range $i, $a := .Config.Healthcheck.Test}}{{if $i}}{{$a}}{{"\n"}}{{end}}{{end}}' "$image")
[ ${#health[@]} -gt 0 ] || loud "$image has no HEALTHCHECK (built without --format docker?)"
podman exec "$name" "${health[@]}" || loud "the image's health check failed on a ready container"
echo "   HEALTHCHECK command: ok"
stop_with_sigterm "$name"

# 3. The one-container trial: nothing but a published port.
port=$(free_port)
name=yeet-image-check-embedded-$$
containers+=("$name")
echo "== $image alone (embedded PostgreSQL, demo data), -p $port:3000"
# Published on another port: PUBLIC_URL says so, as the README tells users to.
podman run -d --name "$name" --no-healthcheck -p "127.0.0.1:$port:3000" -e PUBLIC_URL="http://127.0.0.1:$port" "$image" >/dev/null
ready_embedded=$(wait_ready "$port" 180 "$name")
echo "   ready in $ready_embedded s (first start: creates the cluster, seeds the demo recipes)"
expect "/readyz" 200 "http://127.0.0.1:$port/readyz" '"database":"ok"'
expect "a demo recipe (GetRecipe)" 200 "http://127.0.0.1:$port/api/yeet.v1.RecipeService/GetRecipe" 'Cacio e Pepe' \
  -H 'content-type: application/json' --data-binary '{"slug": "cacio-e-pepe"}'
expect "its page" 200 "http://127.0.0.1:$port/r/cacio-e-pepe" '/_img/'
photo=$(grep -o '/_img/[^" ]*' "$work/body" | head -1 | sed 's/&amp;/\&/g')
expect "its photo through the resizer (sharp, AVIF)" 200 "http://127.0.0.1:$port$photo" 'ftypavif' -H 'accept: image/avif'
stop_with_sigterm "$name"
podman start "$name" >/dev/null
restart_embedded=$(wait_ready "$port" 60 "$name")
echo "   restarted on its volume, ready in $restart_embedded s"
stop_with_sigterm "$name"

# 4. An OCI archive, read back.
archive=${IMAGE_ARCHIVE:-$work/eat-or-yeet-$version.oci.tar}
rm -f "$archive"
podman save -q --format oci-archive -o "$archive" "$image"
skopeo inspect "oci-archive:$archive" | grep -q "\"org.opencontainers.image.version\": \"$version\"" ||
  loud "the OCI archive $archive does not read back with its labels"

size=$(podman image inspect --format '{{.Size}}' "$image")
echo "== image-check passed: $image $((size / 1000000)) MB; ready in $ready_db s (DATABASE_URL), $ready_embedded s (embedded, first start), $restart_embedded s (embedded, restart); OCI archive $(($(stat -c %s "$archive") / 1048576)) MiB${IMAGE_ARCHIVE:+ at $archive}"
