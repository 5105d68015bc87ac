#!/usr/bin/env bash
# Measures what `berth serve` costs, to size the Kubernetes requests/limits
# and the compose limits (deploy/README.md, "Resource sizing").
# Starts a private dockerd with N busybox containers, runs berth serve on the
# host against it, scrapes /metrics every second for S seconds, and prints
# peak and final RSS, CPU seconds per scrape and the body size.
# Usage: sudo BERTH_BIN=build/release/cli/berth tests/deploy/footprint.sh [N=50] [S=30]
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BERTH_BIN=${BERTH_BIN:-$ROOT/build/release/cli/berth}
containers=${1:-50}
seconds=${2:-30}
# shellcheck source=../e2e/lib/dockerd.sh
source "$ROOT/tests/e2e/lib/dockerd.sh"
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }
[ -x "$BERTH_BIN" ] || { echo "SKIP: no berth binary at $BERTH_BIN"; exit 77; }

tmp=$(mktemp -d /tmp/berth-footprint.XXXXXX)
serve_pid=
cleanup() {
  [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null
  berth_dockerd_stop
  rm -rf "$tmp"
}
trap cleanup EXIT
berth_dockerd_start
for i in $(seq 1 "$containers"); do
  docker run -d --name "fp-$i" --memory 32m "$BERTH_E2E_IMAGE" sleep 3600 >/dev/null || exit 1
done
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$BERTH_BIN" serve --web.listen-address="127.0.0.1:$port" --docker.socket="$BERTH_DOCKER_SOCKET" \
  >"$tmp/serve.log" 2>&1 &
serve_pid=$!
for _ in $(seq 1 50); do curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.2; done

clk=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$serve_pid/stat"; }
curl -fsS "http://127.0.0.1:$port/metrics" >"$tmp/first.prom"   # warm-up (metadata cache)
start_ticks=$(cpu_ticks)
total_ms=0 max_ms=0
for _ in $(seq 1 "$seconds"); do
  ms=$(curl -fsS -o "$tmp/body.prom" -w '%{time_total}' "http://127.0.0.1:$port/metrics" | awk '{printf "%d", $1 * 1000}')
  total_ms=$((total_ms + ms)); [ "$ms" -gt "$max_ms" ] && max_ms=$ms
  sleep 1
done
end_ticks=$(cpu_ticks)
idle_start=$(cpu_ticks); sleep 5; idle_end=$(cpu_ticks)
series=$(grep -vc '^#' "$tmp/body.prom")
seen=$(grep -c '^container_last_seen{' "$tmp/body.prom")
echo "containers: $containers (berth sees $seen), scrapes: $seconds at 1/s"
echo "body: $(wc -c <"$tmp/body.prom") bytes, $series series"
echo "scrape latency: mean $((total_ms / seconds)) ms, max $max_ms ms"
awk -v t=$((end_ticks - start_ticks)) -v clk="$clk" -v n="$seconds" \
  'BEGIN { printf "CPU: %.1f ms per scrape (%.2f%% of a core at 1 scrape/s)\n", t * 1000 / clk / n, t * 100 / clk / n }'
echo "CPU between scrapes (5 s idle): $((idle_end - idle_start)) ticks"
grep -E '^(VmHWM|VmRSS):' "/proc/$serve_pid/status"
