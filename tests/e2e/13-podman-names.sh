#!/usr/bin/env bash
# Podman names on a real Podman (issue 5): a private `podman system service`
# (its own --root/--runroot/--tmpdir, vfs storage, cgroupfs manager, no
# network; the host's Podman state is never touched) with an imported busybox
# image and two containers, one named and labelled, one with Podman's
# generated name. Then:
#   - `berth stats --no-stream --format json` shows both Podman names, and
#     json-raw their image, label and runtime "podman"; a missing Docker socket
#     (--docker.socket /nonexistent) is no warning: the containers are Podman's;
#   - `berth serve`: /metrics names them (name, image, the allow-listed
#     compose label, berth_container_info{runtime="podman"}), counts no docker
#     or podman errors; `podman rename` shows within 2 s (berth follows
#     libpod's event stream: the rename is in the next sample; the periodic
#     list alone would take up to 10 s); `podman rm` drops the container at
#     the next fresh collection.
# Containers land under /libpod_parent/libpod-<id> (cgroupfs manager).
# Env: BERTH_BIN. Exit 0 pass, 77 skip (Podman cannot run a container here),
# else fail. Stops what it started, by pid.
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib/dockerd.sh
source "$HERE/lib/dockerd.sh"  # berth_busybox_rootfs
# shellcheck source=lib/stop_pid.sh
source "$HERE/lib/stop_pid.sh"

[ -n "${BERTH_BIN:-}" ] && [ -x "$BERTH_BIN" ] || { echo "SKIP: BERTH_BIN is not set to the built berth binary"; exit 77; }
# shellcheck source=lib/require.sh
source "$(dirname "$0")/lib/require.sh"
require_tools podman curl python3
BUSYBOX=$(command -v busybox || true)
[ -x /bin/busybox ] && BUSYBOX=/bin/busybox
[ -n "$BUSYBOX" ] || { echo "SKIP: busybox not installed (apt-get install busybox-static)"; exit 77; }
require_root "rootful Podman"

WORK=$(mktemp -d /tmp/berth-e2e-podman.XXXXXX)
SOCK=$WORK/podman.sock
SERVICE_PID= BERTH_PID=
export CONTAINERS_CONF=$WORK/containers.conf CONTAINERS_STORAGE_CONF=$WORK/storage.conf
export CONTAINERS_REGISTRIES_CONF=$WORK/registries.conf
cat >"$CONTAINERS_CONF" <<'EOF'
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
EOF
cat >"$CONTAINERS_STORAGE_CONF" <<EOF
[storage]
driver = "vfs"
graphroot = "$WORK/root"
runroot = "$WORK/run"
EOF
: >"$CONTAINERS_REGISTRIES_CONF"
PM_FLAGS=(--root "$WORK/root" --runroot "$WORK/run" --tmpdir "$WORK/tmp" --storage-driver vfs)
pm() { podman "${PM_FLAGS[@]}" "$@"; }
RUN_FLAGS=(--network none --ulimit nofile=1024:1024 --ulimit nproc=1024:1024)

cleanup() {
  local rc=$?
  stop_pid "$BERTH_PID"
  if [ -d "$WORK/root" ]; then
    pm rm -f -a -t 0 >/dev/null 2>&1
  fi
  stop_pid "$SERVICE_PID"
  # Whatever Podman mounted below the private dirs (shm, overlay of /run …).
  grep -o " $WORK[^ ]*" /proc/self/mountinfo | sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*"
  echo "--- berth log"; tail -20 "$WORK/berth.log" 2>/dev/null
  echo "--- podman service log"; tail -10 "$WORK/service.log" 2>/dev/null
  exit 1
}

# The image, then a first container: if Podman cannot run one here, skip.
berth_busybox_rootfs "$WORK/rootfs" "$BUSYBOX"
IMG=localhost/berth-busybox:e2e
tar -C "$WORK/rootfs" -c . | pm import -c 'ENV PATH=/bin' -c 'CMD ["/bin/sh"]' - "$IMG" >"$WORK/import.log" 2>&1 ||
  { echo "SKIP: podman import failed: $(tail -1 "$WORK/import.log")"; exit 77; }
