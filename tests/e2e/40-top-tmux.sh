#!/usr/bin/env bash
# `berth top` in a real terminal (issue 4): runs it inside a private tmux
# server against real containers of a private dockerd whose counters move
# (a CPU burner, a container holding 96 MiB of tmpfs, an idle one; two in a
# compose project), drives it with `tmux send-keys`, reads it with
# `tmux capture-pane`, and asserts:
#   - the rows and figures (names from Docker, CPU % of the burner, memory)
#   - sorting by CPU (c) and by memory (m) changes the order
#   - the filter (--filter and the / key) narrows the list, Esc clears it
#   - g groups by compose project with summed rows
#   - Enter opens the detail view with the process list; Esc returns
#   - resize to 80x24 and to 200x60 keeps the screen intact; below 80x24 it
#     says "terminal too small"
#   - the help screen matches tests/golden/top/help_80x24.txt
#   - q, SIGTERM and Ctrl-C leave the alternate screen and restore the terminal
#   - TERM=xterm, screen and linux draw the same list
#   - without a terminal it exits 1 pointing at `berth stats --no-stream`
# Env: BERTH_BIN. Exit 0 pass, 77 skip, else fail. Stops what it started.
# BERTH_UPDATE_GOLDEN=1 rewrites the golden help screen.
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
GOLDEN=$HERE/../golden/top
# shellcheck source=lib/dockerd.sh
source "$HERE/lib/dockerd.sh"
# shellcheck source=lib/stop_pid.sh
source "$HERE/lib/stop_pid.sh"

[ -n "${BERTH_BIN:-}" ] && [ -x "$BERTH_BIN" ] || { echo "SKIP: BERTH_BIN is not set to the built berth binary"; exit 77; }
command -v tmux >/dev/null || { echo "SKIP: tmux not installed (apt-get install tmux)"; exit 77; }

WORK=$(mktemp -d /tmp/berth-e2e-top.XXXXXX)
TMUX_SOCK=berth-top-e2e-$$
BERTH_TOP_PID=
tm() { tmux -L "$TMUX_SOCK" "$@"; }
cleanup() {
  local rc=$?
  stop_pid "$BERTH_TOP_PID"
  tm kill-server 2>/dev/null
  berth_dockerd_stop
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*"
  echo "--- screen"; tm capture-pane -p -t top 2>/dev/null
  exit 1
}
ok() { echo "ok: $*"; }

# 1. No terminal: one line, exit 1.
"$BERTH_BIN" top </dev/null >"$WORK/notty.out" 2>"$WORK/notty.err"
rc=$?
[ "$rc" = 1 ] || fail "without a tty: exit $rc, want 1"
grep -q 'berth stats --no-stream' "$WORK/notty.err" || fail "without a tty: no pointer to berth stats: $(cat "$WORK/notty.err")"
ok "no terminal: exit 1, points at berth stats --no-stream"

berth_dockerd_start || fail "private dockerd did not start"
IMG=$BERTH_E2E_IMAGE
docker run -d --name top-e2e-busy --cpus 0.5 --label com.docker.compose.project=e2eshop \
  "$IMG" sh -c 'while :; do :; done' >/dev/null || fail "docker run busy"
docker run -d --name top-e2e-fat --tmpfs /m:size=200m --label com.docker.compose.project=e2eshop \
  "$IMG" sh -c 'dd if=/dev/zero of=/m/x bs=1M count=96 2>/dev/null; exec sleep 3600' >/dev/null ||
  fail "docker run fat"
docker run -d --name top-e2e-idle "$IMG" sleep 3600 >/dev/null || fail "docker run idle"
BUSY_ID=$(docker inspect -f '{{.Id}}' top-e2e-busy)

# Starts berth top in a fresh tmux session "top" of size $1 x $2; the pid of
# berth goes to $WORK/pid, and "EXITED rc=N" is printed when it ends.
start_top() {
  tm kill-session -t top 2>/dev/null
  rm -f "$WORK/pid"
  tm new-session -d -s top -x "$1" -y "$2" \
    "sh -c 'echo \$\$ >$WORK/pid; ${4:+TERM=$4 }exec \"$BERTH_BIN\" top --interval 1 --no-color --filter top-e2e --docker.socket \"$BERTH_DOCKER_SOCKET\" $3'; echo EXITED rc=\$?; sleep 600" ||
    fail "tmux new-session"
  for _ in $(seq 1 50); do [ -s "$WORK/pid" ] && break; sleep 0.1; done
  BERTH_TOP_PID=$(cat "$WORK/pid" 2>/dev/null)
  [ -n "$BERTH_TOP_PID" ] || fail "berth top did not start"
}
screen() { tm capture-pane -p -t top; }
# Waits until the screen matches the extended regex $1 (at most $2 s).
wait_for() {
  local i
  for i in $(seq 1 $(($2 * 5))); do
    screen | grep -Eq -- "$1" && return 0
    sleep 0.2
  done
  return 1
}
# The container rows (lines naming a top-e2e container), in screen order.
rows() { screen | grep -E '^ *(top-e2e-|- e2eshop|\+ e2eshop)'; }
first_row_name() { rows | head -1 | awk '{print $1}'; }
keys() { tm send-keys -t top "$@"; sleep 0.6; }

