#!/usr/bin/env bash
# HTTP servers side by side under slow clients (issue 12): starts
# http_server_compare for each server given (berth, mhd, mhd:THREADS), runs
# slow_clients.py with COUNT mixed clients (idle, dribbling, TLS-hello,
# kept-alive) against it, and prints its /healthz and /metrics latency
# lines plus the server's peak RSS (VmHWM) and threads. Same handlers, same
# page in every case (see http_server_compare.cc). With HOLD=S the clients
# wait S seconds before the scrapes, and the connections the server still
# holds at S-1 s are counted (every server has a 10 s timeout: what is left
# are clients it let stay, e.g. dribbling ones). With SCRAPERS=N, N loops
# of curl fetch /metrics back to back all along (busy scrapes next to the
# probes). First, without slow clients, CPU_SCRAPES (200) curl scrapes of
# /metrics give the server's CPU per scrape (utime+stime; wall time on a
# busy machine is noise).
# Usage: tests/bench/http_server_compare.sh [BIN] [SERVER…]
#   env COUNT (1000), SAMPLES (100), CONTAINERS (100), HOLD (0), SCRAPERS (0),
#   CPU_SCRAPES (200)
# Not a pass/fail test.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=${1:-$ROOT/build/release/tests/bench/http_server_compare}
shift || true
SERVERS=${*:-berth mhd}
COUNT=${COUNT:-1000} SAMPLES=${SAMPLES:-100} CONTAINERS=${CONTAINERS:-100} HOLD=${HOLD:-0} SCRAPERS=${SCRAPERS:-0}
CPU_SCRAPES=${CPU_SCRAPES:-200}
TICK=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
[ -x "$BIN" ] || { echo "no $BIN (built only when libmicrohttpd-dev is installed)"; exit 1; }
tmp=$(mktemp -d /tmp/berth-http-compare.XXXXXX)
PID= LOOPS=()
stop() {
  for loop in "${LOOPS[@]}"; do kill "$loop" 2>/dev/null; wait "$loop" 2>/dev/null; done
  LOOPS=()
  if [ -n "$PID" ]; then kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; fi
  PID=
}
trap 'stop; rm -rf "$tmp"' EXIT
trap 'exit 143' TERM INT

for server in $SERVERS; do
  kind=${server%%:*} threads=1
  [ "$kind" != "$server" ] && threads=${server#*:}
  "$BIN" "$kind" --containers "$CONTAINERS" --threads "$threads" >"$tmp/out" 2>"$tmp/err" &
  PID=$!
  for _ in $(seq 50); do grep -q '^port' "$tmp/out" && break; sleep 0.1; done
  read -r _ port _ page _ <"$tmp/out" || { echo "$server: did not start: $(cat "$tmp/err")"; stop; continue; }
  echo "== $server (page $page bytes)"
  before=$(cpu_ticks "$PID")
  for _ in $(seq "$CPU_SCRAPES"); do curl -s -o /dev/null "http://127.0.0.1:$port/metrics"; done
  after=$(cpu_ticks "$PID")
  [ "$CPU_SCRAPES" -gt 0 ] && awk -v t=$((after - before)) -v hz="$TICK" -v n="$CPU_SCRAPES" \
    'BEGIN {printf "   CPU per /metrics scrape %.2f ms (%d scrapes)\n", t * 1000 / hz / n, n}'
  for _ in $(seq "$SCRAPERS"); do
    (while curl -s -o /dev/null "http://127.0.0.1:$port/metrics"; do :; done) &
    LOOPS+=($!)
  done
  python3 "$ROOT/tests/bench/slow_clients.py" 127.0.0.1 "$port" --count "$COUNT" \
    --mode mixed --samples "$SAMPLES" --hold "$HOLD" &
  CLIENTS=$!
  if [ "$HOLD" != 0 ]; then
    sleep "$((HOLD - 1))"
    echo "   after $((HOLD - 1)) s the server holds $(ss -Htn state established "( sport = :$port )" | wc -l) of $COUNT connections"
  fi
  wait "$CLIENTS"
  echo "   peak RSS $(awk '/VmHWM/ {printf "%.1f MB", $2/1024}' "/proc/$PID/status"), $(awk '/Threads/ {print $2}' "/proc/$PID/status") threads, $(grep -c . "$tmp/err") error-log lines"
  stop
done
