#!/usr/bin/env bash
# A Docker socket that accepts connections and never answers must not stall
# berth (issues 2 and 5): `berth serve` scrapes and `berth stats --no-stream`
# return within the metadata timeout (1 s) plus the collection itself, every
# container is still reported (by short id), and the reason is logged once.
# Needs no Docker engine: the hung socket is a python3 listener, and berth
# reads the v2-docker-systemd fixture tree (Docker-looking containers whose
# count and cost do not depend on what else runs on the host).
# Env: BERTH_BIN. Exit 0 pass, 77 skip, else fail. Stops what it started.
set -uo pipefail
FIXTURE=$(cd "$(dirname "$0")/../fixtures/v2-docker-systemd" && pwd)
# shellcheck source=lib/require.sh
source "$(dirname "$0")/lib/require.sh"
require_berth
require_tools curl python3
# shellcheck source=lib/http.sh
source "$(dirname "$0")/lib/http.sh"

WORK=$(mktemp -d /tmp/berth-e2e-hung.XXXXXX)
HUNG_PID= BERTH_PID=
# shellcheck source=lib/stop_pid.sh
source "$(dirname "$0")/lib/stop_pid.sh"
# shellcheck source=lib/hung_socket.sh
source "$(dirname "$0")/lib/hung_socket.sh"
cleanup() {
  local rc=$?
  stop_pid "$BERTH_PID"
  stop_pid "$HUNG_PID"
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; echo "--- berth log"; tail -20 "$WORK/berth.log" 2>/dev/null; exit 1; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }

SOCK=$WORK/hung.sock
start_hung_socket "$SOCK" || fail "hung socket not created"

# berth stats --no-stream: two samples one second apart; the first waits for
# the 1 s metadata budget, the second is in backoff.
start=$(now_ms)
"$BERTH_BIN" stats --path.rootfs "$FIXTURE" --no-stream --format json --docker.socket "$SOCK" >"$WORK/stats.json" 2>"$WORK/stats.err" ||
  { cat "$WORK/stats.err"; fail "berth stats exited non-zero"; }
ms=$(($(now_ms) - start))
echo "berth stats --no-stream with a hung socket: ${ms} ms, $(wc -l <"$WORK/stats.json") containers"
[ "$ms" -lt 5000 ] || fail "berth stats took ${ms} ms"
n=$(grep -c "container names unavailable" "$WORK/stats.err")
if [ -s "$WORK/stats.json" ] && grep -q '"ID"' "$WORK/stats.json"; then
  [ "$n" = 1 ] || { cat "$WORK/stats.err"; fail "the hung socket was reported $n times by berth stats, want once"; }
  python3 - "$WORK/stats.json" <<'PY' || fail "a container was named although the socket never answered"
import json, sys
text = open(sys.argv[1]).read().strip()
rows = json.loads(text) if text.startswith("[") else [json.loads(l) for l in text.splitlines() if l.strip()]
bad = [r for r in rows if r["Name"] != r["ID"]]
for r in bad: print("named:", r)
sys.exit(1 if bad else 0)
PY
else
  cat "$WORK/stats.err"; fail "berth stats showed no container of the fixture tree"
fi

PORT=$(free_port)
"$BERTH_BIN" serve --path.rootfs "$FIXTURE" --web.listen-address "127.0.0.1:$PORT" --docker.socket "$SOCK" >"$WORK/berth.log" 2>&1 &
BERTH_PID=$!
for _ in $(seq 1 100); do curl -fsS -o /dev/null "http://127.0.0.1:$PORT/healthz" 2>/dev/null && break; sleep 0.2; done
for i in 1 2 3 4; do
  start=$(now_ms)
  curl -fsS --max-time 10 -o "$WORK/metrics.txt" "http://127.0.0.1:$PORT/metrics" || fail "scrape $i failed"
  ms=$(($(now_ms) - start))
  echo "scrape $i with a hung socket: ${ms} ms"
  [ "$ms" -lt 2500 ] || fail "scrape $i took ${ms} ms (metadata budget 1 s)"
  grep -q '^berth_build_info' "$WORK/metrics.txt" || fail "scrape $i: no berth_build_info"
  sleep 0.5
done
n=$(grep -c "container names unavailable" "$WORK/berth.log")
if grep -q '^container_cpu_usage_seconds_total{' "$WORK/metrics.txt"; then
  [ "$n" = 1 ] || { cat "$WORK/berth.log"; fail "the hung socket was logged $n times by berth serve, want once"; }
fi
echo "PASS: a hung Docker socket costs at most the metadata timeout"
