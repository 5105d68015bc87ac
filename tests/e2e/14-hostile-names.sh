#!/usr/bin/env bash
# Names that are not valid UTF-8 or carry terminal escapes (issue 12, item 2),
# read from tests/fixtures/hostile-names through --path.rootfs: a user's cgroup
# "lxc.payload.evil<FF><ESC>]2;pwned<BEL><ESC>[2J<C2 9B>31m" (a raw 0xFF, an
# OSC title, a clear-screen, a C1 CSI), its interface "eth<FF>0", and an nspawn
# machine whose systemd-escaped name unescapes to ill-formed UTF-8. Asserts:
#   - `berth stats --no-stream` with --format json, json-raw, '{{json .}}',
#     '{{.Name}}' and the table: exit 0, valid UTF-8, U+FFFD for the bad
#     bytes; JSON parses (jq); plain and table output hold no ESC/BEL;
#   - `berth serve`: /metrics and /api/v1/containers are valid UTF-8, the page
#     passes `promtool check metrics`;
#   - `berth top` in a private tmux: the name shows with U+FFFD, the pane's
#     title is not "pwned" and the screen was not cleared by the name.
# Env: BERTH_BIN. Exit 0 pass, 77 skip, else fail. Stops what it started.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BERTH_BIN=${BERTH_BIN:-$ROOT/build/release/cli/berth}
FIXTURE=$ROOT/tests/fixtures/hostile-names
PY=$(command -v python3 || true)
# shellcheck source=lib/stop_pid.sh
source "$ROOT/tests/e2e/lib/stop_pid.sh"

# shellcheck source=lib/require.sh
source "$(dirname "$0")/lib/require.sh"
require_berth
require_tools jq curl promtool "$PY"

tmp=$(mktemp -d /tmp/berth-e2e-hostile.XXXXXX)
TMUX_SOCK=berth-hostile-e2e-$$
SERVE_PID= TOP_PID=
cleanup() {
  local rc=$?
  stop_pid "$TOP_PID"
  command -v tmux >/dev/null && tmux -L "$TMUX_SOCK" kill-server 2>/dev/null
  stop_pid "$SERVE_PID"
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 143' TERM INT
fail() { echo "FAIL: $*"; exit 1; }
ok() { echo "ok: $*"; }

R=$(printf '\xef\xbf\xbd')  # U+FFFD
# valid_utf8 FILE: exit 0 when FILE is valid UTF-8.
valid_utf8() { "$PY" -c 'import sys; open(sys.argv[1], "rb").read().decode("utf-8")' "$1" 2>/dev/null; }
has_control() { LC_ALL=C grep -q "$(printf '[\x1b\x07]')" "$1"; }

stats() {
  "$BERTH_BIN" stats --no-stream --interval 0.1 --path.rootfs "$FIXTURE" --docker.socket "" \
    --podman.socket "" --crio.socket "" "$@"
}

# --- berth stats, every format --------------------------------------------
n=0
for format in json json-raw '{{json .}}' '{{.Name}}' table; do
  n=$((n + 1))
  out=$tmp/stats-$n.out
  stats --format "$format" >"$out" 2>"$tmp/stats-$n.err"
  rc=$?
  [ "$rc" = 0 ] || fail "stats --format '$format': exit $rc: $(head -3 "$tmp/stats-$n.err")"
  valid_utf8 "$out" || fail "stats --format '$format': output is not valid UTF-8"
  grep -q "evil$R" "$out" || fail "stats --format '$format': no 'evil' + U+FFFD in: $(cat -v "$out")"
  case $format in
    json*|*json*)
      jq -e . "$out" >/dev/null || fail "stats --format '$format': jq cannot parse it"
      ;;
    *)
      has_control "$out" && fail "stats --format '$format': an ESC/BEL reached the output: $(cat -v "$out")"
      ;;
  esac
done
jq -s -e --arg r "$R" 'any(.[]; (.name | startswith("evil" + $r + "\u001b]2;pwned")) and (.cgroup_path | contains("evil" + $r)))' \
  "$tmp/stats-2.out" >/dev/null || fail "json-raw: name/cgroup_path not made valid as expected: $(cat -v "$tmp/stats-2.out")"
bad=bad$R$R$R$R$R$R$R$R$R$R
jq -s -e --arg b "$bad" 'any(.[]; .Name == $b)' "$tmp/stats-1.out" >/dev/null ||
  fail "json: the nspawn name is not 10 x U+FFFD (maximal subparts): $(cat -v "$tmp/stats-1.out")"
