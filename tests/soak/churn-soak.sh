#!/usr/bin/env bash
# Churn soak (issue 12, item 8): containers of a private dockerd are created,
# renamed, restarted and removed without pause while a real Prometheus
# (Debian's, own directory and port) scrapes `berth serve` every second and
# `berth top` runs in a private tmux server. Checks, over the whole run:
#   - no error: no level=error line in the logs of berth serve and berth top,
#     berth_collector_errors_total stays 0, Prometheus' target is healthy at
#     every look (every 2 s) and `up` is never 0, no direct scrape fails;
#   - a removed container has no series past one scrape: /metrics scraped
#     1 s after each `docker rm` (one scrape interval; past the 500 ms
#     sharing window) lacks its id, and in Prometheus its last sample is no
#     later than the first scrape that began after the removal; a renamed
#     container's old name is gone from /metrics 1 s after `docker rename`;
#   - RSS and open descriptors of berth serve (and berth top), sampled each
#     second with the number of live containers, are flat: the least-squares
#     slope over time after a warm-up, the container count held fixed (berth
#     keeps ~15 descriptors per container, so the raw count follows the churn),
#     stays under a threshold (KB/min, fds/min) that a leak of one buffer or
#     descriptor per scrape or per removed container would cross; and once
#     the churned containers are gone the descriptor count is back where it
#     was before the churn (one anchor container runs throughout).
# Usage: tests/soak/churn-soak.sh [--duration SECONDS]   (default 600; CI 60)
# Env: BERTH_BIN; BERTH_SOAK_MAX_RSS_KB_PER_MIN, BERTH_SOAK_MAX_FDS_PER_MIN:
# the slope thresholds, by default 2048 KB/min and 36 fds/min for runs under
# 5 minutes (their fit still holds some warm-up: serve's RSS settles over ~4
# minutes), 256 KB/min and 3 fds/min from 5 minutes on (64 KiB and one
# descriptor leaked per scrape measured 4.9 MB/min and 72 fds/min; a
# descriptor kept per removed container is caught by the count after the
# churn); BERTH_SOAK_KEEP=DIR keeps the logs
# and samples there. Exit 0 pass, 77 skip, else fail. Stops what it started.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BERTH_BIN=${BERTH_BIN:-$ROOT/build/release/cli/berth}
duration=600
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration=$2; shift ;;
    *) echo "churn-soak: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
case "$duration" in ''|*[!0-9]*) echo "churn-soak: --duration wants whole seconds" >&2; exit 2 ;; esac
[ "$duration" -ge 30 ] || { echo "churn-soak: --duration of at least 30 s" >&2; exit 2; }
if [ "$duration" -lt 300 ]; then
  max_rss_slope=${BERTH_SOAK_MAX_RSS_KB_PER_MIN:-2048} max_fd_slope=${BERTH_SOAK_MAX_FDS_PER_MIN:-36}
else
  max_rss_slope=${BERTH_SOAK_MAX_RSS_KB_PER_MIN:-256} max_fd_slope=${BERTH_SOAK_MAX_FDS_PER_MIN:-3}
fi
# The first part of the run warms allocator arenas, buffers and caches up:
# slopes are fitted to what follows.
warmup=$((duration / 4 < 60 ? duration / 4 : 60))

# shellcheck source=lib/require.sh
source "$(dirname "$0")/../e2e/lib/require.sh"
require_tools prometheus promtool curl jq python3 tmux
require_berth
require_root "a private dockerd"

