# shellcheck shell=bash
# start_hung_socket PATH: a unix socket that accepts every connection and then
# reads nothing, answers nothing and closes nothing (a hung runtime engine).
# Sets HUNG_PID (stop it with stop_pid); returns 1 if the socket did not appear.
start_hung_socket() {
  python3 - "$1" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1]); s.listen(64)
held = []
while True:
    conn, _ = s.accept()
    held.append(conn)
PY
  HUNG_PID=$!
  for _ in $(seq 1 50); do [ -S "$1" ] && return 0; sleep 0.1; done
  return 1
}
