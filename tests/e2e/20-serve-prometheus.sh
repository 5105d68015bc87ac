#!/usr/bin/env bash
# `berth serve` scraped by a real Prometheus (Debian's, on loopback, 1 s
# scrape interval) against real containers of a private dockerd:
#   - every running container has container_cpu_usage_seconds_total and
#     container_memory_working_set_bytes under its docker name, and
#     container_spec_memory_limit_bytes equals its --memory;
#   - `docker update` shows in the next collection (limit files are watched);
#   - an OOM kill is counted in the next collection, as the kernel counts it;
#   - a removed container is absent from the next scrape (and from
#     Prometheus once marked stale); the JSON API follows (404 for it);
#   - scrapes during container churn (create/remove in a loop, several
#     scrapers at once, gzip and not) never fail and always parse
#     (promtool check metrics), and Prometheus' `up` stays 1.
# Env: BERTH_BIN. Exit 0 pass, 77 skip, else fail.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BERTH_BIN=${BERTH_BIN:-$ROOT/build/release/cli/berth}
PY=$(command -v python3 || true)

# shellcheck source=lib/require.sh
source "$(dirname "$0")/lib/require.sh"
require_tools prometheus promtool curl jq "$PY"
require_berth
require_root "a private dockerd"

source "$ROOT/tests/e2e/lib/dockerd.sh"
# shellcheck source=lib/stop_pid.sh
source "$ROOT/tests/e2e/lib/stop_pid.sh"
# shellcheck source=lib/prometheus.sh
source "$ROOT/tests/e2e/lib/prometheus.sh"
tmp=$(mktemp -d /tmp/berth-serve-prom.XXXXXX)
BERTH_PID= PROM_PID= CHURN_PID=
cleanup() {
  stop_pid "$CHURN_PID"; stop_pid "$PROM_PID"; stop_pid "$BERTH_PID"
  berth_dockerd_stop
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 143' TERM INT  # run cleanup on a signal too
fail() { echo "FAIL: $*"; echo "--- berth log"; tail -20 "$tmp/berth.log" 2>/dev/null; exit 1; }

# Number of series an instant query returns.
count() { promtool query instant -o json "http://127.0.0.1:$prom_port" "$1" 2>/dev/null | jq 'length'; }
value() { promtool query instant -o json "http://127.0.0.1:$prom_port" "$1" 2>/dev/null | jq -r '.[0].value[1] // empty'; }
wait_query() {  # QUERY WANT_COUNT SECONDS
  local n
  for _ in $(seq 1 $(($3 * 2))); do
    n=$(count "$1"); [ "$n" = "$2" ] && return 0; sleep 0.5
  done
  echo "query $1: want $2 series, got ${n:-error}"; return 1
}

berth_dockerd_start || fail "private dockerd did not start"
img=$BERTH_E2E_IMAGE
docker run -d --name alpha --memory 64m "$img" sh -c 'while true; do :; done' >/dev/null || fail "docker run alpha"
docker run -d --name beta --memory 32m --cpus 0.5 "$img" sleep 600 >/dev/null || fail "docker run beta"
docker run -d --name gamma --memory 48m "$img" sleep 600 >/dev/null || fail "docker run gamma"

berth_port=$(free_port)
"$BERTH_BIN" serve --web.listen-address "127.0.0.1:$berth_port" --docker.socket "$BERTH_DOCKER_SOCKET" \
  --log.level debug >"$tmp/berth.log" 2>&1 &
BERTH_PID=$!
wait_http "http://127.0.0.1:$berth_port/healthz" 20 || fail "berth serve did not answer"

# The page itself passes promtool's linter (cAdvisor's counter name
# container_memory_failcnt lacks _total, the gauge container_fs_inodes_total has it:
# the only complaints allowed).
curl -fsS "http://127.0.0.1:$berth_port/metrics" >"$tmp/metrics.txt" || fail "GET /metrics"
promtool check metrics <"$tmp/metrics.txt" 2>&1 | grep -v -e container_memory_failcnt -e container_fs_inodes_total >"$tmp/lint.txt"
[ -s "$tmp/lint.txt" ] && { cat "$tmp/lint.txt"; fail "promtool check metrics complained"; }
grep -q '^# TYPE container_cpu_usage_seconds_total counter$' "$tmp/metrics.txt" || fail "no cpu family"

start_prometheus "$tmp" "$berth_port" || fail "prometheus did not become ready"

for name in alpha beta gamma; do
  wait_query "container_cpu_usage_seconds_total{name=\"$name\",cpu=\"total\"}" 1 30 || fail "cpu of $name"
  wait_query "container_memory_working_set_bytes{name=\"$name\"}" 1 10 || fail "working set of $name"
done
for pair in alpha:67108864 beta:33554432 gamma:50331648; do
  name=${pair%%:*} want=${pair#*:}
  got=$(value "container_spec_memory_limit_bytes{name=\"$name\"}")
  [ "$got" = "$want" ] || fail "container_spec_memory_limit_bytes{name=$name} = '$got', want $want"
done
got=$(value 'container_spec_cpu_quota{name="beta"}')
[ "$got" = 50000 ] || fail "container_spec_cpu_quota{name=beta} = '$got', want 50000"
# docker update: the limit files are watched, so the next collection shows
# the new limits (not the next 10 s re-check).
docker update --memory 40m --memory-swap 80m --cpus 0.25 beta >/dev/null || fail "docker update beta"
sleep 0.6  # past the 500 ms sharing window
curl -fsS "http://127.0.0.1:$berth_port/metrics" | grep 'name="beta"' >"$tmp/beta-updated.txt"
grep -q '^container_spec_memory_limit_bytes{.*} 41943040$' "$tmp/beta-updated.txt" ||
  fail "memory limit of beta after docker update: $(grep '^container_spec_memory_limit_bytes' "$tmp/beta-updated.txt")"
grep -q '^container_spec_cpu_quota{.*} 25000$' "$tmp/beta-updated.txt" ||
  fail "cpu quota of beta after docker update: $(grep '^container_spec_cpu_quota' "$tmp/beta-updated.txt")"
# alpha spins: its CPU counter grows between scrapes.
wait_query 'rate(container_cpu_usage_seconds_total{name="alpha"}[5s]) > 0.2' 1 15 || fail "alpha CPU rate"
echo "ok: Prometheus sees alpha, beta, gamma with cpu, working set and limits"

# JSON API.
curl -fsS "http://127.0.0.1:$berth_port/api/v1/containers/beta" >"$tmp/beta.json" || fail "GET /api/v1/containers/beta"
[ "$(jq -r .limits.memory_bytes "$tmp/beta.json")" = 41943040 ] || fail "JSON memory limit of beta"
[ "$(jq -r .limits.cpus "$tmp/beta.json")" = 0.25 ] || fail "JSON cpus of beta"
[ "$(jq -r .schema <(curl -fsS "http://127.0.0.1:$berth_port/api/v1/containers"))" = berth.containers.v1 ] || fail "JSON schema"

# An OOM kill shows in the next collection (v1 has no notification for
# memory.oom_control: berth follows the host's /proc/vmstat oom_kill), and
# the count equals the kernel's own for the cgroup.
docker run -d --name oomer --memory 16m --memory-swap 16m "$img" sleep 600 >/dev/null || fail "docker run oomer"
oom_series() { curl -fsS "http://127.0.0.1:$berth_port/metrics" | grep "^container_oom_events_total{.*name=\"oomer\"" | awk '{print $NF}'; }
for _ in $(seq 1 50); do [ "$(oom_series)" = 0 ] && break; sleep 0.2; done
[ "$(oom_series)" = 0 ] || fail "container_oom_events_total{name=oomer} = '$(oom_series)' before any kill, want 0"
docker exec oomer dd if=/dev/zero of=/dev/null bs=32M count=1 >/dev/null 2>&1 && fail "dd survived a 32 MiB buffer under 16 MiB"
oomer_pid=$(docker inspect -f '{{.State.Pid}}' oomer)
if [ -d /sys/fs/cgroup/memory ]; then
  memdir=/sys/fs/cgroup/memory$(awk -F: '$2 ~ /(^|,)memory(,|$)/{print $3}' "/proc/$oomer_pid/cgroup")
  kernel_kills=$(awk '/^oom_kill /{print $2}' "$memdir/memory.oom_control")
  kernel_failcnt=$(cat "$memdir/memory.failcnt")
else
  memdir=/sys/fs/cgroup$(awk -F: '$1 == 0 {print $3}' "/proc/$oomer_pid/cgroup")
  kernel_kills=$(awk '/^oom_kill /{print $2}' "$memdir/memory.events")
  kernel_failcnt=$(awk '/^max /{print $2}' "$memdir/memory.events")
fi
[ "${kernel_kills:-0}" -ge 1 ] || fail "the kernel counted no OOM kill for oomer"
sleep 0.6  # past the 500 ms sharing window: the next scrape collects anew
curl -fsS "http://127.0.0.1:$berth_port/metrics" | grep 'name="oomer"' >"$tmp/oomer.txt"
got=$(awk '/^container_oom_events_total\{/{print $NF}' "$tmp/oomer.txt")
[ "$got" = "$kernel_kills" ] || fail "container_oom_events_total{name=oomer} = '$got' right after the kill, kernel says $kernel_kills"
# Refused charges at the limit: read while the high-water mark is near it.
# (This host's 6.18 kernel leaves v1's memory.failcnt at 0 even here.)
got_failcnt=$(awk '/^container_memory_failcnt\{/{print $NF}' "$tmp/oomer.txt")
[ "$got_failcnt" = "$kernel_failcnt" ] ||
  fail "container_memory_failcnt{name=oomer} = '$got_failcnt', kernel says $kernel_failcnt"
docker rm -f oomer >/dev/null
echo "ok: an OOM kill counted in the next collection ($got, as the kernel; failcnt $got_failcnt too)"

# Removal: absent from the next scrape, stale in Prometheus, 404 in the API.
docker rm -f gamma >/dev/null || fail "docker rm gamma"
sleep 0.6  # past the 500 ms sharing window
curl -fsS "http://127.0.0.1:$berth_port/metrics" >"$tmp/after.txt" || fail "GET /metrics after removal"
grep -q 'name="gamma"' "$tmp/after.txt" && fail "gamma still in /metrics after docker rm"
grep -q 'name="beta"' "$tmp/after.txt" || fail "beta missing from /metrics"
wait_query 'container_last_seen{name="gamma"}' 0 15 || fail "gamma still in Prometheus"
code=$(curl -s -o "$tmp/404.json" -w '%{http_code}' "http://127.0.0.1:$berth_port/api/v1/containers/gamma")
[ "$code" = 404 ] && [ "$(jq -r .error "$tmp/404.json" | grep -c gamma)" = 1 ] || fail "API for removed gamma: $code"
echo "ok: removed container gone from /metrics, Prometheus and the API"

# Churn: containers created and removed in a loop while 3 scrapers hammer /metrics.
(
  i=0
  while true; do
    i=$((i + 1))
    docker run -d --name "churn$i" --memory 16m "$img" sleep 30 >/dev/null 2>&1
    [ $i -gt 2 ] && docker rm -f "churn$((i - 2))" >/dev/null 2>&1
  done
) &
CHURN_PID=$!
scrape_loop() {  # ID
  local n ok=0
  for n in $(seq 1 25); do
    if [ $(($n % 2)) = 0 ]; then
      curl -fsS --compressed -o "$tmp/churn$1.txt" "http://127.0.0.1:$berth_port/metrics" || { echo "scrape $1/$n failed"; return 1; }
    else
      curl -fsS -o "$tmp/churn$1.txt" "http://127.0.0.1:$berth_port/metrics" || { echo "scrape $1/$n failed"; return 1; }
    fi
    promtool check metrics <"$tmp/churn$1.txt" 2>&1 | grep -v -e container_memory_failcnt -e container_fs_inodes_total | grep -q . &&
      { echo "scrape $1/$n malformed"; cp "$tmp/churn$1.txt" "$tmp/bad$1.txt"; return 1; }
    tail -c 1 "$tmp/churn$1.txt" | od -c | grep -q '\\n' || { echo "scrape $1/$n truncated"; return 1; }
    sleep 0.1
  done
}
scrape_loop 1 & s1=$!
scrape_loop 2 & s2=$!
scrape_loop 3 & s3=$!
churn_ok=1
for pid in $s1 $s2 $s3; do wait "$pid" || churn_ok=0; done
stop_pid "$CHURN_PID"; CHURN_PID=
[ "$churn_ok" = 1 ] || fail "a scrape during churn failed or was malformed"
# Prometheus scraped throughout: up never dropped.
got=$(value 'min_over_time(up{job="berth"}[30s])')
[ "$got" = 1 ] || fail "Prometheus saw up=$got during churn"
kill -0 "$BERTH_PID" 2>/dev/null || fail "berth serve died"
echo "ok: 75 scrapes during container churn, all well-formed; up stayed 1"

# SIGTERM: clean exit 0.
kill -TERM "$BERTH_PID"
wait "$BERTH_PID"; rc=$?; BERTH_PID=
[ "$rc" = 0 ] || fail "berth serve exited $rc on SIGTERM"
echo "PASS"
