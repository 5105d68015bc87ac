#!/usr/bin/env bash
# Real cost at real intervals (issue 14): what berth costs where users run it,
# next to netdata, in one window on this host.
#
# A private dockerd (tests/e2e/lib/dockerd.sh, debug log on) runs N busybox
# containers (a shell loop and a sleeper each, own network namespace); a few
# Docker-looking cgroups that this engine does not know (bare 64-hex ids with
# a sleeping process, as a second engine or leftovers leave them) sit beside
# them in every hierarchy. netdata (Debian's package, run privately: own
# config, directories and port, only its cgroups plugin, `use unified cgroups
# = no` on a hybrid host so it reads the v1 controllers as berth does) runs
# through the whole measurement. Then, one after the other:
#   serve 1s   `berth serve`, /metrics scraped every second
#   serve 15s  the same berth serve, scraped every 15 s (Prometheus' default)
#   top 1s     `berth top --interval 1` in a private tmux pane
# For each phase it prints berth's CPU per container per collection (all
# threads' sum_exec_runtime from /proc/PID/task/*/schedstat over the phase,
# divided by collections and N; /proc/PID/stat's ticks as a cross-check),
# scrape latency p50 and CPU per scrape p50 (serve), netdata's cgroups
# collection thread in the same window (per container per 1 s update; its
# discovery thread apart) and the ratio, and the engine requests dockerd
# logged in the phase: container lists (GET …/containers/json) and inspects.
#
# Usage: tests/bench/real_cost.sh [N] [SECONDS_1S] [SECONDS_15S]   (100 60 150)
#   BERTH_BIN (default build/release/cli/berth; several: each in turn),
#   BERTH_COST_GHOSTS (3),
#   BERTH_COST_KEEP=DIR keeps the logs.
# Not a pass/fail test, not in tests/run-all; needs root, docker.io,
# busybox-static, netdata, tmux. Prints the host's load with the figures: the
# CPU figures hold under load better than wall time does, the latencies not.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# BERTH_BIN may name several binaries (space-separated, e.g. a before and an
# after build): each runs the three phases on the same containers, in turn.
BERTH_BIN=${BERTH_BIN:-$ROOT/build/release/cli/berth}
N=${1:-100}
D1=${2:-60}
D15=${3:-150}
GHOSTS=${BERTH_COST_GHOSTS:-3}
for bin in $BERTH_BIN; do [ -x "$bin" ] || { echo "no berth binary at $bin"; exit 1; }; done
for tool in netdata tmux curl; do
  command -v "$tool" >/dev/null || { echo "$tool not installed"; exit 1; }
done
# shellcheck source=../e2e/lib/dockerd.sh
source "$ROOT/tests/e2e/lib/dockerd.sh"
# shellcheck source=../e2e/lib/stop_pid.sh
source "$ROOT/tests/e2e/lib/stop_pid.sh"
# shellcheck source=../e2e/lib/prometheus.sh
source "$ROOT/tests/e2e/lib/prometheus.sh"  # free_port, wait_http

