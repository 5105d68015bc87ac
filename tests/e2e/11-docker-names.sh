#!/usr/bin/env bash
# Docker names follow container churn while `berth serve` runs (issue 5):
#   - a new container carries its docker name in the first /metrics scrape
#     after `docker run` returns;
#   - `docker rename` shows in the next scrape; `docker restart` keeps it;
#   - a removed container leaves /metrics at the next scrape;
#   - restart count, health status and start time (State.StartedAt) reach
#     /metrics and the JSON API;
#   - dockerd stopped: scrapes still answer quickly, containers by id;
#     dockerd restarted on the same socket: berth reconnects and names a
#     container created afterwards at the next scrape.
# Env: BERTH_BIN. Exit 0 pass, 77 skip, else fail. Stops what it started.
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib/dockerd.sh
source "$HERE/lib/dockerd.sh"
# shellcheck source=lib/stop_pid.sh
source "$HERE/lib/stop_pid.sh"

[ -n "${BERTH_BIN:-}" ] && [ -x "$BERTH_BIN" ] || { echo "SKIP: BERTH_BIN is not set to the built berth binary"; exit 77; }
# shellcheck source=lib/require.sh
source "$(dirname "$0")/lib/require.sh"
require_tools curl python3

WORK=$(mktemp -d /tmp/berth-e2e-names.XXXXXX)
BERTH_PID=
cleanup() {
  local rc=$?
  stop_pid "$BERTH_PID"
  berth_dockerd_stop
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; echo "--- berth serve log"; tail -20 "$WORK/berth.log" 2>/dev/null; exit 1; }

berth_dockerd_start || fail "private dockerd did not start"
IMG=$BERTH_E2E_IMAGE
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$BERTH_BIN" serve --web.listen-address "127.0.0.1:$PORT" --docker.socket "$BERTH_DOCKER_SOCKET" \
  --log.level info >"$WORK/berth.log" 2>&1 &
BERTH_PID=$!
for _ in $(seq 1 100); do curl -fsS -o /dev/null "http://127.0.0.1:$PORT/healthz" 2>/dev/null && break; sleep 0.2; done
curl -fsS -o /dev/null "http://127.0.0.1:$PORT/healthz" || fail "berth serve did not answer"

# The name label of container $1 (full id) in one scrape; "" when absent.
scrape_name() {
  curl -fsS --max-time 5 "http://127.0.0.1:$PORT/metrics" >"$WORK/metrics.txt" || { echo "SCRAPE-FAILED"; return; }
  grep '^container_cpu_usage_seconds_total{' "$WORK/metrics.txt" | grep -F "$1" |
    sed -n 's/.*[{,]name="\([^"]*\)".*/\1/p' | head -1
}
# Scrape until the name of $1 is $2 (at most $3 scrapes, 0.3 s apart).
# Scrapes within 500 ms share one collection, so "within one sample" means
# within the first scrape that gets a fresh collection: 3 scrapes span it.
expect_name() {
  local got i
  for i in $(seq 1 "$3"); do
    sleep 0.3
    got=$(scrape_name "$1")
    [ "$got" = "$2" ] && { echo "ok: ${1:0:12} is '$2' after $i scrape(s)"; return 0; }
  done
  fail "container ${1:0:12}: name '$got' in /metrics, want '$2'"
}

# Warm up: one scrape, so that the provider is connected and following events.
curl -fsS -o /dev/null "http://127.0.0.1:$PORT/metrics" || fail "first scrape"

id=$(docker run -d --name first "$IMG" sleep 100000) || fail "docker run first"
expect_name "$id" first 3
docker rename first renamed || fail "docker rename"
expect_name "$id" renamed 3
docker restart -t 0 renamed >/dev/null || fail "docker restart"
# Scrapes within 500 ms share one collection, and a restart replaces the
# container's cgroup: allow one collection interval past the shared window.
expect_name "$id" renamed 6
docker rm -f renamed >/dev/null || fail "docker rm"
expect_name "$id" "" 4

# Health, restart count and start time (berth_container_health_status,
# berth_container_restarts, container_start_time_seconds = State.StartedAt)
# and the JSON API's fields for them.
id=$(docker run -d --name checked --health-cmd true --health-interval 1s --restart always \
  "$IMG" sh -c 'sleep 2; exit 1') || fail "docker run checked"
