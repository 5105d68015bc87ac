# shellcheck shell=bash
# Helpers for scripts that run berth serve under a real Prometheus:
#   free_port              prints a free TCP port on 127.0.0.1
#   wait_http URL SECONDS  waits until URL answers 2xx (0) or the time is up (1)
#   start_prometheus DIR TARGET_PORT
#                          starts a private Prometheus scraping 127.0.0.1:TARGET_PORT
#                          every second (config, data and log in DIR), waits until
#                          it is ready; sets PROM_PID, prom_port and prom_url.
#                          Returns 1 if it did not become ready (PROM_PID is set
#                          either way, for the caller's cleanup to stop it).
#                          PROM_EXTRA_FLAGS (array, optional): more prometheus flags,
#                          e.g. (--web.enable-remote-write-receiver).
#   restart_prometheus DIR starts it again after a stop: same port, config and data.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

wait_http() {
  for _ in $(seq 1 $(($2 * 5))); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.2; done
  return 1
}

start_prometheus() {
  local dir=$1 target_port=$2
  prom_port=$(free_port)
  prom_url=http://127.0.0.1:$prom_port
  cat >"$dir/prometheus.yml" <<YAML
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: berth
    static_configs:
      - targets: ["127.0.0.1:$target_port"]
YAML
  restart_prometheus "$dir"
}

restart_prometheus() {
  local dir=$1
  prometheus --config.file="$dir/prometheus.yml" --storage.tsdb.path="$dir/prom-data" \
    --web.listen-address="127.0.0.1:$prom_port" "${PROM_EXTRA_FLAGS[@]}" >>"$dir/prometheus.log" 2>&1 &
  PROM_PID=$!
  wait_http "$prom_url/-/ready" 30
}
