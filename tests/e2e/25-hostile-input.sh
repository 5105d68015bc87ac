#!/usr/bin/env bash
# Hostile input against the release binary (issue 12, "Why"), on a private
# copy of the v2-docker-systemd fixture tree (--path.rootfs), no Docker needed:
#   1. a FIFO where memory.stat should be: `berth stats` returns at once with
#      a clear message and memory `--` (no working set passed off as usage);
#      `berth serve` answers every /metrics and /healthz and stops within 2 s
#      of SIGTERM after them;
#   2. io.stat a symlink to /dev/zero: refused at once, peak RSS small;
#   3. a 100 MB memory.stat: refused, serve's RSS (and peak) stays small;
#   4. a garbage memory.max and one that cannot be read (a directory): the
#      limit is unknown (`--`, null, no series), never the host's MemTotal;
#   5. --interval=nan / inf / -1: refused with one clear line, at once;
#   6. 100 keep-alive pollers and 2,000 idle connections opened in one burst:
#      /healthz and /metrics still answer within 1 s; ten pipelined requests
#      get ten answers, in order;
#   7. SIGTERM ends serve within 2 s while a scrape is stuck on a runtime
#      socket that never answers (--docker.timeout 60s).
# Env: BERTH_BIN. Exit 0 pass, 77 skip, else fail. Stops what it started.
# berth-e2e: alone  (its latency bounds need a host without a neighbour's e2e load)
set -uo pipefail
[ -n "${BERTH_BIN:-}" ] && [ -x "$BERTH_BIN" ] || { echo "SKIP: BERTH_BIN is not set to the built berth binary"; exit 77; }
# shellcheck source=lib/require.sh
source "$(dirname "$0")/lib/require.sh"
require_tools curl python3 mkfifo

HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d /tmp/berth-e2e-hostile.XXXXXX)
BERTH_PID='' HUNG_PID=''
# shellcheck source=lib/stop_pid.sh
source "$HERE/lib/stop_pid.sh"
# shellcheck source=lib/hung_socket.sh
source "$HERE/lib/hung_socket.sh"
cleanup() {
  local rc=$?
  stop_pid "$BERTH_PID"
  stop_pid "$HUNG_PID"
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; [ -f "$WORK/berth.log" ] && { echo "--- berth log"; tail -20 "$WORK/berth.log"; }; exit 1; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }

ROOT=$WORK/root
cp -a "$HERE/../fixtures/v2-docker-systemd" "$ROOT" || fail "cannot copy the fixture"
A=$ROOT/sys/fs/cgroup/system.slice/docker-3f4e8a1b2c7d90e5f6a7b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f7a8b9c0d.scope
B=$ROOT/sys/fs/cgroup/system.slice/docker-9a8b7c6d5e4f30211f2e3d4c5b6a79881726354453627180a9b8c7d6e5f40312.scope
[ -f "$A/memory.stat" ] && [ -f "$B/memory.max" ] || fail "fixture layout changed"
cp "$A/memory.stat" "$WORK/memory.stat.orig"
cp "$A/io.stat" "$WORK/io.stat.orig"

# shellcheck source=lib/http.sh
source "$HERE/lib/http.sh"

# berth stats --no-stream on the tree, timed (the child alone, not python's
# start) and with its peak RSS (KiB). Sets STATS_MS, STATS_RSS_KB, STATS_RC;
# output in $WORK/stats.{out,err}.
run_stats() {
  read -r STATS_MS STATS_RSS_KB STATS_RC < <(python3 - "$WORK" "$BERTH_BIN" stats --no-stream \
    --path.rootfs "$ROOT" --docker.socket "" "$@" <<'PY'
import resource, subprocess, sys, time
work = sys.argv[1]
with open(work + "/stats.out", "w") as out, open(work + "/stats.err", "w") as err:
    start = time.monotonic()
    try:
        rc = subprocess.run(sys.argv[2:], stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                            timeout=20).returncode
    except subprocess.TimeoutExpired:
        rc = 124
    ms = int((time.monotonic() - start) * 1000)
print(ms, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, rc)
PY
)
}

