# shellcheck shell=bash
# A private containerd for end-to-end tests (Debian's containerd + runc).
#
#   source tests/e2e/lib/containerd.sh
#   trap berth_containerd_stop EXIT     # (add your own cleanup in the same trap)
#   berth_containerd_start              # exits the script with 77 (skip) if it cannot
#   bctr -n k8s.io run -d --cgroup "$BERTH_CONTAINERD_CGROUP/..." "$BERTH_CONTAINERD_IMAGE" ID sleep 600
#
# After berth_containerd_start:
#   BERTH_CONTAINERD_SOCKET  its gRPC socket (for berth --containerd.socket)
#   BERTH_CONTAINERD_DIR     its private directory (root, state, config; removed on stop)
#   BERTH_CONTAINERD_CGROUP  a cgroupfs parent of its own ("/berth-e2e-XXXX"): the
#                            daemon runs in .../containerd, containers go below it
#   BERTH_CONTAINERD_IMAGE   a busybox image (PATH=/bin), in namespaces k8s.io and
#                            default, made with `ctr images import` from a rootfs
#                            tarball (berth_busybox_rootfs's tree), never pulled
#   BERTH_CONTAINERD_SNAPSHOTTER  overlayfs where the kernel has it, else native
# bctr runs ctr against it. Stop removes every container and task in every
# namespace, ends the daemon by its pid, unmounts what is left below its
# directory and removes its cgroups. Only processes this file started are ended.

