#!/usr/bin/env bash
# Validates deploy/ without a cluster or registry:
#   - compose stack: docker-compose config; every bind source in the repo exists;
#     the remote_write override (remote-write.yml) pushes to the stack's Prometheus,
#     which takes pushes, with flags berth serve has;
#     Grafana's dashboard provider reads the directory the dashboards are mounted at
#   - deploy/prometheus.yml: promtool check config, with dashboards/rules loaded
#   - compose/alertmanager.yml: amtool check-config
#   - Kubernetes: tests/deploy/check_kubernetes.py (schema, references, run line),
#     that it rejects broken manifests, and that the dashboards ConfigMaps are fresh
#   - systemd: the unit installed by `cmake --install` passes systemd-analyze
#     verify, points at the installed binary, and scores <= 2.0 in
#     systemd-analyze security
# Env: BERTH_BUILD_DIR (a configured, built tree; default build/release).
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD_DIR=${BERTH_BUILD_DIR:-$ROOT/build/release}
[ -d "$BUILD_DIR" ] && BUILD_DIR=$(cd "$BUILD_DIR" && pwd)
PY=/usr/bin/python3

# shellcheck source=lib/require.sh
source "$(dirname "$0")/lib/require.sh"
require_tools docker-compose promtool amtool systemd-analyze cmake "$PY"
"$PY" -c 'import yaml, jsonschema, kubernetes' 2>/dev/null ||
  { echo "SKIP: python3-yaml, python3-jsonschema or python3-kubernetes missing"; exit 77; }