# Starts berth serve on the tree; sets PORT, BERTH_PID.
start_serve() {
  PORT=$(free_port)
  "$BERTH_BIN" serve --path.rootfs "$ROOT" --docker.socket "" --web.listen-address "127.0.0.1:$PORT" \
    >"$WORK/berth.log" 2>&1 &
  BERTH_PID=$!
  for _ in $(seq 1 100); do
    curl -fsS --max-time 1 -o /dev/null "http://127.0.0.1:$PORT/healthz" 2>/dev/null && return 0
    kill -0 "$BERTH_PID" 2>/dev/null || fail "berth serve exited at start"
    sleep 0.1
  done
  fail "berth serve did not answer /healthz"
}

# SIGTERM; the process must be gone within 2 s.
term_within_2s() {
  local start ms
  start=$(now_ms)
  kill -TERM "$BERTH_PID"
  for _ in $(seq 1 40); do kill -0 "$BERTH_PID" 2>/dev/null || break; sleep 0.05; done
  ms=$(($(now_ms) - start))
  kill -0 "$BERTH_PID" 2>/dev/null && fail "$1: berth serve still running ${ms} ms after SIGTERM"
  wait "$BERTH_PID" 2>/dev/null
  BERTH_PID=
  echo "$1: SIGTERM -> exit in ${ms} ms"
}

vm_kb() { awk -v key="$2:" '$1 == key {print $2}' "/proc/$1/status"; }

# --- 1. a FIFO where memory.stat should be ---------------------------------
rm "$A/memory.stat" && mkfifo "$A/memory.stat" || fail "mkfifo"
run_stats
echo "1. FIFO memory.stat: berth stats ${STATS_MS} ms, exit $STATS_RC"
[ "$STATS_RC" = 0 ] || { cat "$WORK/stats.err"; fail "berth stats exited $STATS_RC with a FIFO memory.stat"; }
[ "$STATS_MS" -lt 5000 ] || fail "berth stats took ${STATS_MS} ms with a FIFO memory.stat"
grep -q "memory.stat: read failed: not a regular file" "$WORK/stats.err" ||
  { cat "$WORK/stats.err"; fail "no clear message about the FIFO"; }
grep -q "^3f4e8a1b2c7d" "$WORK/stats.out" || { cat "$WORK/stats.out"; fail "the container with the FIFO is not listed"; }
# Without memory.stat (inactive_file) memory is unknown, never usage passed off as it.
awk '$1 == "3f4e8a1b2c7d" && $4 == "--" && $5 == "--" {found = 1} END {exit !found}' "$WORK/stats.out" ||
  { cat "$WORK/stats.out"; fail "FIFO memory.stat: MEM USAGE / MEM % not shown as --"; }
start_serve
for i in 1 2 3 4 5 6 7 8; do
  curl -fsS --max-time 2 -o "$WORK/metrics.txt" "http://127.0.0.1:$PORT/metrics" || fail "FIFO: scrape $i did not answer within 2 s"
done
curl -fsS --max-time 1 -o /dev/null "http://127.0.0.1:$PORT/healthz" || fail "FIFO: /healthz stopped answering after 8 scrapes"
grep -q '^container_cpu_usage_seconds_total{id="/system.slice/docker-3f4e8a1b2c7d' "$WORK/metrics.txt" ||
  fail "FIFO: the container's other series are gone"
! grep -q '^container_memory_working_set_bytes{id="/system.slice/docker-3f4e8a1b2c7d' "$WORK/metrics.txt" ||
  fail "FIFO: a working set without memory.stat (usage passed off as it)"
term_within_2s "1. FIFO memory.stat, after 8 scrapes"
rm "$A/memory.stat" && cp "$WORK/memory.stat.orig" "$A/memory.stat"

