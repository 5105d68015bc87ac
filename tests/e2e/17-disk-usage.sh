#!/usr/bin/env bash
# Disk usage of containers, checked against du and statvfs on a private
# dockerd (overlay2 on this host's ext4, so each container's writable layer
# is its upper dir):
#   - a container writes 50 MB and 1,000 files (plus a hard link, a symlink
#     loop and a FIFO in its layer): container_fs_usage_bytes within 5 % of
#     `du -sbx` of its layer, container_fs_inodes_total within 5 % of a file
#     count of it (find -xdev | wc -l), container_fs_limit_bytes the size of
#     the layer's filesystem (stat -f), container_fs_inodes_free within 1 %
#     of its free inodes, device the filesystem's mount source; the JSON
#     API's writable_layer says the same;
#   - a container whose layer is empty has a small usage (the walk is per
#     container, not of the whole storage dir);
#   - --collector.disable=disk: no container_fs_usage_bytes at all.
# Env: BERTH_BIN. Exit 0 pass, 77 skip, else fail.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BERTH_BIN=${BERTH_BIN:-$ROOT/build/release/cli/berth}
started=$(date +%s)

for tool in curl jq python3 du find stat; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool not installed (.ci/packages-test.txt)"; exit 77; }
done
[ -x "$BERTH_BIN" ] || { echo "SKIP: no berth binary at $BERTH_BIN"; exit 77; }
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root for a private dockerd"; exit 77; }

source "$ROOT/tests/e2e/lib/dockerd.sh"
# shellcheck source=lib/stop_pid.sh
source "$ROOT/tests/e2e/lib/stop_pid.sh"
# shellcheck source=lib/prometheus.sh
source "$ROOT/tests/e2e/lib/prometheus.sh"
tmp=$(mktemp -d /tmp/berth-disk.XXXXXX)
BERTH_PID=
cleanup() {
  stop_pid "$BERTH_PID"
  berth_dockerd_stop
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 143' TERM INT  # run cleanup on a signal too
fail() { echo "FAIL: $*"; echo "--- berth log"; tail -20 "$tmp/berth.log" 2>/dev/null; exit 1; }

# within A B PERCENT: |A - B| <= PERCENT % of B
within() { python3 -c 'import sys; a,b,p=map(float,sys.argv[1:]); sys.exit(0 if abs(a-b) <= p/100*b else 1)' "$1" "$2" "$3"; }

# overlay2 needs a filesystem that can hold an upper dir; the temp dir's.
case $(stat -f -c %T /tmp) in
  ext2/ext3|xfs|btrfs) BERTH_DOCKERD_STORAGE_DRIVER=overlay2 ;;
  *) BERTH_DOCKERD_STORAGE_DRIVER=vfs ;;
esac
export BERTH_DOCKERD_STORAGE_DRIVER
berth_dockerd_start || fail "private dockerd did not start"
img=$BERTH_E2E_IMAGE
echo "storage driver: $BERTH_DOCKERD_STORAGE_DRIVER (dockerd up after $(( $(date +%s) - started )) s)"

# 50 MB in one file and 1,000 small files (shell builtins: no fork each),
# a hard link (counted once), a symlink loop and a FIFO.
docker run -d --name writer "$img" sh -c '
  mkdir -p /data/many && dd if=/dev/zero of=/data/big bs=1048576 count=50 2>/dev/null &&
  i=0; while [ $i -lt 1000 ]; do echo "file $i" >/data/many/f$i; i=$((i+1)); done;
  ln /data/big /data/big-again; ln -s . /data/loop; mkfifo /data/fifo; touch /done;
  exec sleep 600' >/dev/null || fail "docker run writer"
docker run -d --name idle "$img" sleep 600 >/dev/null || fail "docker run idle"
for _ in $(seq 1 300); do docker exec writer test -f /done 2>/dev/null && break; sleep 0.2; done
docker exec writer test -f /done || fail "writer did not finish writing"
echo "containers written after $(( $(date +%s) - started )) s"

# The layer as the runtime names it, found independently of berth.
layer_of() {
  local id driver
  id=$(docker inspect -f '{{.Id}}' "$1")
  driver=$(docker inspect -f '{{.GraphDriver.Name}}' "$1")
  if [ "$driver" = vfs ]; then
    echo "$BERTH_DOCKERD_DIR/data/vfs/dir/$(cat "$BERTH_DOCKERD_DIR/data/image/vfs/layerdb/mounts/$id/mount-id")"
  else
    docker inspect -f '{{.GraphDriver.Data.UpperDir}}' "$1"
  fi
}
writer_layer=$(layer_of writer)
[ -d "$writer_layer" ] || fail "no layer dir $writer_layer"

berth_port=$(free_port)
"$BERTH_BIN" serve --web.listen-address "127.0.0.1:$berth_port" --docker.socket "$BERTH_DOCKER_SOCKET" \
  >"$tmp/berth.log" 2>&1 &
