# shellcheck shell=bash
# stop_pid PID: ends a process this script started — SIGTERM, up to 5 s to
# exit, then SIGKILL. An empty PID is a no-op; never touches other processes.
stop_pid() {
  [ -n "$1" ] || return 0
  kill "$1" 2>/dev/null
  for _ in $(seq 1 50); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$1" 2>/dev/null
}