source "$ROOT/tests/e2e/lib/dockerd.sh"
# shellcheck source=../e2e/lib/stop_pid.sh
source "$ROOT/tests/e2e/lib/stop_pid.sh"
# shellcheck source=../e2e/lib/prometheus.sh
source "$ROOT/tests/e2e/lib/prometheus.sh"
tmp=$(mktemp -d /tmp/berth-soak.XXXXXX)
TMUX_SOCK=berth-soak-$$
BERTH_PID= PROM_PID= TOP_PID= CHURN_PID= SAMPLER_PID= MONITOR_PID=
tm() { tmux -L "$TMUX_SOCK" "$@"; }
cleanup() {
  stop_pid "$CHURN_PID"; stop_pid "$SAMPLER_PID"; stop_pid "$MONITOR_PID"
  stop_pid "$TOP_PID"; tm kill-server 2>/dev/null
  stop_pid "$PROM_PID"; stop_pid "$BERTH_PID"
  berth_dockerd_stop
  if [ -n "${BERTH_SOAK_KEEP:-}" ]; then
    mkdir -p "$BERTH_SOAK_KEEP" && cp -r "$tmp"/*.txt "$tmp"/*.log "$BERTH_SOAK_KEEP"/ 2>/dev/null
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 143' TERM INT
fail() { echo "FAIL: $*"; echo "--- berth log"; tail -20 "$tmp/berth.log" 2>/dev/null; exit 1; }


berth_dockerd_start || fail "private dockerd did not start"
img=$BERTH_E2E_IMAGE
# The anchor runs throughout; its cgroup's parent holds every container's.
docker run -d --name soak-anchor "$img" sleep 3600 >/dev/null || fail "docker run soak-anchor"
anchor_pid=$(docker inspect -f '{{.State.Pid}}' soak-anchor)
anchor_cgroup=$(awk -F: '$2 ~ /(^|,)pids(,|$)/ { print "/sys/fs/cgroup/pids" $3 }' "/proc/$anchor_pid/cgroup")
[ -d "$anchor_cgroup" ] || anchor_cgroup=/sys/fs/cgroup$(awk -F: '$1 == 0 { print $3 }' "/proc/$anchor_pid/cgroup")
containers_dir=$(dirname "$anchor_cgroup")
[ -d "$containers_dir" ] || fail "no cgroup directory of the containers ($containers_dir)"

berth_port=$(free_port)
metrics_url=http://127.0.0.1:$berth_port/metrics
"$BERTH_BIN" serve --web.listen-address "127.0.0.1:$berth_port" --docker.socket "$BERTH_DOCKER_SOCKET" \
  >"$tmp/berth.log" 2>&1 &
BERTH_PID=$!
wait_http "http://127.0.0.1:$berth_port/healthz" 20 || fail "berth serve did not answer"

start_prometheus "$tmp" "$berth_port" || fail "prometheus did not become ready"

# berth top in a terminal, refreshing every second; its pid via the shell it replaces.
tm new-session -d -s top -x 160 -y 50 \
  "sh -c 'echo \$\$ >$tmp/top.pid; exec \"$BERTH_BIN\" top --interval 1 --no-color --docker.socket \"$BERTH_DOCKER_SOCKET\" 2>$tmp/top.log'; sleep 600" ||
  fail "tmux new-session"
for _ in $(seq 1 50); do [ -s "$tmp/top.pid" ] && break; sleep 0.1; done
TOP_PID=$(cat "$tmp/top.pid" 2>/dev/null)
[ -n "$TOP_PID" ] || fail "berth top did not start"

# Prometheus scrapes berth before the clock starts.
for _ in $(seq 1 50); do
  curl -fsS "$prom_url/api/v1/targets" | jq -e '.data.activeTargets[0].health == "up"' >/dev/null 2>&1 && break
  sleep 0.2
done

# --- Sampler: "seconds rss_kb fds containers" of serve and of top, once a
# second (bash builtins only: the sampler must not load the machine).
shopt -s nullglob
sample() {  # PID -> "rss_kb fds" or nothing
  local key value rest fds
  [ -r "/proc/$1/status" ] || return
  while read -r key value rest; do
    [ "$key" = VmRSS: ] && break
  done <"/proc/$1/status"
  fds=(/proc/$1/fd/*)
  [ "$key" = VmRSS: ] && echo "$value ${#fds[@]}"
}
containers_now() { local dirs=("$containers_dir"/*/); echo ${#dirs[@]}; }
sampler() {
  local t0=${EPOCHREALTIME/./} t s n
  while :; do
    t=$(( (${EPOCHREALTIME/./} - t0) / 10000 ))
    t=$((t / 100)).$(printf '%02d' $((t % 100)))
    n=$(containers_now)
    s=$(sample "$BERTH_PID"); [ -n "$s" ] && echo "$t $s $n" >>"$tmp/serve-samples.txt"
    s=$(sample "$TOP_PID"); [ -n "$s" ] && echo "$t $s $n" >>"$tmp/top-samples.txt"
    sleep 1
  done
}
# Descriptors with the anchor alone, after a few scrapes and refreshes and
# one round of each churn step (berth opens some connections, to Docker and
# its own, on the first events: once, not per container).
for name in soak-warm1 soak-warm2; do docker run -d --name "$name" "$img" sleep 3600 >/dev/null; done
docker restart -t 0 soak-warm1 >/dev/null; docker rename soak-warm2 soak-warm3
sleep 1.5
docker rm -f soak-warm1 soak-warm3 >/dev/null
sleep 3
serve_fds_before=$(sample "$BERTH_PID" | cut -d' ' -f2)
top_fds_before=$(sample "$TOP_PID" | cut -d' ' -f2)
sampler &
SAMPLER_PID=$!

# --- Monitor: Prometheus' view of the target every 2 s.
(
  while :; do
    curl -fsS "$prom_url/api/v1/targets" 2>/dev/null |
      jq -r '.data.activeTargets[] | select(.health != "up") | "\(now) \(.health) \(.lastError)"' \
        >>"$tmp/target-problems.txt" 2>/dev/null
    sleep 2
  done
) &
MONITOR_PID=$!

# --- Churn: without pause, create, rename, restart and remove containers,
# between 3 and 8 at a time. Each removal is logged "epoch id name" and
# checked against /metrics 1 s later in the background (the churn goes on).
check_removed() {  # ID NAME
  sleep 1
  local page
  page=$(curl -fsS "$metrics_url") || { echo "scrape after removing $2 failed" >>"$tmp/scrape-errors.txt"; return; }
  grep -q "$1" <<<"$page" && echo "$2 ($1): $(grep -c "$1" <<<"$page") series 1 s after docker rm" >>"$tmp/stale.txt"
}
check_renamed() {  # OLD NEW
  sleep 1
  local page
  page=$(curl -fsS "$metrics_url") || { echo "scrape after renaming $1 failed" >>"$tmp/scrape-errors.txt"; return; }
  grep -q "name=\"$1\"" <<<"$page" && echo "$1 -> $2: old name on $(grep -c "name=\"$1\"" <<<"$page") series 1 s after docker rename" >>"$tmp/stale.txt"
}
churn() {
  local n=0 step=0 ids=() names=() k id name
  while :; do
    step=$((step + 1))
    if [ ${#ids[@]} -lt 3 ] || { [ ${#ids[@]} -lt 8 ] && [ $((step % 4)) = 0 ]; }; then
      n=$((n + 1))
      name=soak-$n
      # Some memory and a file on the container's disk, then idle.
      id=$(docker run -d --name "$name" --memory 32m "$img" \
        sh -c 'dd if=/dev/zero of=/tmp/fill bs=64k count=32 2>/dev/null; exec sleep 3600' 2>>"$tmp/churn-errors.txt")
      if [ -n "$id" ]; then ids+=("$id"); names+=("$name"); echo "create $name" >>"$tmp/churn.txt"; fi
      continue
    fi
    k=$((RANDOM % ${#ids[@]}))
    case $((step % 4)) in
      1)  # rename
        name=${names[$k]%-r*}-r$step
        if docker rename "${ids[$k]}" "$name" 2>>"$tmp/churn-errors.txt"; then
          check_renamed "${names[$k]}" "$name" &
          names[$k]=$name
          echo "rename $name" >>"$tmp/churn.txt"
        fi ;;
      2)  # restart (no grace: sleep as pid 1 ignores SIGTERM)
        docker restart -t 0 "${ids[$k]}" >/dev/null 2>>"$tmp/churn-errors.txt" &&
          echo "restart ${names[$k]}" >>"$tmp/churn.txt" ;;
      3)  # remove
        if docker rm -f "${ids[$k]}" >/dev/null 2>>"$tmp/churn-errors.txt"; then
          echo "$(date +%s.%N) ${ids[$k]} ${names[$k]}" >>"$tmp/removed.txt"
          check_removed "${ids[$k]}" "${names[$k]}" &
          echo "remove ${names[$k]}" >>"$tmp/churn.txt"
          ids=("${ids[@]:0:$k}" "${ids[@]:$((k + 1))}")
          names=("${names[@]:0:$k}" "${names[@]:$((k + 1))}")
        fi ;;
    esac
  done
}
: >"$tmp/removed.txt"; : >"$tmp/stale.txt"; : >"$tmp/scrape-errors.txt"
: >"$tmp/target-problems.txt"; : >"$tmp/churn-errors.txt"; : >"$tmp/churn.txt"
start_epoch=$(date +%s.%N)
churn &
CHURN_PID=$!
echo "soak: churning for $duration s (berth serve pid $BERTH_PID on :$berth_port, Prometheus :$prom_port, berth top pid $TOP_PID)"
churn_start=$SECONDS next=60
while [ $((SECONDS - churn_start)) -lt "$duration" ]; do
  left=$((duration - (SECONDS - churn_start)))
  sleep $((left < 5 ? left : 5))
  kill -0 "$BERTH_PID" 2>/dev/null || fail "berth serve died"
  elapsed=$((SECONDS - churn_start))
  if [ "$elapsed" -ge $next ] && [ "$elapsed" -lt "$duration" ]; then
    echo "soak: $elapsed s: $(grep -c . "$tmp/churn.txt") churn steps, serve $(tail -1 "$tmp/serve-samples.txt" | awk '{print $2 " KB, " $3 " fds"}')"
    next=$((next + 60))
  fi
done
# The churn loop ends its current docker call; then the last checks finish.
kill "$CHURN_PID" 2>/dev/null; wait "$CHURN_PID" 2>/dev/null; CHURN_PID=
end_epoch=$(date +%s.%N)
stop_pid "$SAMPLER_PID"; SAMPLER_PID=
sleep 2.5  # the last removal checks and the next scrapes
stop_pid "$MONITOR_PID"; MONITOR_PID=
# Back to the anchor alone: the churned containers' descriptors must be gone.
churned=$(docker ps -aq --filter name=soak- | grep -v "^$(docker inspect -f '{{.Id}}' soak-anchor | cut -c1-12)" || true)
[ -n "$churned" ] && docker rm -f $churned >/dev/null 2>&1
sleep 3  # Prometheus scrapes, top refreshes
curl -fsS -o /dev/null "$metrics_url"
serve_fds_after=$(sample "$BERTH_PID" | cut -d' ' -f2)
top_fds_after=$(sample "$TOP_PID" | cut -d' ' -f2)

failed=0
problem() { echo "FAIL: $*"; failed=1; }

# --- Churn figures.
for action in create rename restart remove; do
  printf '%s=%s ' "$action" "$(grep -c "^$action " "$tmp/churn.txt")"
done
echo "(churn steps in $duration s; docker errors: $(grep -c . "$tmp/churn-errors.txt"))"
[ "$(grep -c '^remove ' "$tmp/churn.txt")" -ge 3 ] || problem "fewer than 3 removals: the churn did not run"

# --- Errors.
kill -0 "$BERTH_PID" 2>/dev/null || problem "berth serve died"
kill -0 "$TOP_PID" 2>/dev/null || problem "berth top died"
serve_errors=$(grep -c 'level=error' "$tmp/berth.log")
serve_warnings=$(grep -c 'level=warn' "$tmp/berth.log")
top_lines=$(grep -c . "$tmp/top.log")
echo "berth serve log: $serve_errors errors, $serve_warnings warnings; berth top stderr: $top_lines lines"
[ "$serve_errors" = 0 ] || { grep 'level=error' "$tmp/berth.log" | head -5; problem "berth serve logged errors"; }
[ "$serve_warnings" = 0 ] || grep 'level=warn' "$tmp/berth.log" | head -5
[ "$top_lines" = 0 ] || { head -5 "$tmp/top.log"; problem "berth top wrote to stderr"; }
collector_errors=$(curl -fsS "$metrics_url" | awk '/^berth_collector_errors_total\{/ { print; sum += $NF } END { print "total " sum + 0 }')
echo "berth_collector_errors_total: $(tr '\n' ' ' <<<"$collector_errors")"
[ "$(tail -1 <<<"$collector_errors")" = "total 0" ] || problem "berth counted collection errors"
scrape_errors=$(grep -c . "$tmp/scrape-errors.txt")
[ "$scrape_errors" = 0 ] || { head -5 "$tmp/scrape-errors.txt"; problem "$scrape_errors direct scrapes failed"; }
target_problems=$(grep -c . "$tmp/target-problems.txt")
[ "$target_problems" = 0 ] || { head -5 "$tmp/target-problems.txt"; problem "Prometheus saw the target unhealthy $target_problems times"; }
span=$(awk -v a="$start_epoch" -v b="$end_epoch" 'BEGIN { printf "%d", b - a }')
query() {  # PROMQL -> first value
  curl -fsS "$prom_url/api/v1/query" --data-urlencode "query=$1" | jq -r '.data.result[0].value[1] // "none"'
}
up_min=$(query "min_over_time(up{job=\"berth\"}[${span}s])")
up_count=$(query "count_over_time(up{job=\"berth\"}[${span}s])")
scrape_max=$(query "max_over_time(scrape_duration_seconds{job=\"berth\"}[${span}s])")
echo "Prometheus: up min $up_min over $up_count scrapes in $span s, slowest scrape ${scrape_max} s, target unhealthy $target_problems times"
[ "$up_min" = 1 ] || problem "up was $up_min during the soak"
awk -v n="$up_count" -v s="$span" 'BEGIN { exit !(n + 0 >= 0.9 * s) }' || problem "only $up_count scrapes in $span s"

# --- Removed containers: direct scrapes, then Prometheus' samples.
removed=$(grep -c . "$tmp/removed.txt")
stale=$(grep -c . "$tmp/stale.txt")
python3 "$ROOT/tests/soak/removed_series.py" "$prom_url" "$tmp/removed.txt" >"$tmp/prom-stale.txt"
prom_rc=$?
echo "removed containers: $removed; series 1 s after rm/rename in /metrics: $stale; in Prometheus: $(tail -1 "$tmp/prom-stale.txt")"
[ "$stale" = 0 ] || { head -5 "$tmp/stale.txt"; problem "series of removed or renamed containers outlived one scrape"; }
[ "$prom_rc" = 0 ] || { head -5 "$tmp/prom-stale.txt"; problem "Prometheus kept samples of removed containers past one scrape"; }

# --- RSS and descriptor slopes over the samples after warm-up.
for who in serve top; do
  read -r rss_slope rss_per fd_slope fd_per n r0 r1 f0 f1 <<<"$(python3 "$ROOT/tests/soak/slopes.py" "$warmup" <"$tmp/$who-samples.txt")"
  echo "berth $who: RSS slope $rss_slope KB/min, fd slope $fd_slope fds/min (least squares over $n samples after ${warmup} s warm-up, per container $rss_per KB and $fd_per fds held apart; RSS $r0 -> $r1 KB)"
  awk -v v="$rss_slope" -v m="$max_rss_slope" 'BEGIN { exit !(v == v + 0 && v < m) }' ||
    problem "berth $who RSS grows $rss_slope KB/min (threshold $max_rss_slope)"
  awk -v v="$fd_slope" -v m="$max_fd_slope" 'BEGIN { exit !(v == v + 0 && v < m) }' ||
    problem "berth $who descriptors grow $fd_slope /min (threshold $max_fd_slope)"
done
echo "descriptors with the anchor alone, before -> after the churn: serve $serve_fds_before -> $serve_fds_after, top $top_fds_before -> $top_fds_after"
[ "${serve_fds_after:-x}" -le $((serve_fds_before + 2)) ] 2>/dev/null || problem "berth serve: descriptors not back to the pre-churn count"
[ "${top_fds_after:-x}" -le $((top_fds_before + 2)) ] 2>/dev/null || problem "berth top: descriptors not back to the pre-churn count"

# --- berth top still draws.
tm capture-pane -p -t top >"$tmp/top-screen.txt" 2>/dev/null
head -1 "$tmp/top-screen.txt" | grep -q '^berth top' || { cat "$tmp/top-screen.txt"; problem "berth top screen garbled"; }

[ "$failed" = 0 ] || exit 1
echo "PASS"
