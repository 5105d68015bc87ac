#!/usr/bin/env bash
# `berth serve` with the real Sampler over a synthetic cgroup v2 tree on
# /dev/shm (N Docker-like containers cloned from the v2-docker-systemd
# fixture's first container), collection included in every scrape:
#   scrape latency p50/p99 (plain and gzip, curl's time_total), body size,
#   CPU of berth per scrape, CPU between scrapes (must be 0), RSS after the
#   scrapes (VmRSS) and peak (VmHWM).
# Usage: tests/bench/serve_bench.sh [BERTH_BIN] [N…]   (default 100 1000 5000)
# Not a pass/fail test; prints one line per N.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BERTH_BIN=${1:-${BERTH_BIN:-$ROOT/build/release/cli/berth}}
shift || true
SIZES=${*:-100 1000 5000}
SRC=$ROOT/tests/fixtures/v2-docker-systemd
[ -x "$BERTH_BIN" ] || { echo "no berth binary at $BERTH_BIN"; exit 1; }
tmp=$(mktemp -d /dev/shm/berth-serve-bench.XXXXXX)
PID=
cleanup() {
  if [ -n "$PID" ]; then kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 143' TERM INT  # run cleanup on a signal too
TICK=$(getconf CLK_TCK)

make_tree() {  # N DIR
  local n=$1 dir=$2
  mkdir -p "$dir"
  cp -a "$SRC/proc" "$SRC/sys" "$dir/"
  local slice=$dir/sys/fs/cgroup/system.slice
  local template
  template=$(ls -d "$slice"/docker-*.scope | head -1)
  mv "$template" "$tmp/template.scope"
  rm -rf "$slice"/docker-*.scope
  # Hard links: berth only reads, and linking is fast for 5,000 copies.
  python3 - "$tmp/template.scope" "$slice" "$n" <<'PY'
import os, shutil, sys
template, slice_dir, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
for i in range(1, n + 1):
    shutil.copytree(template, os.path.join(slice_dir, "docker-%064x.scope" % i),
                    copy_function=os.link)
PY
  rm -rf "$tmp/template.scope"
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
percentiles() { sort -n | awk '{a[NR]=$1} END {i50=int(NR*0.5); if (i50<1) i50=1; i99=int(NR*0.99); if (i99<1) i99=1; printf "p50 %.2f p99 %.2f ms", a[i50]*1000, a[i99]*1000}'; }

for n in $SIZES; do
  tree=$tmp/tree-$n
  make_tree "$n" "$tree"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  "$BERTH_BIN" serve --path.rootfs "$tree" --docker.socket "" --web.listen-address "127.0.0.1:$port" \
    >"$tmp/berth-$n.log" 2>&1 &
  PID=$!
  for _ in $(seq 1 100); do curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null && break; sleep 0.1; done
  iterations=$(( n <= 100 ? 60 : n <= 1000 ? 30 : 10 ))
  curl -fsS -o "$tmp/body" "http://127.0.0.1:$port/metrics"   # warm up (opens the fds)
  cpu0=$(cpu_ticks "$PID")
  for _ in $(seq 1 "$iterations"); do
    curl -fsS -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$port/metrics"; sleep 0.55
  done >"$tmp/plain.txt"
  cpu1=$(cpu_ticks "$PID")
  for _ in $(seq 1 "$iterations"); do
    curl -fsS -H 'Accept-Encoding: gzip' -o "$tmp/body.gz" -w '%{time_total}\n' "http://127.0.0.1:$port/metrics"; sleep 0.55
  done >"$tmp/gzip.txt"
  cpu_idle0=$(cpu_ticks "$PID"); sleep 3; cpu_idle1=$(cpu_ticks "$PID")
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$PID/status")
  hwm=$(awk '/VmHWM/ {print $2}' "/proc/$PID/status")
  printf '%5d containers | body %6.2f MB, gzip %5.2f MB | plain %s | gzip %s | cpu/scrape %.1f ms | idle cpu %d ticks/3s | RSS %.1f MB (peak %.1f MB)\n' \
    "$n" "$(stat -c %s "$tmp/body" | awk '{print $1/1e6}')" "$(stat -c %s "$tmp/body.gz" | awk '{print $1/1e6}')" \
    "$(percentiles <"$tmp/plain.txt")" "$(percentiles <"$tmp/gzip.txt")" \
    "$(awk -v a="$cpu0" -v b="$cpu1" -v t="$TICK" -v n="$iterations" 'BEGIN {print (b-a)*1000/t/n}')" \
    "$((cpu_idle1 - cpu_idle0))" "$(awk -v k="$rss" 'BEGIN {print k/1024}')" "$(awk -v k="$hwm" 'BEGIN {print k/1024}')"
  kill "$PID"; wait "$PID" 2>/dev/null; PID=
  rm -rf "$tree"
done