if ! pm run --rm "${RUN_FLAGS[@]}" "$IMG" true >"$WORK/probe.log" 2>&1; then
  echo "SKIP: podman cannot run a container here: $(tail -1 "$WORK/probe.log")"; exit 77
fi

podman "${PM_FLAGS[@]}" system service --time=0 "unix://$SOCK" >"$WORK/service.log" 2>&1 &
SERVICE_PID=$!
for _ in $(seq 1 100); do
  [ "$(curl -fsS --max-time 2 --unix-socket "$SOCK" http://d/_ping 2>/dev/null)" = OK ] && break
  kill -0 "$SERVICE_PID" 2>/dev/null || fail "podman system service died"
  sleep 0.1
done
[ "$(curl -fsS --max-time 2 --unix-socket "$SOCK" http://d/_ping)" = OK ] || fail "podman system service does not answer on $SOCK"

web=$(pm run -d "${RUN_FLAGS[@]}" --name berth-pm-web --label com.docker.compose.service=web "$IMG" sleep 100000) ||
  fail "podman run berth-pm-web"
anon=$(pm run -d "${RUN_FLAGS[@]}" "$IMG" sleep 100000) || fail "podman run (unnamed)"
anon_name=$(pm inspect --format '{{.Name}}' "$anon") || fail "podman inspect"
[ -n "$anon_name" ] || fail "podman gave the unnamed container no name"
echo "ok: podman containers berth-pm-web ${web:0:12}, $anon_name ${anon:0:12}"
cgroup=$(grep -m1 -o "[^:]*libpod-$web[^ ]*" "/proc/$(pm inspect --format '{{.State.Pid}}' "$web")/cgroup" | head -1)
echo "ok: cgroup of berth-pm-web: $cgroup"

# --- berth stats ------------------------------------------------------------
BERTH_FLAGS=(--podman.socket "$SOCK" --docker.socket /nonexistent/docker.sock)
"$BERTH_BIN" stats --no-stream --format json "${BERTH_FLAGS[@]}" >"$WORK/stats.json" 2>"$WORK/stats.err" ||
  { cat "$WORK/stats.err"; fail "berth stats exited non-zero"; }
python3 - "$WORK/stats.json" "$web" berth-pm-web "$anon" "$anon_name" <<'PY' || fail "berth stats --format json"
import json, sys
path, *pairs = sys.argv[1:]
rows = {}
for line in open(path):
    o = json.loads(line)
    rows[o["ID"]] = o["Name"]  # docker's short id
for cid, name in zip(pairs[0::2], pairs[1::2]):
    got = rows.get(cid[:12])
    if got != name:
        sys.exit(f"container {cid[:12]}: Name {got!r} in berth stats, want {name!r}")
    print(f"ok: berth stats names {cid[:12]} {name!r}")
PY
# The missing Docker socket is news only when Docker containers run (other
# tests may run some on this host at the same time).
if grep -q '"runtime":"docker"' <("$BERTH_BIN" stats --no-stream --format json-raw "${BERTH_FLAGS[@]}" 2>/dev/null); then
  echo "note: Docker containers run on this host: not checking that the Docker socket goes unmentioned"
elif grep -i "docker" "$WORK/stats.err"; then
  fail "berth stats warned about Docker although no Docker container runs"
fi
"$BERTH_BIN" stats --no-stream --format json-raw "${BERTH_FLAGS[@]}" berth-pm-web >"$WORK/raw.json" 2>/dev/null ||
  fail "berth stats --format json-raw"
python3 - "$WORK/raw.json" "$web" "$IMG" <<'PY' || fail "berth stats --format json-raw"
import json, sys
o = json.loads(open(sys.argv[1]).readline())
want = {"id": sys.argv[2], "name": "berth-pm-web", "image": sys.argv[3], "runtime": "podman"}
for key, value in want.items():
    if o.get(key) != value:
        sys.exit(f"json-raw {key} = {o.get(key)!r}, want {value!r}")
if o["labels"].get("com.docker.compose.service") != "web":
    sys.exit(f"json-raw labels = {o['labels']!r}")
if "libpod-" + sys.argv[2] not in o["cgroup_path"]:
    sys.exit(f"json-raw cgroup_path = {o['cgroup_path']!r}")
