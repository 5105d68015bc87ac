# shellcheck shell=bash
# A private Prometheus for scripts that run berth serve under it (also gives
# free_port and wait_http, from http.sh):
#   start_prometheus DIR TARGET_PORT [RULE_FILE...]
#                          starts a private Prometheus scraping 127.0.0.1:TARGET_PORT
#                          and evaluating the rule files every second (config, data
#                          and log in DIR), waits until it is ready; sets PROM_PID,
#                          prom_port and prom_url. PROM_JOB_EXTRA, when set, is YAML
#                          appended to the scrape job (4-space indent, e.g.
#                          metric_relabel_configs); PROM_EXTRA_FLAGS (array, optional)
#                          are more prometheus flags, e.g. (--web.enable-remote-write-receiver).
#                          The config is checked with promtool first. Returns 1 if the
#                          check failed or it did not become ready (PROM_PID is set
#                          whenever it was started, for the caller's cleanup to stop it).
#   restart_prometheus DIR starts it again after a stop: same port, config and data.
_prometheus_lib_dir=$(dirname "${BASH_SOURCE[0]}")
# shellcheck source=http.sh
source "$_prometheus_lib_dir/http.sh"

start_prometheus() {
  local dir=$1 target_port=$2
  shift 2
  prom_port=$(free_port)
  prom_url=http://127.0.0.1:$prom_port
  {
    printf 'global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\n'
    if [ $# -gt 0 ]; then
      echo "rule_files:"
      for f in "$@"; do echo "  - $f"; done
    fi
    printf 'scrape_configs:\n  - job_name: berth\n    static_configs:\n'
    printf '      - targets: ["127.0.0.1:%s"]\n' "$target_port"
    [ -n "${PROM_JOB_EXTRA:-}" ] && printf '%s\n' "$PROM_JOB_EXTRA"
  } >"$dir/prometheus.yml"
  if command -v promtool >/dev/null &&
    ! promtool check config "$dir/prometheus.yml" >"$dir/promtool.out" 2>&1; then
    echo "start_prometheus: promtool check config failed:"; cat "$dir/promtool.out"
    return 1
  fi
  restart_prometheus "$dir"
}

restart_prometheus() {
  local dir=$1
  prometheus --config.file="$dir/prometheus.yml" --storage.tsdb.path="$dir/prom-data" \
    --web.listen-address="127.0.0.1:$prom_port" "${PROM_EXTRA_FLAGS[@]}" >>"$dir/prometheus.log" 2>&1 &
  PROM_PID=$!
  wait_http "$prom_url/-/ready" 30
}