tmp=$(mktemp -d /tmp/berth-deploy-config.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0

# check NAME CMD...: runs CMD, expects exit 0.
check() {
  local name=$1; shift
  if "$@" >"$tmp/out" 2>&1; then
    echo "ok   $name"; passed=$((passed + 1))
  else
    echo "FAIL $name"; sed 's/^/     /' "$tmp/out" | tail -30; failed=$((failed + 1))
  fi
}
# reject NAME PATTERN CMD...: expects CMD to fail and print PATTERN.
reject() {
  local name=$1 pattern=$2; shift 2
  if "$@" >"$tmp/out" 2>&1; then
    echo "FAIL $name (accepted)"; failed=$((failed + 1))
  elif grep -qE -- "$pattern" "$tmp/out"; then
    echo "ok   $name"; passed=$((passed + 1))
  else
    echo "FAIL $name (rejected without /$pattern/)"; sed 's/^/     /' "$tmp/out" | tail -10
    failed=$((failed + 1))
  fi
}

# --- compose -----------------------------------------------------------------
compose_sources() {
  DOCKER_GID=999 docker-compose -f "$ROOT/deploy/compose/docker-compose.yml" config >"$tmp/compose.yml" || return 1
  "$PY" - "$tmp/compose.yml" "$ROOT" <<'EOF'
import glob, os, sys, yaml
cfg = yaml.safe_load(open(sys.argv[1])); root = sys.argv[2]; bad = 0
services = cfg["services"]
for want in ("berth", "prometheus", "alertmanager", "grafana"):
    if want not in services:
        print("missing service", want); bad = 1
mounts = {}
for name, svc in services.items():
    for v in svc.get("volumes", []):
        src, dst = (v["source"], v["target"]) if isinstance(v, dict) else v.split(":")[:2]
        mounts[(name, dst)] = src
        if src.startswith(root) and not os.path.exists(src):
            print(f"{name}: bind source {src} does not exist"); bad = 1
# Grafana: a dashboards provider must read the directory the dashboards are mounted at.
prov_dir = [s for (n, d), s in mounts.items() if n == "grafana" and d == "/etc/grafana/provisioning/dashboards"]
dash_dst = [d for (n, d), s in mounts.items() if n == "grafana" and s == os.path.join(root, "dashboards", "grafana")]
paths = []
for f in glob.glob(os.path.join(prov_dir[0], "*.y*ml")) if prov_dir else []:
    for p in (yaml.safe_load(open(f)) or {}).get("providers", []):
        paths.append(p.get("options", {}).get("path", "").rstrip("/"))
if not dash_dst or not any(dash_dst[0] == p for p in paths):
    print(f"grafana: provider paths {paths} do not include the dashboards mount {dash_dst}"); bad = 1
# Every address the stack's configs use names one of its services.
from urllib.parse import urlparse
prom = yaml.safe_load(open(os.path.join(root, "deploy", "prometheus.yml")))
targets = [t for job in prom.get("scrape_configs", []) for sc in job.get("static_configs", [])
           for t in sc.get("targets", [])]
targets += [t for am in prom.get("alerting", {}).get("alertmanagers", [])
            for sc in am.get("static_configs", []) for t in sc.get("targets", [])]
for f in glob.glob(os.path.join(root, "dashboards", "provisioning", "datasources", "*.y*ml")):
    for ds in (yaml.safe_load(open(f)) or {}).get("datasources", []):
        u = urlparse(ds.get("url", ""))
        targets.append(f"{u.hostname}:{u.port}")
for t in targets:
    host = t.split(":")[0]
    if host not in services and host != "localhost":
        print(f"address {t} names no compose service"); bad = 1
if "berth:11099" not in targets:
    print("prometheus.yml does not scrape berth:11099"); bad = 1
# berth: what the README run line gives it.
b = services["berth"]
if b.get("pid") != "host": print("berth: pid is not host"); bad = 1
if not b.get("read_only"): print("berth: root filesystem not read-only"); bad = 1
if str(b.get("user", "")).split(":")[0] in ("", "0", "root"): print("berth: runs as root"); bad = 1
if "--path.rootfs=/host" not in b.get("command", []): print("berth: no --path.rootfs=/host"); bad = 1
sys.exit(bad)
EOF
}
check "docker-compose config and bind sources" compose_sources

# The remote_write override: berth pushes to the stack's Prometheus, which
# takes pushes; every berth flag in it is one `berth serve` accepts.
compose_remote_write() {
  DOCKER_GID=999 docker-compose -f "$ROOT/deploy/compose/docker-compose.yml" \
    -f "$ROOT/deploy/compose/remote-write.yml" config >"$tmp/compose-rw.yml" || return 1
  "$PY" - "$tmp/compose-rw.yml" <<'EOF' || return 1
import sys, yaml
from urllib.parse import urlparse
services = yaml.safe_load(open(sys.argv[1]))["services"]; bad = 0
b, p = services["berth"]["command"], services["prometheus"]["command"]
urls = [a.split("=", 1)[1] for a in b if a.startswith("--remote-write.url=")]
if not urls: print("berth: no --remote-write.url"); bad = 1
for u in urls:
    parsed = urlparse(u)
    if parsed.hostname not in services or parsed.path != "/api/v1/write":
        print(f"--remote-write.url {u} is not a stack service's /api/v1/write"); bad = 1
if "--web.enable-remote-write-receiver" not in p: print("prometheus does not take pushes"); bad = 1
if "--path.rootfs=/host" not in b: print("berth: no --path.rootfs=/host"); bad = 1
with open(sys.argv[1] + ".flags", "w") as f:
    f.write("".join(a.split("=", 1)[0] + "\n" for a in b if a.startswith("--")))
sys.exit(bad)
EOF
  [ -x "$BUILD_DIR/cli/berth" ] || return 0  # the flags are checked where berth is built
  local help flag
  help=$("$BUILD_DIR/cli/berth" serve --help) || return 1
  while read -r flag; do
    grep -q -- "$flag" <<<"$help" || { echo "berth serve has no $flag"; return 1; }
  done <"$tmp/compose-rw.yml.flags"
}
check "compose remote_write override: pushes to the stack's receiver" compose_remote_write

# --- Prometheus and Alertmanager ---------------------------------------------
mkdir -p "$tmp/prom/rules"
cp "$ROOT/deploy/prometheus.yml" "$tmp/prom/"
cp "$ROOT"/dashboards/rules/*.yml "$tmp/prom/rules/" 2>/dev/null
check "promtool check config (with dashboards/rules)" promtool check config "$tmp/prom/prometheus.yml"
check "prometheus.yml scrapes job berth on 11099" \
  grep -qE 'job_name: berth' "$ROOT/deploy/prometheus.yml"
check "amtool check-config" amtool check-config "$ROOT/deploy/compose/alertmanager.yml"

# --- Kubernetes ----------------------------------------------------------------
check "kubernetes manifests: schema, references, run line" "$PY" "$ROOT/tests/deploy/check_kubernetes.py" "$ROOT"
check "grafana dashboards ConfigMaps up to date" "$PY" "$ROOT/deploy/kubernetes/gen-grafana-dashboards.py" --check

# The checker must catch what it claims to: each mutation on a copy is rejected.
mutate() {  # mutate FILE PYTHON-EXPR-ON-doc ; then run the checker on the copy
  local file=$1 expr=$2
  rm -rf "$tmp/k"; mkdir -p "$tmp/k/tests/deploy"
  cp -r "$ROOT/deploy" "$tmp/k/"; cp -r "$ROOT/tests/deploy/schemas" "$tmp/k/tests/deploy/"
  "$PY" - "$tmp/k/deploy/kubernetes/$file" "$expr" <<'EOF' || return 2
import sys, yaml
path, expr = sys.argv[1], sys.argv[2]
doc = yaml.safe_load(open(path))
exec(expr)
yaml.safe_dump(doc, open(path, "w"), sort_keys=False)
EOF
  "$PY" "$ROOT/tests/deploy/check_kubernetes.py" "$tmp/k"
}
c='doc["spec"]["template"]["spec"]["containers"][0]'
reject "checker rejects an unknown field" "unknown field 'hostPid'" \
  mutate daemonset.yaml 'doc["spec"]["template"]["spec"]["hostPid"] = True'
reject "checker rejects a wrong type" "expected int" \
  mutate daemonset.yaml "$c"'["ports"][0]["containerPort"] = "11099"'
reject "checker rejects a missing required field" "required field" \
  mutate daemonset.yaml "del $c"'["name"]'
reject "checker rejects a bad enum value" "not one of" \
  mutate daemonset.yaml "$c"'["volumeMounts"][0]["mountPropagation"] = "rslave"'
reject "checker rejects a writable host mount (run line)" "read-only in the run line" \
  mutate daemonset.yaml "$c"'["volumeMounts"][0]["readOnly"] = False'
reject "checker rejects a DaemonSet without hostPID (run line)" "hostPID" \
  mutate daemonset.yaml 'doc["spec"]["template"]["spec"]["hostPID"] = False'
reject "checker rejects a probe on an unknown port" "is not a container port" \
  mutate daemonset.yaml "$c"'["livenessProbe"]["httpGet"]["port"] = "metrics"'
reject "checker rejects a bad ServiceMonitor relabel action" "is not one of" \
  mutate servicemonitor.yaml 'doc["spec"]["endpoints"][0]["relabelings"][0]["action"] = "rename"'
reject "checker rejects a ServiceMonitor on a missing port" "not a Service port" \
  mutate servicemonitor.yaml 'doc["spec"]["endpoints"][0]["port"] = "metrics"'
reject "checker rejects a Service selecting no pod" "does not select" \
  mutate service.yaml 'doc["spec"]["selector"] = {"app": "other"}'

# --- systemd -------------------------------------------------------------------
if [ -x "$BUILD_DIR/cli/berth" ] || [ -x "$BUILD_DIR/berth" ]; then
  check "cmake --install to a prefix" cmake --install "$BUILD_DIR" --prefix "$tmp/prefix"
  unit=$tmp/prefix/lib/systemd/system/berth.service
  check "installed unit starts the installed binary" \
    grep -qx "ExecStart=$tmp/prefix/bin/berth serve \$BERTH_OPTS" "$unit"
  check "installed unit reads the installed flags file" \
    grep -qx "EnvironmentFile=-$tmp/prefix/etc/default/berth" "$unit"
  check "flags file installed" test -s "$tmp/prefix/etc/default/berth"
  check "systemd-analyze verify" systemd-analyze verify "$unit"
  security_ok() {
    systemd-analyze security --offline=true "$unit" >"$tmp/security" 2>&1 || true
    local score
    score=$(sed -n 's/.*Overall exposure level for berth.service: \([0-9.]*\).*/\1/p' "$tmp/security")
    echo "systemd-analyze security: ${score:-none}"
    [ -n "$score" ] && awk -v s="$score" 'BEGIN { exit !(s <= 2.0) }'
  }
  check "systemd-analyze security exposure <= 2.0" security_ok
  grep 'Overall exposure' "$tmp/security" | sed 's/^/     /'
else
  echo "FAIL no berth binary in $BUILD_DIR (build it first)"; failed=$((failed + 1))
fi

echo "deploy-config: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
