# shellcheck shell=bash
# A private Docker engine for end-to-end tests.
#
#   source tests/e2e/lib/dockerd.sh
#   trap berth_dockerd_stop EXIT      # (add your own cleanup in the same trap)
#   berth_dockerd_start               # exits the script with 77 (skip) if it cannot
#
# After berth_dockerd_start:
#   DOCKER_HOST           unix:///… of the private engine (plain `docker` uses it)
#   BERTH_DOCKER_SOCKET   the socket path (for berth --docker.socket)
#   BERTH_E2E_IMAGE       a busybox image (PATH=/bin), imported, never pulled
#   BERTH_CGROUP_PARENT   the relative --cgroup-parent containers nest under
#   BERTH_DOCKERD_DIR     the engine's private directory (removed on stop)
# BERTH_DOCKERD_ARGS (optional, set before the start): more dockerd flags,
# split on spaces (e.g. "-D": a debug log in $BERTH_DOCKERD_DIR/dockerd.log
# with one "Calling GET …" line per API request).
# BERTH_DOCKERD_STORAGE_DRIVER (before the start) picks the storage driver:
# vfs (default: works on any filesystem) or overlay2 (needs a filesystem
# that can hold an overlay upper dir, e.g. ext4).
# berth_busybox_rootfs DIR BUSYBOX builds the image's root filesystem (also
# usable without dockerd, e.g. for `podman import`).
# Each start gets its own directory and socket, so scripts can run side by side.
# Only processes this file started are stopped, by pid.

berth_dockerd_start() {
  if ! command -v dockerd >/dev/null || ! command -v docker >/dev/null; then
    echo "SKIP: dockerd/docker not installed (apt-get install docker.io)"; exit 77
  fi
  local busybox
  busybox=$(command -v busybox || true)
  [ -x /bin/busybox ] && busybox=/bin/busybox
  if [ -z "$busybox" ] || ! file -L "$busybox" 2>/dev/null | grep -q 'statically linked'; then
    # busybox-static installs a static /bin/busybox; fall back to whatever is there.
    [ -z "$busybox" ] && { echo "SKIP: busybox not installed (apt-get install busybox-static)"; exit 77; }
  fi
  BERTH_DOCKERD_DIR=$(mktemp -d /tmp/berth-dockerd.XXXXXX)
  BERTH_DOCKER_SOCKET=$BERTH_DOCKERD_DIR/docker.sock
  BERTH_CGROUP_PARENT=berth-e2e-${BERTH_DOCKERD_DIR##*.}
  # shellcheck disable=SC2086  # BERTH_DOCKERD_ARGS is split on purpose
  dockerd --data-root "$BERTH_DOCKERD_DIR/data" --exec-root "$BERTH_DOCKERD_DIR/exec" \
    --pidfile "$BERTH_DOCKERD_DIR/dockerd.pid" -H "unix://$BERTH_DOCKER_SOCKET" \
    --storage-driver="${BERTH_DOCKERD_STORAGE_DRIVER:-vfs}" --iptables=false --ip6tables=false --bridge=none \
    --cgroup-parent "$BERTH_CGROUP_PARENT" ${BERTH_DOCKERD_ARGS:-} >"$BERTH_DOCKERD_DIR/dockerd.log" 2>&1 &
  BERTH_DOCKERD_PID=$!
  export DOCKER_HOST=unix://$BERTH_DOCKER_SOCKET BERTH_DOCKER_SOCKET BERTH_CGROUP_PARENT BERTH_DOCKERD_DIR
  local i
  for i in $(seq 1 100); do
    docker version >/dev/null 2>&1 && break
    if ! kill -0 "$BERTH_DOCKERD_PID" 2>/dev/null; then
      echo "dockerd died:"; tail -20 "$BERTH_DOCKERD_DIR/dockerd.log"; return 1
    fi
    sleep 0.2
  done
  docker version >/dev/null 2>&1 || { echo "dockerd did not answer"; tail -20 "$BERTH_DOCKERD_DIR/dockerd.log"; return 1; }

  BERTH_E2E_IMAGE=berth-busybox:e2e
  local rootfs=$BERTH_DOCKERD_DIR/busybox-rootfs
  berth_busybox_rootfs "$rootfs" "$busybox"
  tar -C "$rootfs" -c . | docker import -c 'ENV PATH=/bin' -c 'CMD ["/bin/sh"]' - "$BERTH_E2E_IMAGE" >/dev/null
  export BERTH_E2E_IMAGE
}

# berth_busybox_rootfs DIR BUSYBOX: a minimal root filesystem in DIR (busybox
# and its applets in /bin, passwd/group, empty /tmp /proc /sys /dev /www) for
# `docker import` / `podman import`.
berth_busybox_rootfs() {
  local rootfs=$1 busybox=$2 applet
  mkdir -p "$rootfs/bin" "$rootfs/tmp" "$rootfs/proc" "$rootfs/sys" "$rootfs/dev" "$rootfs/etc" "$rootfs/www"
  cp "$busybox" "$rootfs/bin/busybox"
  for applet in $("$rootfs/bin/busybox" --list); do
    [ "$applet" = busybox ] || ln -sf busybox "$rootfs/bin/$applet"
  done
  echo 'root:x:0:0:root:/root:/bin/sh' >"$rootfs/etc/passwd"
  echo 'root:x:0:' >"$rootfs/etc/group"
}

berth_dockerd_stop() {
  [ -n "${BERTH_DOCKERD_PID:-}" ] || return 0
  if kill -0 "$BERTH_DOCKERD_PID" 2>/dev/null; then
    local ids
    ids=$(docker ps -aq 2>/dev/null || true)
    [ -n "$ids" ] && docker rm -f $ids >/dev/null 2>&1
    # A network's bridge interface outlives the engine: left behind, ~30 runs
    # use up the default address pools ("could not find an available,
    # non-overlapping IPv4 address pool").
    docker network prune -f >/dev/null 2>&1
    kill "$BERTH_DOCKERD_PID" 2>/dev/null
    local i
    for i in $(seq 1 50); do kill -0 "$BERTH_DOCKERD_PID" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$BERTH_DOCKERD_PID" 2>/dev/null || true
  fi
  # containerd started by dockerd exits with it; unmount anything left below the dir.
  if [ -n "${BERTH_DOCKERD_DIR:-}" ] && [ -d "$BERTH_DOCKERD_DIR" ]; then
    grep -o " $BERTH_DOCKERD_DIR[^ ]*" /proc/self/mountinfo | sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done
    rm -rf "$BERTH_DOCKERD_DIR"
  fi
  BERTH_DOCKERD_PID=
}
