#!/usr/bin/env bash
# `berth serve --remote-write.url` against a real Prometheus (Debian's, with
# --web.enable-remote-write-receiver, on loopback), over a fixture tree:
#   - the pushed series, queried back from Prometheus, are exactly the
#     /metrics page's series plus the external label host="rw-host", and the
#     container figures (constant on a fixture) have the page's values;
#   - the scrape endpoint keeps working alongside (Prometheus scrapes the same
#     berth: up == 1);
#   - Prometheus stopped for BERTH_E2E_RW_OUTAGE seconds (default 20, the issue says
#     30: the script then takes ~95 s on a loaded 2-core host; 20 s still overflows
#     the 8-slot queue at 1 push/s, which is what the outage proves): berth
#     keeps serving, retries, its queue stays within --remote-write.queue-capacity
#     (8 here, pushes every 1 s: the overflow is counted as dropped); restarted:
#     pushing resumes (new samples arrive, the queue drains to 0);
#   - SIGTERM: exit 0.
# Env: BERTH_BIN, BERTH_E2E_RW_OUTAGE. Exit 0 pass, 77 skip, else fail.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BERTH_BIN=${BERTH_BIN:-$ROOT/build/release/cli/berth}
OUTAGE=${BERTH_E2E_RW_OUTAGE:-20}
start_time=$(date +%s)

for tool in prometheus curl jq python3; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool not installed (.ci/packages-test.txt)"; exit 77; }
done
[ -x "$BERTH_BIN" ] || { echo "SKIP: no berth binary at $BERTH_BIN"; exit 77; }

# shellcheck source=lib/stop_pid.sh
source "$ROOT/tests/e2e/lib/stop_pid.sh"
# shellcheck source=lib/prometheus.sh
source "$ROOT/tests/e2e/lib/prometheus.sh"
tmp=$(mktemp -d /tmp/berth-rw.XXXXXX)
BERTH_PID= PROM_PID=
cleanup() { stop_pid "$PROM_PID"; stop_pid "$BERTH_PID"; rm -rf "$tmp"; }
trap cleanup EXIT
trap 'exit 143' TERM INT
fail() {
  echo "FAIL: $*"
  echo "--- berth log"; tail -20 "$tmp/berth.log" 2>/dev/null
  echo "--- prometheus log"; tail -5 "$tmp/prometheus.log" 2>/dev/null
  exit 1
}

berth_port=$(free_port)
berth=http://127.0.0.1:$berth_port
PROM_EXTRA_FLAGS=(--web.enable-remote-write-receiver)
start_prometheus "$tmp" "$berth_port" || fail "prometheus did not become ready"

"$BERTH_BIN" serve --web.listen-address "127.0.0.1:$berth_port" \
  --path.rootfs "$ROOT/tests/fixtures/v2-docker-systemd" \
  --remote-write.url "$prom_url/api/v1/write" --remote-write.label host=rw-host \
  --remote-write.interval 1s --remote-write.queue-capacity 8 --remote-write.max-backoff 1s \
  --log.level debug >"$tmp/berth.log" 2>&1 &
BERTH_PID=$!
wait_http "$berth/healthz" 20 || fail "berth serve did not answer"

metric() {  # NAME: its value on berth's page (one series)
  curl -fsS "$berth/metrics" 2>/dev/null | awk -v n="$1" '$1 ~ "^"n"[{ ]" || $1 == n {print $NF; exit}'
}
query() { curl -fsS --data-urlencode "query=$1" "$prom_url/api/v1/query"; }

# Pushed series arrive.
for _ in $(seq 1 60); do
  n=$(query 'count({host="rw-host"})' | jq -r '.data.result[0].value[1] // 0')
  [ "${n:-0}" -gt 100 ] && break; sleep 0.5
done
[ "${n:-0}" -gt 100 ] || fail "no pushed series in Prometheus (count $n)"

# Series queried back == the page's series (+ host), values of container_* equal.
sleep 2  # a few more pushes: every family has been sent
curl -fsS "$berth/metrics" >"$tmp/page.txt" || fail "GET /metrics"
curl -fsS -G --data-urlencode 'match[]={host="rw-host"}' "$prom_url/api/v1/series" >"$tmp/series.json" || fail "series query"
query '{host="rw-host",__name__=~"container_.*"}' >"$tmp/values.json" || fail "value query"
python3 - "$tmp/page.txt" "$tmp/series.json" "$tmp/values.json" <<'PY' || fail "pushed series differ from /metrics"
import json, re, sys
page, series, values = sys.argv[1:]
line_re = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$')
label_re = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')
def unescape(v): return v.replace('\\n', '\n').replace('\\"', '"').replace('\\\\', '\\')
want = {}
for line in open(page, encoding='utf-8'):
    if line.startswith('#') or not line.strip(): continue
    m = line_re.match(line.rstrip('\n'))
    assert m, line
    # An empty label value is no label to Prometheus (image="" on a fixture).
    labels = {k: unescape(v) for k, v in label_re.findall(m.group(3) or '') if v}
    labels['__name__'] = m.group(1); labels['host'] = 'rw-host'
    want[tuple(sorted(labels.items()))] = float(m.group(4))
