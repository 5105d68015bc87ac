#!/usr/bin/env bash
# Dashboards and alert rules against a real Prometheus scraping a real berth:
#   private dockerd -> containers (one pressing against its memory limit, one
#   OOM-killed in a loop, one CPU-throttled with network and block IO)
#   -> `berth serve` -> Debian's prometheus (scrape and rule evaluation every
#   1 s, dashboards/rules loaded unmodified) -> dashboards/tools/check_dashboards.py:
#   - every panel and variable query of every dashboard, variables substituted,
#     returns at least one series (a query needing a metric this host's kernel
#     does not provide, absent from the live /metrics, is reported as SKIP);
#   - every rule evaluates without error;
#   - ContainerMemoryNearLimit (warning) is active for container `full` and
#     ContainerOOMKilled for container `oom` (pending or firing: the near-limit
#     alert has a 5 minute `for`, the test runs ~1 minute), and
#     ContainerRestarting for `flappy`, restarted three times, with
#     berth:container_restarts:changes1h{name="flappy"} exactly 3 (the restart
#     rule derives restarts from container_start_time_seconds). Prometheus
#     applies a new scrape target only on its 5 s discovery tick, so the script
#     waits until Prometheus holds flappy's first start time before the first
#     restart, and after each restart until it holds the new one (a start
#     time Prometheus never scraped cannot count as a change).
# A fake Kubernetes pod (a container under kubepods/besteffort/pod<uid> plus
# the kubelet's /var/log/pods layout) feeds the Kubernetes dashboard. While
# berth does not yet put namespace/pod/container on it, Prometheus adds them by
# metric relabelling (the figures stay berth's own); the output says which.
# Without a fake pod (a real node) that dashboard is skipped with a note.
# Env: BERTH_BIN (the built berth). Exit 0 pass, 77 skip, else fail.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
D=$ROOT/dashboards
PY=$(command -v /usr/bin/python3 || command -v python3)
BERTH_BIN=${BERTH_BIN:-$ROOT/build/release/cli/berth}

# shellcheck source=lib/require.sh
source "$(dirname "$0")/lib/require.sh"
require_tools prometheus promtool curl "$PY"
require_berth
"$BERTH_BIN" serve --help >/dev/null 2>&1 || { echo "SKIP: $BERTH_BIN has no working 'serve' subcommand"; exit 77; }
require_root "a private dockerd"

