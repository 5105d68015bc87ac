#!/usr/bin/env bash
# When `berth stats` / `berth top` find no container they say why, in one
# line: each runtime socket tried with what connect() gave, how many cgroups
# the walk saw, and --all-cgroups. Runs against a fixture rootfs
# (tests/fixtures/v2-podman with its containers removed; --path.rootfs) and
# sockets in a private directory: docker's does not exist, podman's is bound
# with nobody listening, CRI-O's is turned off (--crio.socket ''). Asserts:
#   - stats --no-stream: stdout is docker's bare header, stderr the one line,
#     whose cgroup count is the number of rows --all-cgroups prints
#   - streaming into a pipe: successive plain tables (no escape codes), the
#     line on stderr once
#   - unknown names: docker's "Error response from daemon: No such container:
#     NAME" for each, exit 1, nothing on stdout
#   - top in a real terminal (tmux) shows the same line in its empty list
# Env: BERTH_BIN. Exit 0 pass, 77 skip, else fail. Stops what it started.
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib/stop_pid.sh
source "$HERE/lib/stop_pid.sh"
[ -n "${BERTH_BIN:-}" ] && [ -x "$BERTH_BIN" ] || { echo "SKIP: BERTH_BIN is not set to the built berth binary"; exit 77; }
command -v python3 >/dev/null || { echo "SKIP: python3 not installed"; exit 77; }

WORK=$(mktemp -d /tmp/berth-e2e-empty.XXXXXX)
TMUX_SOCK=berth-empty-e2e-$$
LISTENER_PID= STREAM_PID=
tm() { tmux -L "$TMUX_SOCK" "$@"; }
cleanup() {
  local rc=$?
  stop_pid "$STREAM_PID"
  stop_pid "$LISTENER_PID"
  command -v tmux >/dev/null && tm kill-server 2>/dev/null
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
ok() { echo "ok: $*"; }

ROOT=$WORK/rootfs
cp -a "$HERE/../fixtures/v2-podman" "$ROOT" || fail "copy fixture"
find "$ROOT/sys/fs/cgroup" -depth -type d -name 'libpod-*' -exec rm -rf {} + || fail "strip containers"
# A socket bound with nobody listening: connect() is refused.
python3 -c 'import socket,sys,time; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); print("up", flush=True); time.sleep(3600)' \
  "$WORK/podman.sock" >"$WORK/listener.out" &
LISTENER_PID=$!
for _ in $(seq 1 50); do [ -S "$WORK/podman.sock" ] && break; sleep 0.1; done
[ -S "$WORK/podman.sock" ] || fail "test socket not bound"

FLAGS=(--path.rootfs "$ROOT" --docker.socket "$WORK/none/docker.sock" --podman.socket "$WORK/podman.sock" --crio.socket '' --containerd.socket "$WORK/none/containerd.sock")
cgroups=$("$BERTH_BIN" stats --no-stream --interval 0.1 --all-cgroups --format '{{.ID}}' "${FLAGS[@]}" 2>/dev/null | wc -l)
[ "$cgroups" -gt 1 ] || fail "--all-cgroups lists $cgroups cgroups in the fixture"
want="no containers found; docker: $WORK/none/docker.sock: no such file; podman: $WORK/podman.sock: connection refused; containerd: $WORK/none/containerd.sock: no such file; $cgroups cgroups seen (--all-cgroups shows every cgroup)"

# 1. One-shot table.
"$BERTH_BIN" stats --no-stream --interval 0.1 "${FLAGS[@]}" >"$WORK/out" 2>"$WORK/err"
rc=$?
[ "$rc" = 0 ] || fail "stats --no-stream: exit $rc: $(cat "$WORK/err")"
[ "$(cat "$WORK/out")" = "$(printf 'CONTAINER ID   NAME      CPU %%     MEM USAGE / LIMIT   MEM %%     NET I/O   BLOCK I/O   PIDS')" ] ||
  fail "stats --no-stream stdout: $(cat -A "$WORK/out")"
[ "$(cat "$WORK/err")" = "berth stats: $want" ] || fail "stats stderr: $(cat "$WORK/err")
want:        berth stats: $want"
ok "stats --no-stream: header on stdout, the line on stderr ($cgroups cgroups)"

# 2. Streaming into a pipe: plain tables, the line once.
"$BERTH_BIN" stats --interval 0.2 "${FLAGS[@]}" >"$WORK/stream" 2>"$WORK/stream.err" &
STREAM_PID=$!
sleep 1.5
stop_pid "$STREAM_PID"; STREAM_PID=
headers=$(grep -c '^CONTAINER ID' "$WORK/stream")
[ "$headers" -ge 3 ] || fail "streaming into a pipe: $headers tables, want >= 3"
if grep -q $'\033' "$WORK/stream"; then fail "streaming into a pipe wrote escape codes: $(head -c 200 "$WORK/stream" | cat -A)"; fi
[ "$(cat "$WORK/stream.err")" = "berth stats: $want" ] || fail "streaming stderr: $(cat "$WORK/stream.err")"
ok "streaming into a pipe: $headers plain tables, the line once on stderr"

# 3. Unknown names: docker's message for each, one a line, exit 1.
"$BERTH_BIN" stats --no-stream "${FLAGS[@]}" nope other >"$WORK/out" 2>"$WORK/err"
rc=$?
[ "$rc" = 1 ] || fail "unknown names: exit $rc, want 1"
[ "$(cat "$WORK/err")" = "$(printf 'Error response from daemon: No such container: nope\nError response from daemon: No such container: other')" ] ||
  fail "unknown names: stderr $(cat "$WORK/err")"
[ ! -s "$WORK/out" ] || fail "unknown names: stdout $(cat "$WORK/out")"
ok "unknown names: docker's message for each, exit 1"

# 4. top in a real terminal.
if ! command -v tmux >/dev/null; then echo "SKIP part: tmux not installed"; exit 0; fi
printf -v flags ' %q' "${FLAGS[@]}"
tm new-session -d -s top -x 120 -y 30 "TERM=xterm $BERTH_BIN top --no-color --interval 1$flags; sleep 600" || fail "tmux"
joined=
for _ in $(seq 1 50); do
  sleep 0.2
  # The list rows after the column header, joined back into one line.
  joined=$(tm capture-pane -p -t top | awk 'p && NF {sub(/^ +/, ""); sub(/ +$/, ""); printf "%s%s", sep, $0; sep=" "} /^ *NAME|CONTAINER/ {p=1}' |
    sed 's/ [^ ]*q quit.*$//')
  case "$joined" in *"cgroup)"*) break ;; esac
done
case "$joined" in
  *"$want"*) ok "top shows the line in its empty list" ;;
  *) fail "top's empty list: $(tm capture-pane -p -t top)
joined: $joined
want:   $want" ;;
esac