# 2. The list: all three containers by Docker name, with moving figures.
start_top 120 40 ""
wait_for 'top-e2e-busy' 15 && wait_for 'top-e2e-fat' 2 && wait_for 'top-e2e-idle' 2 ||
  fail "the three containers did not appear"
[ "$(tm display -p -t top '#{alternate_on}')" = 1 ] || fail "berth top is not on the alternate screen"
# Rates need two samples; the burner's CPU % must reach its quota region.
busy_cpu=""
for _ in $(seq 1 20); do
  busy_cpu=$(screen | awk '$1 == "top-e2e-busy" { for (i = 2; i <= NF; i++) if ($i ~ /%$/) { sub(/%/, "", $i); print $i; exit } }')
  [ -n "$busy_cpu" ] && awk -v v="$busy_cpu" 'BEGIN { exit !(v >= 5 && v <= 70) }' && break
  sleep 0.5
done
awk -v v="$busy_cpu" 'BEGIN { exit !(v >= 5 && v <= 70) }' || fail "busy CPU % is '$busy_cpu', want 5..70 (--cpus 0.5)"
ok "busy container shows ${busy_cpu}% CPU (limited to 0.5 cores)"
fat_mem=$(screen | awk '$1 == "top-e2e-fat" { for (i = 2; i <= NF; i++) if ($i ~ /MiB$/) { print $i; exit } }')
awk -v v="${fat_mem%MiB}" 'BEGIN { exit !(v >= 90 && v <= 200) }' || fail "fat memory is '$fat_mem', want ~96MiB"
ok "fat container shows $fat_mem of memory"
screen | grep -q '^NAME .*CPU % v' || fail "header does not mark the CPU sort"
screen | grep -Eq '3 containers|[0-9]+ containers' || fail "host header missing"

# 3. Sorting: CPU puts the burner first, memory the tmpfs holder.
[ "$(first_row_name)" = top-e2e-busy ] || fail "sorted by CPU: first row is $(first_row_name)"
keys m
wait_for '^NAME .*MEM USAGE / LIMIT v' 3 || fail "m did not sort by memory"
[ "$(first_row_name)" = top-e2e-fat ] || fail "sorted by memory: first row is $(first_row_name)"
keys r
[ "$(rows | tail -1 | awk '{print $1}')" = top-e2e-fat ] || fail "r did not invert the memory order"
keys c
[ "$(first_row_name)" = top-e2e-busy ] || fail "back to CPU: first row is $(first_row_name)"
ok "sorting by CPU and by memory changes the order"

# 4. Filter narrows; Esc restores. (Esc first drops the --filter of the
# command line; rows() only counts this script's containers.)
keys Escape
keys /
keys -l top-e2e-idle
keys Enter
wait_for 'Filter: top-e2e-idle' 3 || fail "filter line not shown"
[ "$(rows | wc -l)" = 1 ] && [ "$(first_row_name)" = top-e2e-idle ] || fail "filter 'top-e2e-idle' shows: $(rows | awk '{print $1}' | tr '\n' ' ')"
[ "$(screen | sed -n '5,$p' | grep -Ec '^ *[a-z0-9/]')" -le 2 ] || fail "filter left other rows on screen"
keys Escape
# Other containers on this host may now fill the screen: count every row.
data_rows=$(screen | sed -n '5,$p' | sed '$d' | grep -c '[^ ]')
[ "$data_rows" -ge 3 ] || fail "Esc did not clear the filter ($data_rows rows)"
screen | grep -q 'Filter:' && fail "filter line still shown after Esc"
keys /
keys -l top-e2e
keys Enter
ok "/ filter narrows to one row, Esc clears it"

# 5. Grouping by compose project.
keys g
wait_for '^- e2eshop \(2\)' 3 || fail "g did not group the compose project"
screen | grep -Eq '^  top-e2e-(busy|fat)' || fail "group members are not nested"
keys g
ok "g groups e2eshop (2) with its members nested"

# 6. Detail view with the process list.
keys Home
[ "$(first_row_name)" = top-e2e-busy ] || fail "burner not first before Enter"
keys Enter
wait_for 'PROCESSES \([0-9]+\)' 5 || fail "Enter did not open the detail view"
screen | grep -q "${BUSY_ID:0:12}" || fail "detail view is not of the busy container"
screen | grep -Eq '^ +[0-9]+ root +[RS] .*sh -c while' || fail "process list lacks the busy loop"
screen | grep -q 'com.docker.compose.project=e2eshop' || fail "labels missing from the detail view"
ok "Enter opens the detail view with the process list"
keys Escape
wait_for '^NAME ' 3 || fail "Esc did not return to the list"