ok "berth stats: json, json-raw, {{json .}}, {{.Name}}, table exit 0 with valid UTF-8 and U+FFFD"

# --- berth serve -------------------------------------------------------------
"$BERTH_BIN" serve --web.listen-address 127.0.0.1:0 --path.rootfs "$FIXTURE" --docker.socket "" \
  --podman.socket "" --crio.socket "" >"$tmp/serve.log" 2>&1 &
SERVE_PID=$!
PORT=
for _ in $(seq 1 100); do
  PORT=$(grep -o 'listening on [^ "]*' "$tmp/serve.log" | head -1 | grep -o '[0-9]*$')
  [ -n "$PORT" ] && break
  kill -0 "$SERVE_PID" 2>/dev/null || fail "berth serve exited: $(tail -5 "$tmp/serve.log")"
  sleep 0.1
done
[ -n "$PORT" ] || fail "berth serve: no listening line"
curl -fsS "http://127.0.0.1:$PORT/metrics" >"$tmp/metrics.txt" || fail "GET /metrics"
valid_utf8 "$tmp/metrics.txt" || fail "/metrics is not valid UTF-8"
grep -q "interface=\"eth${R}0\"" "$tmp/metrics.txt" || fail "/metrics: no interface=\"eth<U+FFFD>0\""
promtool check metrics <"$tmp/metrics.txt" >"$tmp/promtool.out" 2>&1
grep -v -e container_memory_failcnt -e container_fs_inodes_total "$tmp/promtool.out" | grep -q . &&
  fail "promtool check metrics: $(cat "$tmp/promtool.out")"
curl -fsS "http://127.0.0.1:$PORT/api/v1/containers" >"$tmp/api.json" || fail "GET /api/v1/containers"
valid_utf8 "$tmp/api.json" || fail "/api/v1/containers is not valid UTF-8"
jq -e '.containers | length == 2' "$tmp/api.json" >/dev/null || fail "/api/v1/containers: want 2 containers"
ok "berth serve: /metrics passes promtool, /metrics and the JSON API are valid UTF-8"

# --- berth top ---------------------------------------------------------------
if ! command -v tmux >/dev/null; then
  echo "SKIP (part): tmux not installed, berth top not checked"
  exit 0
fi
tm() { tmux -L "$TMUX_SOCK" "$@"; }
tm new-session -d -s top -x 120 -y 30 "printf 'MARKER-BEFORE-TOP\n'; sh -c 'echo \$\$ >$tmp/top.pid; LANG=C.UTF-8 LC_ALL=C.UTF-8 exec \"$BERTH_BIN\" top --interval 0.5 --no-color --path.rootfs \"$FIXTURE\" --docker.socket \"\" --podman.socket \"\" --crio.socket \"\"'; echo EXITED rc=\$?; sleep 600" ||
  fail "tmux new-session"
for _ in $(seq 1 50); do [ -s "$tmp/top.pid" ] && break; sleep 0.1; done
TOP_PID=$(cat "$tmp/top.pid" 2>/dev/null)
[ -n "$TOP_PID" ] || fail "berth top did not start"
for _ in $(seq 1 50); do tm capture-pane -p -t top | grep -q "evil" && break; sleep 0.2; done
sleep 1  # a few more frames
tm capture-pane -p -t top >"$tmp/screen.txt"
grep -q "evil$R" "$tmp/screen.txt" || fail "top: the name is not shown with U+FFFD: $(cat -v "$tmp/screen.txt")"
title=$(tm display-message -p -t top '#{pane_title}')
[ "$title" != pwned ] || fail "top: the cgroup name set the terminal title (OSC from the name reached the terminal)"
grep -q "evil$R$R]2;pwned$R$R\[2" "$tmp/screen.txt" ||
  fail "top: ESC, BEL and C1 CSI of the name are not each one U+FFFD: $(cat -v "$tmp/screen.txt")"
tm send-keys -t top q
for _ in $(seq 1 50); do tm capture-pane -p -t top | grep -q 'EXITED rc=' && break; sleep 0.1; done
tm capture-pane -p -t top | grep -q 'EXITED rc=0' || fail "top: q did not exit 0: $(tm capture-pane -p -t top)"
TOP_PID=
ok "berth top: the name shows with U+FFFD, no title change, no raw escape sequence"
exit 0