got = {tuple(sorted(s.items())) for s in json.load(open(series))['data']}
missing, extra = set(want) - got, got - set(want)
for s in sorted(missing)[:5]: print('missing in Prometheus:', dict(s))
for s in sorted(extra)[:5]: print('not on the page:', dict(s))
bad = 0
for r in json.load(open(values))['data']['result']:
    key = tuple(sorted(r['metric'].items()))
    if r['metric']['__name__'] == 'container_last_seen': continue  # the collection's time
    if key in want and float(r['value'][1]) != want[key]:
        bad += 1
        if bad <= 5: print('value', dict(key), r['value'][1], '!= page', want[key])
print(f'{len(want)} series on the page, {len(got)} pushed; {len(missing)} missing, {len(extra)} extra, {bad} values differ')
sys.exit(1 if missing or extra or bad else 0)
PY
# Prometheus scrapes a new target first within its discovery tick (5 s) plus
# the interval: wait up to 15 s for the first `up`.
up=
for _ in $(seq 1 75); do
  up=$(query 'up{job="berth"}' | jq -r '.data.result[0].value[1] // empty')
  [ -n "$up" ] && break
  sleep 0.2
done
[ "$up" = 1 ] || fail "the scrape endpoint is not up alongside remote_write (up=${up:-none})"
echo "ok: pushed series equal /metrics (+host), scraping works alongside"

# Outage: Prometheus stopped.
sent_before=$(metric berth_remote_write_sent_batches_total)
stop_pid "$PROM_PID"; PROM_PID=
max_queue=0
for _ in $(seq 1 "$OUTAGE"); do
  sleep 1
  kill -0 "$BERTH_PID" 2>/dev/null || fail "berth serve died during the outage"
  q=$(metric berth_remote_write_queue_batches)
  [ -n "$q" ] || fail "no berth_remote_write_queue_batches on /metrics during the outage"
  q=${q%.*}; [ "$q" -gt "$max_queue" ] && max_queue=$q
done
[ "$max_queue" -le 8 ] || fail "queue grew to $max_queue batches, capacity 8"
dropped=$(metric berth_remote_write_dropped_batches_total); dropped=${dropped%.*}
retries=$(metric berth_remote_write_retries_total); retries=${retries%.*}
[ "$retries" -gt 0 ] || fail "no retries during the outage"
if [ "$OUTAGE" -gt 12 ]; then
  [ "$dropped" -gt 0 ] || fail "a ${OUTAGE}s outage at 1 push/s with 8 slots dropped nothing"
fi
echo "ok: ${OUTAGE}s outage: berth up, queue at most $max_queue of 8, $retries retries, $dropped batches dropped"

# Restart: pushing resumes, the queue drains.
restarted_at=$(date +%s)
restart_prometheus "$tmp" || fail "prometheus did not restart"
for _ in $(seq 1 60); do
  ts=$(query 'max(timestamp(container_cpu_usage_seconds_total{host="rw-host"}))' | jq -r '.data.result[0].value[1] // 0')
  [ "${ts%.*}" -ge "$restarted_at" ] && break; sleep 0.5
done
[ "${ts%.*}" -ge "$restarted_at" ] || fail "no pushed sample after the restart (latest $ts, restart $restarted_at)"
for _ in $(seq 1 40); do
  q=$(metric berth_remote_write_queue_batches); [ "${q%.*}" -le 1 ] && break; sleep 0.5
done
[ "${q%.*}" -le 1 ] || fail "queue did not drain after the restart ($q)"
sent_after=$(metric berth_remote_write_sent_batches_total)
[ "${sent_after%.*}" -gt "${sent_before%.*}" ] || fail "sent batches did not grow after the restart"
grep -q 'sending again' "$tmp/berth.log" || fail "no recovery logged"
echo "ok: pushing resumed after the restart (sent $sent_before -> $sent_after), queue drained"

kill -TERM "$BERTH_PID"
wait "$BERTH_PID"; rc=$?; BERTH_PID=
[ "$rc" = 0 ] || fail "berth serve exited $rc on SIGTERM"
echo "PASS ($(($(date +%s) - start_time)) s)"
