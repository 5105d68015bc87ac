#!/usr/bin/env bash
# Static checks of dashboards/ (no engine, no berth needed; a few seconds):
#   - promtool check rules on every rule file
#   - promtool test rules: the unit tests of every alert (dashboards/tests)
#   - dashboards/tools/check_dashboards.py: JSON, schemaVersion 39, the
#     ${datasource} rule, unit/title/description/query on every panel,
#     $__rate_interval, metric names against the committed /metrics sample,
#     thresholds against the alert rules, every query parsed by promtool
#   - the checker itself rejects broken dashboards (it is not a rubber stamp)
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
D=$ROOT/dashboards
PY=$(command -v /usr/bin/python3 || command -v python3)

# shellcheck source=lib/require.sh
source "$(dirname "$0")/lib/require.sh"
require_tools promtool "$PY"

tmp=$(mktemp -d /tmp/berth-dashboards-static.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
failed=0
check() {
  local name=$1; shift
  if "$@" >"$tmp/out" 2>&1; then
    echo "ok   $name"; tail -1 "$tmp/out" | sed 's/^/     /'
  else
    echo "FAIL $name"; sed 's/^/     /' "$tmp/out" | tail -40; failed=$((failed + 1))
  fi
}
# reject NAME PATTERN PYTHON-MUTATION: the checker must fail a mutated copy.
reject() {
  local name=$1 pattern=$2 code=$3
  rm -rf "$tmp/mut" && mkdir "$tmp/mut" && cp "$D"/grafana/*.json "$tmp/mut/"
  "$PY" - "$tmp/mut/berth-containers-overview.json" "$code" <<'PYEOF'
import json, sys
path, code = sys.argv[1], sys.argv[2]
d = json.load(open(path))
P = [p for p in d["panels"] if p["type"] != "row"]
exec(code)
json.dump(d, open(path, "w"), indent=1)
PYEOF
  if "$PY" "$D/tools/check_dashboards.py" --promtool promtool "$tmp"/mut/*.json >"$tmp/out" 2>&1; then
    echo "FAIL checker accepts: $name"; failed=$((failed + 1))
  elif grep -qE -- "$pattern" "$tmp/out"; then
    echo "ok   checker rejects: $name"
  else
    echo "FAIL checker rejects $name without /$pattern/"; tail -5 "$tmp/out"; failed=$((failed + 1))
  fi
}

check "promtool check rules" promtool check rules "$D"/rules/*.yml
check "promtool test rules (every alert: fires, silent below threshold and before for)" \
  promtool test rules "$D"/tests/*_test.yml
check "dashboards checker" "$PY" "$D/tools/check_dashboards.py" --promtool promtool

# The committed sample must not invent names: every family in it is one berth
# really writes (the exporter's golden /metrics files, which leave out the
# volatile families listed here).
golden=("$ROOT"/tests/exporter/golden/*.prom)
if [ -e "${golden[0]}" ]; then
  check "metrics sample names are all in berth's golden /metrics" "$PY" - "$D/testdata/metrics-sample.prom" "${golden[@]}" <<'PYEOF'
import re, sys
def names(path):
    out = set()
    for line in open(path):
        m = re.match(r"# TYPE (\S+)", line) or re.match(r"([A-Za-z_:][\w:]*)[{ ]", line)
        if m:
            out.add(m.group(1))
    return out
sample = names(sys.argv[1])
real = set().union(*(names(p) for p in sys.argv[2:]))
volatile = {"container_last_seen", "berth_build_info", "berth_collector_duration_seconds"}
extra = sorted(n for n in sample - real - volatile if not n.startswith("process_"))
if extra:
    sys.exit("in the sample but not in any golden file: " + ", ".join(extra))
print(f"{len(sample)} sample families, all exported by berth")
PYEOF
else
  echo "note: no tests/exporter/golden/*.prom yet; sample names not cross-checked"
fi

reject "a literal rate window" 'use \[\$__rate_interval\]' \
  'P[1]["targets"][0]["expr"] = P[1]["targets"][0]["expr"].replace("$__rate_interval", "5m")'
reject "an unknown metric" 'not in the /metrics sample' \
  'P[1]["targets"][0]["expr"] = P[1]["targets"][0]["expr"].replace("container_cpu_usage_seconds_total", "container_cpu_usage_total")'
reject "a panel without unit" 'no unit' 'del P[2]["fieldConfig"]["defaults"]["unit"]'
reject "a panel without description" 'no description' 'P[2]["description"] = ""'
reject "a query that does not parse" 'does not parse' 'P[2]["targets"][0]["expr"] += " +"'
reject "a hard-coded datasource uid" 'datasource is' 'P[2]["targets"][0]["datasource"] = {"type": "prometheus", "uid": "P1809F7CD0C75ACF3"}'
reject "__inputs" 'has __inputs' 'd["__inputs"] = [{"name": "DS_PROMETHEUS"}]'
reject "schemaVersion 38" 'schemaVersion is 38' 'd["schemaVersion"] = 38'
reject "a threshold that drifted from its alert" "lack alert ContainerMemoryNearLimit" \
  '[p for p in P if p["title"] == "Memory % of limit"][0]["fieldConfig"]["defaults"]["thresholds"]["steps"][1]["value"] = 0.85'

[ "$failed" -eq 0 ] || { echo "$failed check(s) failed"; exit 1; }
echo "all dashboard static checks passed"