BERTH_PID=$!
wait_http "http://127.0.0.1:$berth_port/healthz" 20 || fail "berth serve did not answer"

# The walk runs in the background: scrape until both layers are measured.
sample() {  # FAMILY NAME -> value
  grep "^$1{.*name=\"$2\"" "$tmp/metrics.txt" | head -1 | awk '{print $NF}'
}
got_usage=
for _ in $(seq 1 120); do
  curl -fsS "http://127.0.0.1:$berth_port/metrics" >"$tmp/metrics.txt" || fail "GET /metrics"
  got_usage=$(sample container_fs_usage_bytes writer)
  [ -n "$got_usage" ] && [ -n "$(sample container_fs_usage_bytes idle)" ] && break
  sleep 0.5
done
[ -n "$got_usage" ] || fail "no container_fs_usage_bytes for writer after 60 s"
echo "layers measured after $(( $(date +%s) - started )) s"

du_bytes=$(du -sbx "$writer_layer" | cut -f1)
file_count=$(find "$writer_layer" -xdev | wc -l)
got_inodes=$(sample container_fs_inodes_total writer)
got_limit=$(sample container_fs_limit_bytes writer)
got_free=$(sample container_fs_inodes_free writer)
fs_size=$(stat -f -c '%b %S' "$writer_layer" | awk '{printf "%.0f", $1 * $2}')
fs_free=$(stat -f -c %d "$writer_layer")
echo "writer layer $writer_layer: berth $got_usage bytes, $got_inodes inodes; du -sbx $du_bytes, find $file_count"
echo "  limit berth $got_limit, stat -f $fs_size; inodes free berth $got_free, stat -f $fs_free"
within "$got_usage" "$du_bytes" 5 || fail "usage $got_usage not within 5 % of du -sbx $du_bytes"
within "$got_inodes" "$file_count" 5 || fail "inodes $got_inodes not within 5 % of find's $file_count"
[ "$got_usage" -ge 52428800 ] || fail "usage $got_usage below the 50 MB written"
[ "$got_usage" -lt 104857600 ] || fail "usage $got_usage: the hard link was counted twice"
[ "$got_limit" = "$fs_size" ] || fail "limit $got_limit != filesystem size $fs_size"
within "$got_free" "$fs_free" 1 || fail "inodes free $got_free not within 1 % of $fs_free"

# device: the mount source of the layer's filesystem, as the host's mountinfo names it.
device=$(grep '^container_fs_usage_bytes{.*name="writer"' "$tmp/metrics.txt" | sed -n 's/.*device="\([^"]*\)".*/\1/p')
want_device=$(findmnt -n -o SOURCE --target "$writer_layer" 2>/dev/null | sed 's/\[.*//' | head -1)
echo "device berth \"$device\", findmnt \"$want_device\""
[ -n "$device" ] || fail "no device label"
[ -z "$want_device" ] || [ "$device" = "$want_device" ] || fail "device $device != $want_device"

# The idle container's layer holds almost nothing of its own (overlay2;
# vfs copies the image into each layer: a few MB).
idle_usage=$(sample container_fs_usage_bytes idle)
idle_du=$(du -sbx "$(layer_of idle)" | cut -f1)
echo "idle layer: berth $idle_usage, du -sbx $idle_du"
within "$idle_usage" "$idle_du" 5 || fail "idle usage $idle_usage not within 5 % of $idle_du"

# The JSON API: the same figures.
curl -fsS "http://127.0.0.1:$berth_port/api/v1/containers/writer" >"$tmp/writer.json" || fail "GET API"
[ "$(jq -r .writable_layer.usage_bytes "$tmp/writer.json")" = "$got_usage" ] || fail "API usage differs"
[ "$(jq -r .writable_layer.inodes "$tmp/writer.json")" = "$got_inodes" ] || fail "API inodes differ"
jq -e '.writable_layer.age_seconds >= 0 and .writable_layer.partial == false' "$tmp/writer.json" \
  >/dev/null || fail "API age/partial: $(jq -c .writable_layer "$tmp/writer.json")"

stop_pid "$BERTH_PID"; BERTH_PID=
# --collector.disable=disk: no walker, no family.
"$BERTH_BIN" serve --web.listen-address "127.0.0.1:$berth_port" --docker.socket "$BERTH_DOCKER_SOCKET" \
  --collector.disable disk >"$tmp/berth.log" 2>&1 &
BERTH_PID=$!
wait_http "http://127.0.0.1:$berth_port/healthz" 20 || fail "berth serve (disk off) did not answer"
sleep 2
curl -fsS "http://127.0.0.1:$berth_port/metrics" >"$tmp/metrics.txt" || fail "GET /metrics (disk off)"
grep -q '^container_cpu_usage_seconds_total{.*name="writer"' "$tmp/metrics.txt" || fail "writer missing (disk off)"
grep -q '^container_fs_usage_bytes' "$tmp/metrics.txt" && fail "container_fs_usage_bytes with --collector.disable disk"

echo "PASS ($(( $(date +%s) - started )) s)"