# 7. Resizes: intact at 80x24 and 200x60; too small below.
check_intact() {  # $1 width $2 height
  local s lines
  s=$(screen)
  lines=$(printf '%s\n' "$s" | wc -l)
  [ "$lines" = "$2" ] || fail "$1x$2: $lines lines"
  printf '%s\n' "$s" | awk -v w="$1" 'length($0) > w { bad = 1 } END { exit bad }' || fail "$1x$2: a line is wider than the terminal"
  printf '%s\n' "$s" | head -1 | grep -q '^berth top' || fail "$1x$2: title line garbled"
  printf '%s\n' "$s" | grep -q '^NAME ' || fail "$1x$2: column titles missing"
  printf '%s\n' "$s" | tail -1 | grep -q '^q quit' || fail "$1x$2: footer not on the last line"
  [ "$(rows | wc -l)" = 3 ] || fail "$1x$2: $(rows | wc -l) container rows"
}
tm resize-window -t top -x 80 -y 24; sleep 1.5
check_intact 80 24
ok "80x24 intact"
tm resize-window -t top -x 200 -y 60; sleep 1.5
check_intact 200 60
screen | grep -q 'UPTIME' || fail "200x60: wide columns missing"
ok "200x60 intact, all columns"
tm resize-window -t top -x 60 -y 20; sleep 1.5
screen | head -1 | grep -q 'terminal too small' || fail "60x20: no 'terminal too small'"
ok "60x20 says terminal too small"

# 8. Help screen golden at 80x24 (no live figures on it).
tm resize-window -t top -x 80 -y 24; sleep 1
keys '?'
wait_for 'berth top - keys' 3 || fail "? did not open help"
screen >"$WORK/help.txt"
if [ "${BERTH_UPDATE_GOLDEN:-}" = 1 ]; then
  cp "$WORK/help.txt" "$GOLDEN/help_80x24.txt"
fi
diff -u "$GOLDEN/help_80x24.txt" "$WORK/help.txt" || fail "help screen differs from golden"
keys x
wait_for '^NAME ' 3 || fail "a key did not leave help"
ok "help screen matches golden"

# The pane left the alternate screen and shows the cursor again.
expect_terminal_restored() {  # WHEN
  [ "$(tm display -p -t top '#{alternate_on}')" = 0 ] || fail "$1 still on the alternate screen"
  [ "$(tm display -p -t top '#{cursor_flag}')" = 1 ] || fail "$1 the cursor is hidden"
}

# 9. q restores the terminal.
keys q
wait_for 'EXITED rc=0' 5 || fail "q did not exit 0"
expect_terminal_restored "after q"
BERTH_TOP_PID=
ok "q exits 0 and restores the terminal"

# 10. SIGTERM restores it too.
start_top 100 30 ""
wait_for 'top-e2e-busy' 15 || fail "second start: no rows"
kill -TERM "$BERTH_TOP_PID"
wait_for 'EXITED rc=' 5 || fail "SIGTERM did not stop berth top"
expect_terminal_restored "after SIGTERM"
BERTH_TOP_PID=
ok "SIGTERM restores the terminal"

# 11. --sort mem from the command line; Ctrl-C (SIGINT) restores too.
start_top 120 30 "--sort mem"
wait_for 'top-e2e-fat' 15 || fail "third start: no rows"
sleep 1
[ "$(first_row_name)" = top-e2e-fat ] || fail "--sort mem: first row is $(first_row_name)"
ok "--sort mem orders by memory"
tm send-keys -t top C-c
wait_for 'EXITED rc=' 5 || fail "Ctrl-C did not stop berth top"
expect_terminal_restored "after Ctrl-C"
BERTH_TOP_PID=
ok "Ctrl-C restores the terminal"

# 12. Other terminal types draw the same list and quit cleanly.
for term in xterm screen linux; do
  start_top 100 30 "" "$term"
  wait_for 'top-e2e-busy' 15 || fail "TERM=$term: no rows"
  screen | grep -q '^NAME ' || fail "TERM=$term: no column titles"
  screen | tail -1 | grep -q '^q quit' || fail "TERM=$term: footer not on the last line"
  [ "$(rows | wc -l)" = 3 ] || fail "TERM=$term: $(rows | wc -l) rows"
  keys q
  wait_for 'EXITED rc=0' 5 || fail "TERM=$term: q did not exit 0"
  [ "$(tm display -p -t top '#{alternate_on}')" = 0 ] || fail "TERM=$term: still on the alternate screen"
  BERTH_TOP_PID=
  ok "TERM=$term draws and quits cleanly"
done
echo "PASS"