berth_containerd_start() {
  local tool
  for tool in containerd ctr runc containerd-shim-runc-v2; do
    command -v "$tool" >/dev/null || { echo "SKIP: $tool not installed (apt-get install containerd runc)"; exit 77; }
  done
  [ "$(id -u)" = 0 ] || { echo "SKIP: a private containerd needs root"; exit 77; }
  [ -d /sys/fs/cgroup ] || { echo "SKIP: no /sys/fs/cgroup"; exit 77; }
  local busybox
  busybox=$(command -v busybox || true)
  [ -x /bin/busybox ] && busybox=/bin/busybox
  [ -n "$busybox" ] || { echo "SKIP: busybox not installed (apt-get install busybox-static)"; exit 77; }

  BERTH_CONTAINERD_DIR=$(mktemp -d /tmp/berth-containerd.XXXXXX)
  BERTH_CONTAINERD_SOCKET=$BERTH_CONTAINERD_DIR/containerd.sock
  BERTH_CONTAINERD_CGROUP=/berth-e2e-${BERTH_CONTAINERD_DIR##*.}
  BERTH_CONTAINERD_SNAPSHOTTER=native
  grep -qw overlay /proc/filesystems && BERTH_CONTAINERD_SNAPSHOTTER=overlayfs
  # Only what ctr needs: no CRI plugin (it would want /var/lib and a CNI),
  # no snapshotters that probe the host, no /opt/containerd.
  cat >"$BERTH_CONTAINERD_DIR/config.toml" <<EOF
version = 2
root = "$BERTH_CONTAINERD_DIR/root"
state = "$BERTH_CONTAINERD_DIR/state"
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper",
  "io.containerd.snapshotter.v1.aufs", "io.containerd.internal.v1.opt",
  "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]
[cgroup]
  path = "$BERTH_CONTAINERD_CGROUP/containerd"
[grpc]
  address = "$BERTH_CONTAINERD_SOCKET"
[ttrpc]
  address = "$BERTH_CONTAINERD_SOCKET.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""
[plugins."io.containerd.runtime.v1.linux"]
  shim_debug = false
EOF
  containerd --config "$BERTH_CONTAINERD_DIR/config.toml" >"$BERTH_CONTAINERD_DIR/containerd.log" 2>&1 &
  BERTH_CONTAINERD_PID=$!
  export BERTH_CONTAINERD_SOCKET BERTH_CONTAINERD_DIR BERTH_CONTAINERD_CGROUP BERTH_CONTAINERD_SNAPSHOTTER
  local i
  for i in $(seq 1 100); do
    bctr version >/dev/null 2>&1 && break
    if ! kill -0 "$BERTH_CONTAINERD_PID" 2>/dev/null; then
      echo "SKIP: containerd cannot run here:"; tail -5 "$BERTH_CONTAINERD_DIR/containerd.log"
      BERTH_CONTAINERD_PID=; exit 77
    fi
    sleep 0.1
  done
  bctr version >/dev/null 2>&1 || { echo "containerd did not answer"; tail -20 "$BERTH_CONTAINERD_DIR/containerd.log"; return 1; }

  BERTH_CONTAINERD_IMAGE=docker.io/berth-e2e/busybox:latest
  berth_containerd_archive "$busybox" "$BERTH_CONTAINERD_IMAGE" "$BERTH_CONTAINERD_DIR/image.tar"
  local ns
  for ns in k8s.io default; do
    bctr -n "$ns" images import --snapshotter "$BERTH_CONTAINERD_SNAPSHOTTER" \
      "$BERTH_CONTAINERD_DIR/image.tar" >/dev/null || { echo "ctr images import failed"; return 1; }
  done
  export BERTH_CONTAINERD_IMAGE
}

bctr() { ctr -a "$BERTH_CONTAINERD_SOCKET" "$@"; }

# berth_containerd_archive BUSYBOX REF OUT: a docker-archive (what `docker
# save` writes: manifest.json, the config, one layer) for `ctr images import`,
# whose layer is the rootfs tarball of berth_busybox_rootfs (busybox and its
# applet links in /bin, passwd/group, empty /tmp /proc /sys /dev /etc /www),
# written in one go rather than with a fork per applet link.
berth_containerd_archive() {
  local applets
  applets=$("$1" --list | tr '\n' ' ')
  python3 - "$@" "$applets" <<'PY'
import hashlib, io, json, sys, tarfile
busybox, ref, out, applets = sys.argv[1:5]
def entry(name, kind=tarfile.REGTYPE, data=b"", mode=0o644, target=""):
    info = tarfile.TarInfo(name)
    info.type, info.mode, info.linkname, info.size = kind, mode, target, len(data)
    return info, io.BytesIO(data)
layer_buf = io.BytesIO()
with tarfile.open(fileobj=layer_buf, mode="w") as layer:
    for d in ("bin", "tmp", "proc", "sys", "dev", "etc", "www"):
        layer.addfile(*entry(d, tarfile.DIRTYPE, mode=0o1777 if d == "tmp" else 0o755))
    layer.addfile(*entry("bin/busybox", data=open(busybox, "rb").read(), mode=0o755))
    for applet in applets.split():
        if applet != "busybox":
            layer.addfile(*entry("bin/" + applet, tarfile.SYMTYPE, target="busybox", mode=0o777))
    layer.addfile(*entry("etc/passwd", data=b"root:x:0:0:root:/root:/bin/sh\n"))
    layer.addfile(*entry("etc/group", data=b"root:x:0:\n"))
layer = layer_buf.getvalue()
diff_id = "sha256:" + hashlib.sha256(layer).hexdigest()
config = json.dumps({"architecture": "amd64", "os": "linux",
                     "config": {"Env": ["PATH=/bin"], "Cmd": ["/bin/sh"]},
                     "rootfs": {"type": "layers", "diff_ids": [diff_id]}}).encode()
config_name = hashlib.sha256(config).hexdigest() + ".json"
repo_tag = ref.split("/", 1)[1] if ref.startswith("docker.io/") else ref
manifest = json.dumps([{"Config": config_name, "RepoTags": [repo_tag],
                        "Layers": ["layer/layer.tar"]}]).encode()
with tarfile.open(out, "w") as archive:
    for name, data in ((config_name, config), ("layer/layer.tar", layer), ("manifest.json", manifest)):
        archive.addfile(*entry(name, data=data))
PY
}

berth_containerd_stop() {
  if [ -n "${BERTH_CONTAINERD_PID:-}" ] && kill -0 "$BERTH_CONTAINERD_PID" 2>/dev/null; then
    local ns id
    for ns in $(bctr namespaces ls -q 2>/dev/null); do
      for id in $(bctr -n "$ns" tasks ls -q 2>/dev/null); do
        bctr -n "$ns" tasks kill -s KILL "$id" >/dev/null 2>&1
      done
      for id in $(bctr -n "$ns" tasks ls -q 2>/dev/null); do
        bctr -n "$ns" tasks delete -f "$id" >/dev/null 2>&1
      done
      for id in $(bctr -n "$ns" containers ls -q 2>/dev/null); do
        bctr -n "$ns" containers delete "$id" >/dev/null 2>&1
      done
    done
    kill "$BERTH_CONTAINERD_PID" 2>/dev/null
    local i
    for i in $(seq 1 50); do kill -0 "$BERTH_CONTAINERD_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$BERTH_CONTAINERD_PID" 2>/dev/null || true
  fi
  BERTH_CONTAINERD_PID=
  if [ -n "${BERTH_CONTAINERD_DIR:-}" ] && [ -d "$BERTH_CONTAINERD_DIR" ]; then
    grep -o " $BERTH_CONTAINERD_DIR[^ ]*" /proc/self/mountinfo | sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done
    rm -rf "$BERTH_CONTAINERD_DIR"
  fi
  # The cgroups below its parent, deepest first, in every hierarchy.
  if [ -n "${BERTH_CONTAINERD_CGROUP:-}" ]; then
    find /sys/fs/cgroup/ -depth -type d -path "*$BERTH_CONTAINERD_CGROUP*" -exec rmdir {} + 2>/dev/null
  fi
  BERTH_CONTAINERD_DIR=
}
