#!/usr/bin/env bash
# CPU used by `berth top` at a 1 s interval with N synthetic containers
# (issue 4 target: under 2 % of one core for N = 200).
#
# Builds a synthetic cgroup v2 host on /dev/shm (tests/bench/top_synthetic_host.py:
# N Docker containers whose CPU, memory, IO and network counters all move
# every second, so every frame differs), runs `berth top --interval 1` on it
# in a detached 200x60 tmux pane (a real terminal), lets it warm up, then
# reads utime+stime of the berth process from /proc/<pid>/stat over
# SECONDS of wall time and prints the share of one core.
# Usage: tests/bench/top_cpu_bench.sh [BERTH_BIN] [N] [SECONDS]   (200, 30)
# Not a pass/fail test; prints one line.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BERTH_BIN=${1:-${BERTH_BIN:-$ROOT/build/release/cli/berth}}
N=${2:-200}
SECONDS_MEASURED=${3:-30}
[ -x "$BERTH_BIN" ] || { echo "no berth binary at $BERTH_BIN"; exit 1; }
command -v tmux >/dev/null || { echo "tmux not installed"; exit 1; }
tmp=$(mktemp -d /dev/shm/berth-top-bench.XXXXXX)
SOCK=berth-top-bench-$$
BUMP_PID= TOP_PID=
cleanup() {
  [ -n "$TOP_PID" ] && kill "$TOP_PID" 2>/dev/null
  tmux -L "$SOCK" kill-server 2>/dev/null
  if [ -n "$BUMP_PID" ]; then kill "$BUMP_PID" 2>/dev/null; wait "$BUMP_PID" 2>/dev/null; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

python3 "$ROOT/tests/bench/top_synthetic_host.py" make "$tmp/root" "$N" || exit 1
python3 "$ROOT/tests/bench/top_synthetic_host.py" bump "$tmp/root" "$N" $((SECONDS_MEASURED + 30)) &
BUMP_PID=$!
tmux -L "$SOCK" new-session -d -s top -x 200 -y 60 \
  "sh -c 'echo \$\$ >$tmp/pid; exec \"$BERTH_BIN\" top --interval 1 --path.rootfs \"$tmp/root\" --docker.socket \"\"'; sleep 600"
for _ in $(seq 1 50); do [ -s "$tmp/pid" ] && break; sleep 0.1; done
TOP_PID=$(cat "$tmp/pid")
sleep 5  # warm-up: first collections, rates available
tmux -L "$SOCK" capture-pane -p -t top | grep -q 'be7000000' || { echo "berth top shows no containers:"; tmux -L "$SOCK" capture-pane -p -t top | head; exit 1; }

ticks() { awk '{ print $14 + $15 }' "/proc/$TOP_PID/stat"; }
TICK=$(getconf CLK_TCK)
t0=$(date +%s.%N); c0=$(ticks)
sleep "$SECONDS_MEASURED"
t1=$(date +%s.%N); c1=$(ticks)
rss=$(awk '/VmRSS/ { print $2 }' "/proc/$TOP_PID/status")
awk -v c0="$c0" -v c1="$c1" -v t0="$t0" -v t1="$t1" -v hz="$TICK" -v n="$N" -v rss="$rss" 'BEGIN {
  cpu = (c1 - c0) / hz; wall = t1 - t0;
  printf "berth top, %d containers, 1 s interval, 200x60: %.2f%% of one core (%.2f s CPU in %.1f s), %.1f ms per refresh, RSS %d KiB\n",
    n, 100 * cpu / wall, cpu, wall, 1000 * cpu / wall, rss }'
