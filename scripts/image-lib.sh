# Shared by scripts/image.sh and scripts/image-check.sh (sourced, not run).

# podman's defaults fail on some hosts: crun refuses cgroups v1/hybrid ("cgroups in hybrid mode
# not supported"), and the default nofile limit can exceed what even root may set. Then a
# containers.conf of our own, named by CONTAINERS_CONF, picks runc and the host's limits;
# nothing is written to /etc. A CONTAINERS_CONF already set is left alone.
image_podman_env() {
  [ -z "${CONTAINERS_CONF:-}" ] || return 0
  local cgroup nofile nproc conf
  cgroup=$(stat -fc %T /sys/fs/cgroup 2>/dev/null || echo unknown)
  nofile=$(ulimit -Hn)
  nproc=$(ulimit -Hu)
  if [ "$cgroup" = cgroup2fs ] && { [ "$nofile" = unlimited ] || [ "$nofile" -ge 1048576 ]; }; then
    return 0
  fi
  [ "$nofile" = unlimited ] && nofile=1048576
  [ "$nproc" = unlimited ] && nproc=32768
  [ "$nproc" -gt 32768 ] && nproc=32768
  conf="${TMPDIR:-/tmp}/eat-or-yeet-containers-$(id -u).conf"
  {
    echo '[containers]'
    echo "default_ulimits = [\"nofile=$nofile:$nofile\", \"nproc=$nproc:$nproc\"]"
    if [ "$cgroup" != cgroup2fs ] && command -v runc >/dev/null; then
      printf '[engine]\nruntime = "runc"\n'
    fi
  } >"$conf"
  export CONTAINERS_CONF="$conf"
  echo "== podman: using $conf (cgroup fs $cgroup, nofile $nofile)"
}

# The project's version, for the tags and the OCI labels.
image_version() {
  node -p "require('./package.json').version"
}
