# shellcheck shell=bash
# Loopback HTTP helpers for end-to-end scripts:
#   free_port              prints a free TCP port on 127.0.0.1
#   wait_http URL SECONDS  waits until URL answers 2xx (0) or the time is up (1)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

wait_http() {
  for _ in $(seq 1 $(($2 * 5))); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.2; done
  return 1
}