tmp=$(mktemp -d /tmp/berth-real-cost.XXXXXX)
SERVE_PID='' TOP_PID='' ND_PID=''
GHOST_PIDS=() GHOST_DIRS=()
TMUX_SOCK=berth-real-cost-$$
cleanup() {
  stop_pid "$TOP_PID"
  tmux -L "$TMUX_SOCK" kill-server 2>/dev/null
  stop_pid "$SERVE_PID"
  stop_pid "$ND_PID"
  local p d
  for p in "${GHOST_PIDS[@]}"; do stop_pid "$p"; done
  for d in "${GHOST_DIRS[@]}"; do rmdir "$d" 2>/dev/null; done
  berth_dockerd_stop
  if [ -n "${BERTH_COST_KEEP:-}" ]; then
    mkdir -p "$BERTH_COST_KEEP" && cp -r "$tmp"/. "$BERTH_COST_KEEP"/ 2>/dev/null
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 143' TERM INT

# All threads' CPU (ns) of PID from schedstat; a thread that ended is not in
# it, so ticks() (utime+stime of the whole process, dead threads too) checks.
cpu_ns() { cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{ s += $1 } END { printf "%d\n", s }'; }
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
TICK=$(getconf CLK_TCK)
# The netdata threads named PLUGIN[cgroups]: the lower tid collects, the
# higher (started by it) is the discovery thread.
nd_thread_ns() {  # which (1 collect, 2 discovery)
  local t tids=()
  for t in /proc/"$ND_PID"/task/*; do
    [ "$(cat "$t/comm" 2>/dev/null)" = "PLUGIN[cgroups]" ] && tids+=("${t##*/}")
  done
  mapfile -t tids < <(printf '%s\n' "${tids[@]}" | sort -n)
  local tid=${tids[$(($1 - 1))]:-}
  [ -n "$tid" ] && awk '{ print $1 }' "/proc/$ND_PID/task/$tid/schedstat" || echo 0
}
engine_lists() { grep -c 'Calling GET /v[0-9.]*/containers/json' "$BERTH_DOCKERD_DIR/dockerd.log"; }
engine_inspects() { grep -cE 'Calling GET /v[0-9.]*/containers/[0-9a-f]{64}/json' "$BERTH_DOCKERD_DIR/dockerd.log"; }
median() { sort -n | awk '{ a[NR] = $1 } END { if (NR == 0) print "nan"; else print a[int((NR + 1) / 2)] }'; }

echo "== host: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg) at start"
BERTH_DOCKERD_ARGS=-D berth_dockerd_start || exit 1
# Started eight at a time (one by one takes minutes on a loaded host).
# (wait names the pids: dockerd is a child of this shell too.)
runs=()
for i in $(seq 1 "$N"); do
  docker run -d --name "cost-$i" --memory 64m "$BERTH_E2E_IMAGE" \
    sh -c 'sleep 100000 & while true; do sleep 1; done' >/dev/null &
  runs+=($!)
  if [ "${#runs[@]}" = 8 ] || [ "$i" = "$N" ]; then wait "${runs[@]}"; runs=(); fi
done
running=$(docker ps -q | wc -l)
[ "$running" = "$N" ] || { echo "$running of $N containers running"; exit 1; }

# Docker-looking cgroups this engine does not know, each with a process, in
# every hierarchy (v1 controllers and the v2 mount).
ghost_parent=berth-cost-ghost-${tmp##*.}
for g in $(seq 1 "$GHOSTS"); do
  id=$(printf '%064x' $((0xbe57c057000 + g)))
  sleep 100000 &
  GHOST_PIDS+=($!)
  for h in /sys/fs/cgroup/*/ /sys/fs/cgroup/; do
    [ -e "$h/cgroup.procs" ] || continue
    mkdir -p "$h/$ghost_parent/$id" || continue
    GHOST_DIRS=("$h/$ghost_parent/$id" "${GHOST_DIRS[@]}")
    [ "$g" = 1 ] && GHOST_DIRS+=("$h/$ghost_parent")
    echo "${GHOST_PIDS[-1]}" >"$h/$ghost_parent/$id/cgroup.procs" 2>/dev/null
  done
done

# netdata, privately: only the cgroups plugin, RAM database, no health, no
# exporting, no DOCKER_HOST (its naming script must not add engine requests).
nd=$tmp/netdata
mkdir -p "$nd"/{etc,log,cache,lib,lock}
nd_port=$(free_port)
unified=no
[ -e /sys/fs/cgroup/cgroup.controllers ] && unified=yes  # a v2-only host
cat >"$nd/netdata.conf" <<EOF
[global]
	run as user = root
	memory mode = ram
	update every = 1
[directories]
	config = $nd/etc
	stock config = /usr/lib/netdata/conf.d
	log = $nd/log
	cache = $nd/cache
	lib = $nd/lib
	lock = $nd/lock
	home = $nd
[logs]
	debug = $nd/log/debug.log
	error = $nd/log/error.log
	access = none
[web]
	bind to = 127.0.0.1:$nd_port
[health]
	enabled = no
[ml]
	enabled = no
[statsd]
	enabled = no
[plugins]
	proc = no
	diskspace = no
	tc = no
	idlejitter = no
	timex = no
	checks = no
	apps = no
	python.d = no
	charts.d = no
	go.d = no
	ebpf = no
	perf = no
	slabinfo = no
	fping = no
	ioping = no
	nfacct = no
	cups = no
	freeipmi = no
	cgroups = yes
	enable running new plugins = no
[plugin:cgroups]
	use unified cgroups = $unified
EOF
printf '[exporting:global]\n\tenabled = no\n' >"$nd/etc/exporting.conf"
env -u DOCKER_HOST netdata -D -c "$nd/netdata.conf" -P "$nd/pid" >"$nd/out.log" 2>&1 &
ND_PID=$!


phase_begin() {
  P_T0=$(date +%s.%N); P_ND0=$(nd_thread_ns 1); P_NDD0=$(nd_thread_ns 2)
  P_L0=$(engine_lists); P_I0=$(engine_inspects); P_LOAD0=$(cut -d' ' -f1 /proc/loadavg)
}
phase_end() {  # NAME PID CPU0_NS TICKS0 COLLECTIONS [latency_p50_ms cpu_p50_ms]
  local name=$1 pid=$2 c0=$3 k0=$4 cols=$5 lat=${6:-} scpu=${7:-}
  local c1 k1 t1 nd1 ndd1 l1 i1
  c1=$(cpu_ns "$pid"); k1=$(ticks "$pid"); t1=$(date +%s.%N)
  nd1=$(nd_thread_ns 1); ndd1=$(nd_thread_ns 2); l1=$(engine_lists); i1=$(engine_inspects)
  awk -v name="$name" -v n="$N" -v c0="$c0" -v c1="$c1" -v k0="$k0" -v k1="$k1" -v hz="$TICK" \
      -v cols="$cols" -v t0="$P_T0" -v t1="$t1" -v nd0="$P_ND0" -v nd1="$nd1" -v ndd0="$P_NDD0" \
      -v ndd1="$ndd1" -v lists=$((l1 - P_L0)) -v insp=$((i1 - P_I0)) -v lat="$lat" -v scpu="$scpu" \
      -v load0="$P_LOAD0" -v load1="$(cut -d' ' -f1 /proc/loadavg)" 'BEGIN {
    wall = t1 - t0
    us = (c1 - c0) / 1000 / cols / n
    us_ticks = (k1 - k0) / hz * 1e6 / cols / n
    nd_us = (nd1 - nd0) / 1000 / wall / n      # netdata updates once a second
    ndd_us = (ndd1 - ndd0) / 1000 / wall / n
    printf "%-9s %6.1f us/container/collection (ticks: %.0f), %d collections in %.0f s;", name, us, us_ticks, cols, wall
    if (lat != "") printf " scrape p50 %.1f ms, CPU p50 %.1f ms (%.2fx);", lat, scpu, (scpu > 0 ? lat / scpu : 0)
    printf " netdata cgroups %.1f us/container/update (discovery %.1f), ratio %.2f;", nd_us, ndd_us, (nd_us > 0 ? us / nd_us : 0)
    printf " engine lists %d, inspects %d; load %s-%s\n", lists, insp, load0, load1
  }'
}

scrape_phase() {  # NAME INTERVAL SECONDS
  local name=$1 interval=$2 seconds=$3 c0 k0 n=0 a b start lat
  : >"$tmp/lat-$name"; : >"$tmp/cpu-$name"
  phase_begin
  c0=$(cpu_ns "$SERVE_PID"); k0=$(ticks "$SERVE_PID")
  start=$(date +%s.%N)
  while :; do
    a=$(cpu_ns "$SERVE_PID")
    lat=$(curl -fsS -o /dev/null -w '%{time_total}' "$url") || { echo "scrape failed"; exit 1; }
    b=$(cpu_ns "$SERVE_PID")
    n=$((n + 1))
    echo "$lat" >>"$tmp/lat-$name"
    echo $((b - a)) >>"$tmp/cpu-$name"
    # Next scrape on the interval's grid, as Prometheus does.
    local next
    next=$(awk -v s="$start" -v i="$interval" -v n="$n" 'BEGIN { printf "%.3f", s + n * i }')
    awk -v nx="$next" -v d="$seconds" -v s="$start" 'BEGIN { exit !(nx - s >= d) }' && break
    local wait
    wait=$(awk -v nx="$next" -v now="$(date +%s.%N)" 'BEGIN { w = nx - now; printf "%.3f", (w > 0 ? w : 0) }')
    sleep "$wait"
  done
  phase_end "$name" "$SERVE_PID" "$c0" "$k0" "$n" \
    "$(awk '{ print $1 * 1000 }' "$tmp/lat-$name" | median)" \
    "$(awk '{ print $1 / 1e6 }' "$tmp/cpu-$name" | median)"
}

# netdata needs its discovery rounds (every 10 s) to pick up N containers.
for _ in $(seq 1 60); do
  nd_n=$(curl -fsS "http://127.0.0.1:$nd_port/api/v1/charts" 2>/dev/null |
    grep -o '"cgroup_[^"]*\.cpu"' | sort -u | wc -l)
  [ "${nd_n:-0}" -ge "$N" ] && break
  sleep 2
done
echo "== $N containers of the private dockerd ($GHOSTS unknown Docker-looking cgroups); netdata charts ${nd_n:-0} cgroups"
RUN=0
run_binary() {  # BIN
  local bin=$1 c0 k0
  RUN=$((RUN + 1))
  serve_port=$(free_port)
  "$bin" serve --docker.socket "$BERTH_DOCKER_SOCKET" \
    --web.listen-address "127.0.0.1:$serve_port" >"$tmp/serve.log" 2>&1 &
  SERVE_PID=$!
  wait_http "http://127.0.0.1:$serve_port/healthz" 30 || { echo "berth serve did not start"; cat "$tmp/serve.log"; exit 1; }
  url=http://127.0.0.1:$serve_port/metrics
  curl -fsS -o "$tmp/page" "$url" || exit 1
  seen=$(grep -c '^container_last_seen{' "$tmp/page")
  named=$(grep '^container_last_seen{' "$tmp/page" | grep -c 'name="cost-')
  echo "== $bin: berth sees $seen containers, $named named cost-*"
  sleep 5  # warm-up for serve: first collections, inspects done
  scrape_phase "serve 1s" 1 "$D1"
  scrape_phase "serve 15s" 15 "$D15"
  stop_pid "$SERVE_PID"; SERVE_PID=''

  tmux -L "$TMUX_SOCK" new-session -d -s top -x 200 -y 60 \
    "sh -c 'echo \$\$ >$tmp/top-$RUN.pid; exec \"$bin\" top --interval 1 --docker.socket \"$BERTH_DOCKER_SOCKET\"'; sleep 600"
  for _ in $(seq 1 50); do [ -s "$tmp/top-$RUN.pid" ] && break; sleep 0.1; done
  TOP_PID=$(cat "$tmp/top-$RUN.pid")
  sleep 5
  tmux -L "$TMUX_SOCK" capture-pane -p -t top | grep -q 'cost-' || { echo "berth top shows no cost-* container:"; tmux -L "$TMUX_SOCK" capture-pane -p -t top | head; exit 1; }
  phase_begin
  c0=$(cpu_ns "$TOP_PID"); k0=$(ticks "$TOP_PID")
  sleep "$D1"
  # Refreshes in the window: one a second.
  phase_end "top 1s" "$TOP_PID" "$c0" "$k0" "$(awk -v t0="$P_T0" -v t1="$(date +%s.%N)" 'BEGIN { printf "%d", t1 - t0 + 0.5 }')"
  stop_pid "$TOP_PID"; TOP_PID=''
  tmux -L "$TMUX_SOCK" kill-server 2>/dev/null
}

for bin in $BERTH_BIN; do run_binary "$bin"; done
echo "== load $(cut -d' ' -f1-3 /proc/loadavg) at the end"