if not o.get("started_at"):
    sys.exit("json-raw started_at is null")
print(f"ok: json-raw image {o['image']!r}, runtime podman, label, cgroup {o['cgroup_path']}")
PY

# --- berth serve ------------------------------------------------------------
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$BERTH_BIN" serve --web.listen-address "127.0.0.1:$PORT" "${BERTH_FLAGS[@]}" \
  --collector.label-allowlist com.docker.compose.service --log.level info >"$WORK/berth.log" 2>&1 &
BERTH_PID=$!
for _ in $(seq 1 100); do curl -fsS -o /dev/null "http://127.0.0.1:$PORT/healthz" 2>/dev/null && break; sleep 0.2; done
curl -fsS -o /dev/null "http://127.0.0.1:$PORT/healthz" || fail "berth serve did not answer"

SAW_DOCKER=0  # a collection saw a Docker container (another test's): then Docker errors are due
scrape() {
  curl -fsS --max-time 5 "http://127.0.0.1:$PORT/metrics" >"$WORK/metrics.txt" || echo "SCRAPE-FAILED" >"$WORK/metrics.txt"
  grep -q '^berth_container_info{.*runtime="docker"' "$WORK/metrics.txt" && SAW_DOCKER=1
  return 0
}
# Metadata errors: never Podman's; Docker's (the socket is missing) only when a
# Docker container was seen.
check_errors() {
  local sources=podman
  [ "$SAW_DOCKER" = 0 ] && sources="docker|podman"
  if grep -E "^berth_collector_errors_total\{source=\"($sources)\"\} [1-9]" "$WORK/metrics.txt"; then
    fail "metadata errors counted"
  fi
  if grep -E "($sources): " "$WORK/berth.log"; then
    fail "berth logged metadata trouble"
  fi
}
# The name label of container $1 (full id) in the last scrape; "" when absent.
name_of() {
  grep '^container_cpu_usage_seconds_total{' "$WORK/metrics.txt" | grep -F "libpod-$1" |
    sed -n 's/.*[{,]name="\([^"]*\)".*/\1/p' | head -1
}
# Scrape until the name of $1 is $2, at most $3 seconds; prints the time taken.
expect_name() {
  local start got
  start=$(date +%s%N)
  while :; do
    scrape
    got=$(name_of "$1")
    if [ "$got" = "$2" ]; then
      echo "ok: ${1:0:12} is '$2' in /metrics after $((($(date +%s%N) - start) / 1000000)) ms"
      return 0
    fi
    [ $((($(date +%s%N) - start) / 1000000000)) -ge "$3" ] && break
    sleep 0.3
  done
  fail "container ${1:0:12}: name '$got' in /metrics, want '$2' (after $3 s)"
}

expect_name "$web" berth-pm-web 5
expect_name "$anon" "$anon_name" 2
line=$(grep '^container_cpu_usage_seconds_total{' "$WORK/metrics.txt" | grep -F "libpod-$web")
for want in "image=\"$IMG\"" 'container_label_com_docker_compose_service="web"' "id=\"$cgroup\""; do
  case "$line" in *"$want"*) ;; *) fail "berth-pm-web's series lacks $want: $line" ;; esac
done
grep '^berth_container_info{' "$WORK/metrics.txt" | grep -F "libpod-$web" | grep -q 'runtime="podman"' ||
  fail "berth_container_info of berth-pm-web lacks runtime=\"podman\""
grep '^container_start_time_seconds{' "$WORK/metrics.txt" | grep -qF "libpod-$web" ||
  fail "no container_start_time_seconds for berth-pm-web"
check_errors
echo "ok: image, compose label, runtime, start time; no metadata errors"

pm rename berth-pm-web berth-pm-renamed || fail "podman rename"
expect_name "$web" berth-pm-renamed 2
pm rm -f -t 0 berth-pm-renamed >/dev/null || fail "podman rm"
expect_name "$web" "" 3
expect_name "$anon" "$anon_name" 1

scrape
check_errors
[ "$SAW_DOCKER" = 1 ] && echo "note: Docker containers ran meanwhile (another test's): Docker errors not checked"
echo "PASS: Podman names, image, labels in berth stats and /metrics; rename and removal follow"