# --- 2. a control file that never ends (/dev/zero) -------------------------
rm "$A/io.stat" && ln -s /dev/zero "$A/io.stat"
run_stats
echo "2. io.stat -> /dev/zero: berth stats ${STATS_MS} ms, peak RSS ${STATS_RSS_KB} KiB"
[ "$STATS_RC" = 0 ] || { cat "$WORK/stats.err"; fail "berth stats exited $STATS_RC with io.stat -> /dev/zero"; }
[ "$STATS_MS" -lt 5000 ] || fail "berth stats took ${STATS_MS} ms with io.stat -> /dev/zero"
[ "$STATS_RSS_KB" -lt 65536 ] || fail "peak RSS ${STATS_RSS_KB} KiB reading io.stat -> /dev/zero"
grep -q "io.stat: read failed: not a regular file" "$WORK/stats.err" ||
  { cat "$WORK/stats.err"; fail "no clear message about io.stat -> /dev/zero"; }
rm "$A/io.stat" && cp "$WORK/io.stat.orig" "$A/io.stat"

# --- 3. a 100 MB memory.stat --------------------------------------------------
python3 - "$A/memory.stat" <<'PY'
import sys
line = b"anon 4096\n"
with open(sys.argv[1], "wb") as f:
    block = line * ((1 << 20) // len(line) + 1)
    for _ in range(100):
        f.write(block[: 1 << 20])
PY
start_serve
for i in 1 2 3; do
  curl -fsS --max-time 5 -o "$WORK/metrics.txt" "http://127.0.0.1:$PORT/metrics" || fail "100 MB memory.stat: scrape $i failed"
done
rss=$(vm_kb "$BERTH_PID" VmRSS) hwm=$(vm_kb "$BERTH_PID" VmHWM)
echo "3. 100 MB memory.stat: serve RSS ${rss} KiB, peak ${hwm} KiB after 3 scrapes"
[ "$hwm" -lt 65536 ] || fail "100 MB memory.stat: peak RSS ${hwm} KiB"
[ "$rss" -lt 49152 ] || fail "100 MB memory.stat: RSS ${rss} KiB after the scrapes"
grep -q "memory.stat: read failed" "$WORK/berth.log" || fail "100 MB memory.stat: no message"
stop_pid "$BERTH_PID"; BERTH_PID=
cp "$WORK/memory.stat.orig" "$A/memory.stat"

# --- 4. memory.max garbage / unreadable: unknown, never MemTotal -------------
cp "$A/memory.max" "$WORK/memory.max.a" && cp "$B/memory.max" "$WORK/memory.max.b"
echo "garbage" >"$A/memory.max"
rm "$B/memory.max" && mkdir "$B/memory.max"
run_stats --format json
[ "$STATS_RC" = 0 ] || { cat "$WORK/stats.err"; fail "berth stats exited $STATS_RC with bad memory.max"; }
python3 - "$WORK/stats.out" <<'PY' || fail "a bad memory.max was shown as a limit"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
ids = {r["ID"][:12]: r for r in rows}
bad = 0
for short in ("3f4e8a1b2c7d", "9a8b7c6d5e4f"):
    r = ids.get(short)
    if r is None:
        print("missing", short); bad = 1; continue
    limit = r["MemUsage"].split(" / ")[-1]
    print(f"4. {short}: MemUsage {r['MemUsage']!r}, MemPerc {r['MemPerc']!r}")
    if limit != "--" or r["MemPerc"] != "--":
        bad = 1
sys.exit(bad)
PY
start_serve
curl -fsS --max-time 5 -o "$WORK/metrics.txt" "http://127.0.0.1:$PORT/metrics" || fail "bad memory.max: scrape failed"
n=$(grep -c '^container_spec_memory_limit_bytes{' "$WORK/metrics.txt")
[ "$n" = 0 ] || { grep '^container_spec_memory_limit_bytes{' "$WORK/metrics.txt"; fail "bad memory.max: $n limit series"; }
stop_pid "$BERTH_PID"; BERTH_PID=
rmdir "$B/memory.max"
cp "$WORK/memory.max.a" "$A/memory.max" && cp "$WORK/memory.max.b" "$B/memory.max"

# --- 5. --interval=nan / inf -------------------------------------------------
for cmd in stats top; do
  for bad in nan inf -inf -1; do
    start=$(now_ms)
    timeout 5 "$BERTH_BIN" "$cmd" --path.rootfs "$ROOT" --docker.socket "" "--interval=$bad" \
      >"$WORK/interval.out" 2>"$WORK/interval.err" </dev/null
    rc=$?
    ms=$(($(now_ms) - start))
    [ "$rc" != 0 ] && [ "$rc" != 124 ] || fail "$cmd --interval=$bad: exit $rc after ${ms} ms, want a refusal"
    grep -qi "interval" "$WORK/interval.err" && [ "$(wc -l <"$WORK/interval.err")" -le 3 ] ||
      { cat "$WORK/interval.err"; fail "$cmd --interval=$bad: no clear message"; }
  done
done
echo "5. --interval=nan/inf/-inf/-1 refused by stats and top: $(head -1 "$WORK/interval.err")"

# --- 6. 2,000 idle connections; ten pipelined requests ------------------------
start_serve
python3 - "$PORT" <<'PY' || fail "2,000 idle connections or pipelining"
import resource, socket, sys, time
port = int(sys.argv[1])
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 8192), hard))
idle = min(2000, min(hard, 8192) - 200)
if idle < 2000: print(f"NOTE: RLIMIT_NOFILE hard limit {hard}: {idle} idle connections, not 2,000")
held = []
for _ in range(100):  # honest keep-alive pollers: one request each, then idle
    s = socket.create_connection(("127.0.0.1", port), timeout=2)
    s.sendall(b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
    reply = b""
    while b"ok\n" not in reply: reply += s.recv(4096)
    held.append(s)
for _ in range(idle):  # one burst: non-blocking connects, no waiting in between
    s = socket.socket(); s.setblocking(False)
    s.connect_ex(("127.0.0.1", port)); held.append(s)
def get(path, timeout=1.0):
    start = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as c:
        c.sendall(f"GET {path} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := c.recv(65536): data += chunk
    return data.split(b" ", 2)[1], (time.monotonic() - start) * 1000
bad = 0
for path in ("/healthz", "/metrics", "/healthz"):
    try:
        status, ms = get(path)
        print(f"6. {path} with 2,000 idle + 100 keep-alive connections open: {status.decode()} in {ms:.1f} ms")
        bad |= status != b"200"
    except OSError as e:
        print(f"6. {path} with 2,000 idle connections open: {e}"); bad = 1
for s in held: s.close()
with socket.create_connection(("127.0.0.1", port), timeout=5) as c:
    paths = ["/healthz", "/nope"] * 5
    req = "".join(f"GET {p} HTTP/1.1\r\nHost: t\r\n{'Connection: close' + chr(13) + chr(10) if i == 9 else ''}\r\n"
                  for i, p in enumerate(paths))
    c.sendall(req.encode())
    data = b""
    try:
        while chunk := c.recv(65536): data += chunk
    except socket.timeout:
        pass
statuses = [part[:3].decode() for part in data.split(b"HTTP/1.1 ")[1:]]
print(f"6. ten pipelined requests: {len(statuses)} answers {statuses}")
bad |= statuses != ["200", "404"] * 5
sys.exit(bad)
PY
stop_pid "$BERTH_PID"; BERTH_PID=

# --- 7. SIGTERM while a scrape is stuck on a runtime socket -------------------
SOCK=$WORK/hung.sock
start_hung_socket "$SOCK" || fail "hung socket not created"
PORT=$(free_port)
"$BERTH_BIN" serve --path.rootfs "$ROOT" --docker.socket "$SOCK" --docker.timeout 60s \
  --web.listen-address "127.0.0.1:$PORT" >"$WORK/berth.log" 2>&1 &
BERTH_PID=$!
for _ in $(seq 1 100); do
  curl -fsS --max-time 1 -o /dev/null "http://127.0.0.1:$PORT/healthz" 2>/dev/null && break
  sleep 0.1
done
curl -sS --max-time 30 -o /dev/null "http://127.0.0.1:$PORT/metrics" 2>/dev/null &
CURL_PID=$!
sleep 1.5
kill -0 "$CURL_PID" 2>/dev/null || echo "NOTE: the scrape was not stuck on the socket (it ended before SIGTERM)"
term_within_2s "7. scrape stuck on a runtime socket (--docker.timeout 60s)"
wait "$CURL_PID" 2>/dev/null

echo "PASS: hostile input leaves berth answering, bounded and honest"