# series $1 of container "checked" in the last scrape ("" when absent).
series_of_checked() { grep "^$1{" "$WORK/metrics.txt" | grep -F 'name="checked"' | head -1; }
ok=
for _ in $(seq 1 40); do
  sleep 0.3
  scrape_name "$id" >/dev/null
  restarts=$(series_of_checked berth_container_restarts | sed 's/.* //')
  health=$(series_of_checked berth_container_health_status)
  if [ -n "$restarts" ] && [ "$restarts" -ge 1 ] && [ -n "$health" ]; then ok=1; break; fi
done
[ -n "$ok" ] || fail "checked: restarts '${restarts:-}' / health '${health:-}' not in /metrics after 12 s"
want=$(docker inspect -f '{{.RestartCount}}' checked)
echo "ok: checked restarted $restarts time(s) in /metrics (docker says $want now), health: $(sed -n 's/.*status="\([^"]*\)".*/\1/p' <<<"$health")"
case "$health" in *'status="healthy"'*|*'status="starting"'*|*'status="unhealthy"'*) ;; *) fail "health series: $health" ;; esac
start=$(series_of_checked container_start_time_seconds | sed 's/.* //')
[ -n "$start" ] || fail "no container_start_time_seconds for checked"
# The container lives 2 s per run: between runs it has no cgroup and the API
# does not list it; ask again then.
api_ok=
for _ in $(seq 1 20); do
  api=$(curl -fsS --max-time 5 "http://127.0.0.1:$PORT/api/v1/containers/checked" 2>/dev/null) || { sleep 0.3; continue; }
  python3 - "$api" "$(docker inspect -f '{{.State.StartedAt}}' checked)" <<'PY' && { api_ok=1; break; }
import datetime, json, sys
o = json.loads(sys.argv[1])
assert isinstance(o["restart_count"], int) and o["restart_count"] >= 1, o["restart_count"]
assert o["health_status"] in ("starting", "healthy", "unhealthy"), o["health_status"]
# StartedAt of the run berth last inspected: within the few seconds between runs.
started = datetime.datetime.fromisoformat(sys.argv[2][:26].rstrip("Z")).replace(tzinfo=datetime.timezone.utc)
assert abs(o["started_at"] - started.timestamp()) < 10, (o["started_at"], sys.argv[2])
print(f"ok: API restart_count {o['restart_count']}, health_status {o['health_status']}, started_at {o['started_at']}")
PY
  sleep 0.3
done
[ -n "$api_ok" ] || fail "API fields of checked: ${api:-no answer}"
docker rm -f checked >/dev/null || fail "docker rm checked"

# Daemon restart on the same socket (the same command line, like systemd would).
mapfile -d '' cmdline <"/proc/$BERTH_DOCKERD_PID/cmdline"
kill "$BERTH_DOCKERD_PID"
for _ in $(seq 1 100); do kill -0 "$BERTH_DOCKERD_PID" 2>/dev/null || break; sleep 0.1; done
kill -0 "$BERTH_DOCKERD_PID" 2>/dev/null && fail "dockerd did not stop"
start=$(date +%s%N)
curl -fsS --max-time 5 -o /dev/null "http://127.0.0.1:$PORT/metrics" || fail "scrape with dockerd down"
ms=$((($(date +%s%N) - start) / 1000000))
echo "ok: scrape with dockerd down answered in ${ms} ms"
[ "$ms" -lt 3000 ] || fail "scrape with dockerd down took ${ms} ms"
"${cmdline[@]}" >>"$BERTH_DOCKERD_DIR/dockerd.log" 2>&1 &
BERTH_DOCKERD_PID=$!
for _ in $(seq 1 100); do docker version >/dev/null 2>&1 && break; sleep 0.2; done
docker version >/dev/null 2>&1 || fail "dockerd did not come back"
id=$(docker run -d --name after "$IMG" sleep 100000) || fail "docker run after"
# The provider backs off while the daemon is down (≤ a few seconds here).
expect_name "$id" after 20
grep -E "docker: .*(unavailable|lost|available again)" "$WORK/berth.log" | head -5
n=$(grep -c "container names unavailable" "$WORK/berth.log")
[ "$n" -le 2 ] || fail "the outage was logged $n times (want once per state change)"
echo "PASS: names follow create, rename, restart, remove and a dockerd restart"