source "$ROOT/tests/e2e/lib/dockerd.sh"
# shellcheck source=lib/prometheus.sh
source "$ROOT/tests/e2e/lib/prometheus.sh"
tmp=$(mktemp -d /tmp/berth-dashboards-live.XXXXXX)
BERTH_PID= PROM_PID= FAKE_K8S_LOGS= FAKE_K8S_CGROUPS=0 uid= k8s_labels=
cleanup() {
  [ -n "$PROM_PID" ] && kill "$PROM_PID" 2>/dev/null
  [ -n "$BERTH_PID" ] && kill "$BERTH_PID" 2>/dev/null
  for pid in $PROM_PID $BERTH_PID; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null
  done
  berth_dockerd_stop
  # The fake pod's kubelet layout and cgroup parents, only if this test made them.
  [ -n "$FAKE_K8S_LOGS" ] && rm -rf /var/log/pods /var/log/containers
  if [ "$FAKE_K8S_CGROUPS" = 1 ]; then
    for h in /sys/fs/cgroup/*/ /sys/fs/cgroup/; do
      [ -d "$h/kubepods" ] && find "$h/kubepods" -depth -type d -exec rmdir {} \; 2>/dev/null
    done
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

# The value of an instant query's first series, empty if none.
prom_value() {  # QUERY
  curl -fsS "http://127.0.0.1:$prom_port/api/v1/query" --data-urlencode "query=$1" 2>/dev/null |
    "$PY" -c 'import json, sys
r = json.load(sys.stdin)["data"]["result"]
print(r[0]["value"][1] if r else "")' 2>/dev/null
}
# Waits until Prometheus holds a start time of flappy other than OLD; prints it.
flappy_start_after() {  # OLD SECONDS
  local i v
  for i in $(seq 1 $(($2 * 5))); do
    v=$(prom_value 'container_start_time_seconds{name="flappy"}')
    [ -n "$v" ] && [ "$v" != "$1" ] && { echo "$v"; return 0; }
    sleep 0.2
  done
  return 1
}

berth_dockerd_start || { echo "FAIL: private dockerd did not start"; exit 1; }
img=$BERTH_E2E_IMAGE
docker network create berth-dash >/dev/null || { echo "FAIL: docker network create"; exit 1; }

# peer: a ping target. busy: CPU quota (throttled), memory limit, network
# traffic, block IO, a reservation and a task limit; the one the Container detail dashboard shows.
docker run -d --name peer --network berth-dash "$img" sleep 600 >/dev/null
docker run -d --name busy --network berth-dash --cpus 0.2 --memory 64m --memory-reservation 32m --pids-limit 64 "$img" sh -c '
  (while true; do ping -c 1 -s 1000 peer >/dev/null 2>&1; sleep 0.2; done) &
  (while true; do dd if=/dev/zero of=/tmp/f bs=1M count=4 conv=fsync 2>/dev/null; sync; cat /tmp/f >/dev/null; sleep 1; done) &
  while true; do :; done' >/dev/null
# full: 15 MiB of tmpfs (not reclaimable without swap) under a 16 MiB limit:
# working set ~ 92 % of the limit -> ContainerMemoryNearLimit (warning).
docker run -d --name full --memory 16m --memory-swap 16m "$img" sh -c '
  dd if=/dev/zero of=/dev/shm/fill bs=1M count=15 2>/dev/null; exec sleep 600' >/dev/null
# oom: a 32 MiB buffer under a 16 MiB limit, every second: dd is OOM-killed,
# the shell survives -> container_oom_events_total grows -> ContainerOOMKilled.
docker run -d --name oom --memory 16m --memory-swap 16m "$img" sh -c '
  while true; do dd if=/dev/zero bs=32M count=1 2>/dev/null | tail -c 1 >/dev/null; sleep 1; done' >/dev/null

# flappy: restarted three times once Prometheus watches (below): the restart
# rule must see it -> ContainerRestarting.
docker run -d --name flappy "$img" sleep 600 >/dev/null

# A fake Kubernetes pod, only on a machine that is not a Kubernetes node.
k8s_note="no fake pod (this machine has /var/log/pods or kubepods: a real node?)"
if [ ! -e /var/log/pods ] && [ ! -e /var/log/containers ] && [ ! -e /sys/fs/cgroup/memory/kubepods ] &&
   [ ! -e /sys/fs/cgroup/kubepods ]; then
  uid=0b8e2a9c-5d4f-4e3a-9b1c-7f6e5d4c3b2a
  FAKE_K8S_CGROUPS=1
  # The pod's sandbox first (a pause container: no log entry), holding the
  # pod's network namespace, which the api container joins: the pod's traffic
  # is counted once, on the sandbox, as on a real node.
  if docker run -d --name k8s_POD_shop --cgroup-parent "/kubepods/besteffort/pod$uid" --network berth-dash \
       "$img" sleep 86400 >/dev/null &&
     docker run -d --name k8s_api_shop --cgroup-parent "/kubepods/besteffort/pod$uid" --network container:k8s_POD_shop \
       --memory 32m --cpus 0.5 "$img" sh -c 'while true; do ping -c 1 peer >/dev/null 2>&1; dd if=/dev/zero of=/tmp/f bs=64k count=16 conv=fsync 2>/dev/null; sleep 0.5; done' >"$tmp/k8s.id"; then
    cid=$(cat "$tmp/k8s.id")
    FAKE_K8S_LOGS=1
    mkdir -p "/var/log/pods/shop_api-0_$uid/api" /var/log/containers
    : >"/var/log/pods/shop_api-0_$uid/api/0.log"
    ln -s "/var/log/pods/shop_api-0_$uid/api/0.log" "/var/log/containers/api-0_shop_api-$cid.log"
    k8s_note="fake pod shop/api-0 (container api) under kubepods/besteffort/pod$uid"
  else
    k8s_note="docker refused the kubepods cgroup parent"
  fi
fi

berth_port=$(free_port)
"$BERTH_BIN" serve --web.listen-address "127.0.0.1:$berth_port" --docker.socket "$BERTH_DOCKER_SOCKET" \
  >"$tmp/berth.log" 2>&1 &
BERTH_PID=$!
wait_http "http://127.0.0.1:$berth_port/metrics" 20 ||
  { echo "FAIL: berth serve did not answer"; tail -20 "$tmp/berth.log"; exit 1; }

# Until berth names Kubernetes containers itself (kubelet layout, issue 5),
# Prometheus gives the fake pod's series (real berth figures) the kubelet's
# labels; series that already carry a namespace are left alone.
fake_pod_relabel() {
  [ -n "$FAKE_K8S_LOGS" ] || return 0
  cat <<EOF2
    metric_relabel_configs:
      - source_labels: [id, namespace]
        regex: '.*pod$uid.*;'
        target_label: __tmp_fake_pod
        replacement: '1'
      - {source_labels: [__tmp_fake_pod], regex: '1', target_label: namespace, replacement: shop}
      - {source_labels: [__tmp_fake_pod], regex: '1', target_label: pod, replacement: api-0}
      - {source_labels: [__tmp_fake_pod], regex: '1', target_label: container, replacement: api}
      - {regex: __tmp_fake_pod, action: labeldrop}
EOF2
}

PROM_JOB_EXTRA=$(fake_pod_relabel)
start_prometheus "$tmp" "$berth_port" "$D"/rules/*.yml ||
  { echo "FAIL: prometheus did not become ready"; tail -20 "$tmp/prometheus.log"; exit 1; }
echo "berth on :$berth_port, prometheus on :$prom_port; $k8s_note"

# Substitutions as Grafana would make them for a 1 s scrape interval:
# $__rate_interval = max(4 x scrape interval, $__interval + scrape interval).
vars=(--var __rate_interval=10s --var __range=1m --var __interval=2s --var name=busy)
dashboards=("$D"/grafana/*.json)

start=$SECONDS
# flappy: three restarts, each start time scraped by Prometheus (see top).
flappy_start=$(flappy_start_after none 30) ||
  { echo "FAIL: Prometheus has no container_start_time_seconds{name=\"flappy\"} after 30 s"; exit 1; }
first_scrape=$((SECONDS - start))
for i in 1 2 3; do
  docker restart -t 0 flappy >/dev/null || { echo "FAIL: docker restart flappy"; exit 1; }
  flappy_start=$(flappy_start_after "$flappy_start" 20) ||
    { echo "FAIL: restart $i of flappy: no new container_start_time_seconds in Prometheus after 20 s"; exit 1; }
done
echo "flappy: first start time in Prometheus ${first_scrape} s after it was ready;" \
  "3 restarts, each new start time scraped, done after $((SECONDS - start)) s"
# "for a minute" (issue 6); everything is normally there after ~20 s
[ $((SECONDS - start)) -lt 60 ] && sleep $((60 - (SECONDS - start)))
result=1
while :; do
  curl -fsS "http://127.0.0.1:$berth_port/metrics" >"$tmp/metrics.prom" 2>/dev/null
  if grep -q '^container_last_seen{.*namespace=' "$tmp/metrics.prom"; then
    run=("${dashboards[@]}") k8s_labels="berth's own"
  elif [ -n "$FAKE_K8S_LOGS" ] && grep -q "^container_last_seen{.*pod$uid" "$tmp/metrics.prom"; then
    run=("${dashboards[@]}") k8s_labels="added by Prometheus relabelling to berth's series of the fake pod"
  else
    run=()
    for f in "${dashboards[@]}"; do
      [[ $f == *kubernetes* ]] || run+=("$f")
    done
  fi
  "$PY" "$D/tools/check_dashboards.py" "${vars[@]}" --live-metrics "$tmp/metrics.prom" \
    --prometheus "http://127.0.0.1:$prom_port" --check-rule-health \
    --expect-alert 'ContainerMemoryNearLimit{name=full,severity=warning}' \
    --expect-alert 'ContainerOOMKilled{name=oom}' \
    --expect-alert 'ContainerRestarting{name=flappy}' \
    "${run[@]}" >"$tmp/check.out" 2>&1
  result=$?
  restarts=$(prom_value 'berth:container_restarts:changes1h{name="flappy"}')
  if [ "$restarts" = 3 ]; then
    echo "flappy: berth:container_restarts:changes1h = 3" >"$tmp/flappy.out"
  else
    echo "FAIL flappy: berth:container_restarts:changes1h = '$restarts', want 3" >"$tmp/flappy.out"
    result=1
  fi
  [ "$result" -eq 0 ] && break
  [ $((SECONDS - start)) -ge 110 ] && break
  sleep 10
done
cat "$tmp/check.out" "$tmp/flappy.out"
if [ ${#run[@]} -eq ${#dashboards[@]} ]; then
  echo "berth-kubernetes.json checked; namespace/pod/container labels: $k8s_labels"
else
  echo "SKIP berth-kubernetes.json: berth reports no container with namespace/pod/container labels ($k8s_note)"
fi
echo "elapsed $((SECONDS - start)) s after start of scraping"
if [ "$result" -ne 0 ]; then
  echo "--- berth log"; tail -20 "$tmp/berth.log"
  echo "--- docker ps"; docker ps -a --format '{{.Names}} {{.Status}}'
  echo "FAIL: dashboards/alerts live check"
  exit 1
fi
echo "dashboards live check passed"
