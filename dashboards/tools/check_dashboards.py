#!/usr/bin/env python3
"""Checks berth's Grafana dashboards against its rules and a /metrics sample.

Static checks (always):
  * every dashboard is valid JSON with schemaVersion 39, has no __inputs, and
    has a `datasource` variable (type datasource, query prometheus);
  * every datasource reference is {"type": "prometheus", "uid": "${datasource}"}
    (Grafana's own annotation source excepted): no hard-coded uids;
  * every panel but rows has a title, a description, a unit and at least one
    target, and every target a non-empty expr;
  * every range selector in a panel query is [$__rate_interval] or [$__range],
    and rate()/irate() always use [$__rate_interval];
  * every metric name a query or variable uses is in the /metrics sample(s)
    or is a recording rule of the rule files;
  * a panel whose description says it "marks"/"follows" alert X has threshold
    steps equal to X's thresholds (fractions; also for percent units), and
    every alert comparing a berth:*ratio* recording rule is marked somewhere;
  * the Container detail dashboard (--complete-uid) uses every container_*
    family of the /metrics sample, and berth_container_info;
  * with --promtool: every query (variables substituted) parses. promtool has
    no parse-only command, so the queries are written as recording rules into
    a temporary rule file and checked with `promtool check rules`.

Live check (--prometheus URL): every query, variables substituted, is run as
an instant query and must return at least one series. A query that returns
nothing although every metric it needs is present in --live-metrics fails; a
query that needs a metric the live /metrics lacks (the kernel does not
provide it on this host, e.g. no PSI) is reported as SKIP with the reason.
--expect-alert 'NAME{label=value,...}' (repeatable) requires that alert to be active (pending or
firing) in that Prometheus; --check-rule-health requires every loaded rule to
evaluate without error.

Exit status 0 when everything passed, 1 otherwise. Python 3 standard library only.
"""

import argparse
import glob
import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)  # dashboards/

DS_REF = {"type": "prometheus", "uid": "${datasource}"}
KEYWORDS = {"and", "or", "unless", "by", "without", "on", "ignoring", "group_left",
            "group_right", "bool", "offset", "inf", "nan", "atan2"}
# Series that Prometheus itself provides for every target.
PROMETHEUS_SERIES = {"up", "scrape_duration_seconds", "scrape_samples_scraped", "ALERTS",
                     "ALERTS_FOR_STATE"}
ALLOWED_RANGES = {"$__rate_interval", "$__range"}
MARK_RE = re.compile(r"\b(?:marks?|follows?) alert ([A-Z][A-Za-z0-9]+)")
VAR_RE = re.compile(r"\$\{(\w+)(?::\w+)?\}|\$(\w+)|\[\[(\w+)\]\]")


# --- PromQL helpers (no parser: enough for names, ranges and substitution) ---

def strip_strings(expr):
    """Replaces the contents of string literals with nothing."""
    return re.sub(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`', '""', expr)


def metric_names(expr):
    """Metric names a PromQL expression selects (by bare name)."""
    e = strip_strings(expr)
    e = re.sub(r"\{[^}]*\}", " ", e)
    e = re.sub(r"\[[^\]]*\]", " ", e)
    e = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", e)
    names = set()
    for m in re.finditer(r"(?<![\w.$])([A-Za-z_:][A-Za-z0-9_:]*)", e):
        name = m.group(1)
        rest = e[m.end():].lstrip()
        if rest.startswith("(") or name.lower() in KEYWORDS:
            continue
        names.add(name)
    return names


def range_selectors(expr):
    """(function name, range text) for every [..] range in the expression."""
    e = strip_strings(expr)
    out = []
    for m in re.finditer(r"\[([^\]]*)\]", e):
        depth, i = 0, m.start() - 1
        while i >= 0:
            c = e[i]
            if c == ")":
                depth += 1
            elif c == "(":
                if depth == 0:
                    break
                depth -= 1
            i -= 1
        func = ""
        if i >= 0:
            fm = re.search(r"([A-Za-z_]+)\s*$", e[:i])
            func = fm.group(1) if fm else ""
        out.append((func, m.group(1).strip()))
    return out


def substitute(expr, values):
    def repl(m):
        name = m.group(1) or m.group(2) or m.group(3)
        if name not in values:
            raise KeyError(name)
        return values[name]
    return VAR_RE.sub(repl, expr)


# --- rule files (a small reader for the layout berth's rule files use) -------

def read_rules(paths):
    """List of dicts {kind: record|alert, name, expr, for, labels} per rule."""
    rules = []
    for path in paths:
        lines = open(path, encoding="utf-8").read().splitlines()
        cur = None
        i = 0
        while i < len(lines):
            line = lines[i]
            m = re.match(r"^(\s*)- (record|alert):\s*(\S+)\s*$", line)
            if m:
                cur = {"kind": m.group(2), "name": m.group(3), "expr": "", "for": "",
                       "labels": {}, "file": path}
                rules.append(cur)
                i += 1
                continue
            m = re.match(r"^(\s*)expr:\s*(.*)$", line)
            if m and cur is not None:
                indent, value = len(m.group(1)), m.group(2).strip()
                if value in ("|", ">", "|-", ">-"):
                    block = []
                    i += 1
                    while i < len(lines) and (not lines[i].strip() or
                                              len(lines[i]) - len(lines[i].lstrip()) > indent):
                        block.append(lines[i].strip())
                        i += 1
                    cur["expr"] = "\n".join(b for b in block if b)
                    continue
                cur["expr"] = value
            m = re.match(r"^\s*for:\s*(\S+)", line)
            if m and cur is not None:
                cur["for"] = m.group(1)
            m = re.match(r"^\s*severity:\s*(\S+)", line)
            if m and cur is not None:
                cur["labels"]["severity"] = m.group(1)
            i += 1
    return rules


def alert_thresholds(rules):
    """{alert name: (set of thresholds, compared series)} for `<series> > N` alerts."""
    out = {}
    for r in rules:
        if r["kind"] != "alert":
            continue
        m = re.match(r"^([A-Za-z_:][\w:]*)\s*>=?\s*([0-9.]+)\s*$", r["expr"].strip())
        if not m:
            continue
        thresholds, series = out.setdefault(r["name"], (set(), m.group(1)))
        thresholds.add(float(m.group(2)))
    return out


# --- /metrics samples --------------------------------------------------------

def read_metric_names(paths):
    """Names that have at least one sample (a family with only # HELP/# TYPE
    lines, e.g. an error counter before the first error, does not count)."""
    names = set()
    for path in paths:
        for line in open(path, encoding="utf-8", errors="replace"):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            m = re.match(r"([A-Za-z_:][A-Za-z0-9_:]*)", line)
            if m:
                names.add(m.group(1))
    return names


# --- dashboards --------------------------------------------------------------

def panels_of(dashboard):
    for p in dashboard.get("panels", []):
        yield p
        for q in p.get("panels", []) or []:
            yield q


def walk_datasources(node, path, problems, where):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "datasource":
                ok = (v == DS_REF or v == "${datasource}" or
                      (isinstance(v, dict) and v.get("type") == "grafana"))
                if not ok:
                    problems.append(f"{where}: {path}.datasource is {json.dumps(v)}, "
                                    f"want {json.dumps(DS_REF)}")
            else:
                walk_datasources(v, f"{path}.{k}", problems, where)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            walk_datasources(v, f"{path}[{i}]", problems, where)


def threshold_steps(panel):
    values = []
    fc = panel.get("fieldConfig", {})
    for thr in [fc.get("defaults", {}).get("thresholds")] + [
            p.get("value") for o in fc.get("overrides", [])
            for p in o.get("properties", []) if p.get("id") == "thresholds"]:
        if thr:
            values += [s["value"] for s in thr.get("steps", []) if s.get("value") is not None]
    return values


def check_dashboard(path, known_metrics, rules, thresholds, problems, queries, marked, values):
    """Checks one dashboard; returns (uid, set of metric names its queries use)."""
    where = os.path.basename(path)
    used = set()
    try:
        d = json.load(open(path, encoding="utf-8"))
    except (OSError, ValueError) as e:
        problems.append(f"{where}: not valid JSON: {e}")
        return None, used
    if d.get("schemaVersion") != 39:
        problems.append(f"{where}: schemaVersion is {d.get('schemaVersion')}, want 39")
    if "__inputs" in d:
        problems.append(f"{where}: has __inputs (file provisioning cannot resolve them)")
    for key in ("uid", "title"):
        if not d.get(key):
            problems.append(f"{where}: no {key}")
    variables = d.get("templating", {}).get("list", [])
    dsvars = [v for v in variables if v.get("name") == "datasource"]
    if not dsvars or dsvars[0].get("type") != "datasource" or dsvars[0].get("query") != "prometheus":
        problems.append(f"{where}: no `datasource` variable of type datasource/prometheus")
    walk_datasources(d, "$", problems, where)

    subst = dict(values["builtin"])
    for v in variables:
        name = v.get("name")
        if name in values["user"]:
            subst[name] = values["user"][name]
        elif v.get("includeAll"):
            subst[name] = v.get("allValue") or ".*"
        else:
            subst[name] = values["default"]
    subst.update(values["user"])

    def use_query(expr, label, instant):
        used.update(metric_names(expr))
        for name in sorted(metric_names(expr)):
            if name not in known_metrics and name not in rules and name not in PROMETHEUS_SERIES:
                problems.append(f"{label}: metric {name} is not in the /metrics sample "
                                f"nor a recording rule")
        try:
            concrete = substitute(expr, subst)
        except KeyError as e:
            problems.append(f"{label}: unknown variable ${e.args[0]}")
            return
        queries.append({"where": label, "expr": concrete, "instant": instant,
                        "metrics": sorted(metric_names(expr))})

    for v in variables:
        if v.get("type") != "query":
            continue
        q = v.get("query")
        q = q.get("query", "") if isinstance(q, dict) else (q or "")
        m = re.match(r"^\s*label_values\((.*),\s*(\w+)\s*\)\s*$", q, re.S)
        if not m:
            problems.append(f"{where}: variable {v.get('name')}: query {q!r} is not label_values(selector, label)")
            continue
        use_query(m.group(1), f"{where}: variable {v.get('name')}", True)

    ids = set()
    for p in panels_of(d):
        title = p.get("title") or ""
        label = f"{where}: panel {p.get('id')} {title!r}"
        if p.get("id") in ids:
            problems.append(f"{label}: duplicate panel id")
        ids.add(p.get("id"))
        if p.get("type") == "row":
            continue
        if not title:
            problems.append(f"{label}: no title")
        if not (p.get("description") or "").strip():
            problems.append(f"{label}: no description")
        unit = p.get("fieldConfig", {}).get("defaults", {}).get("unit")
        if not unit:
            problems.append(f"{label}: no unit (fieldConfig.defaults.unit)")
        targets = p.get("targets") or []
        if not targets:
            problems.append(f"{label}: no query")
        refs = set()
        for t in targets:
            expr = (t.get("expr") or "").strip()
            tl = f"{label} query {t.get('refId')}"
            if t.get("refId") in refs:
                problems.append(f"{tl}: duplicate refId")
            refs.add(t.get("refId"))
            if not expr:
                problems.append(f"{tl}: empty expr")
                continue
            for func, rng in range_selectors(expr):
                if rng not in ALLOWED_RANGES:
                    problems.append(f"{tl}: range [{rng}] in {func or 'subquery'}(): use "
                                    f"[$__rate_interval] (or [$__range] for totals over the time range)")
                elif func in ("rate", "irate") and rng != "$__rate_interval":
                    problems.append(f"{tl}: {func}() must use [$__rate_interval], not [{rng}]")
            use_query(expr, tl, bool(t.get("instant")))
        desc = p.get("description") or ""
        for alert in MARK_RE.findall(desc):
            if alert not in thresholds:
                problems.append(f"{label}: description marks alert {alert}, which is not a "
                                f"`<series> > N` alert of the rule files")
                continue
            marked.add(alert)
            want = thresholds[alert][0]
            scale = 100.0 if unit == "percent" else 1.0
            have = {round(v / scale, 9) for v in threshold_steps(p)}
            missing = sorted(t for t in want if round(t, 9) not in have)
            if missing:
                problems.append(f"{label}: thresholds {sorted(have)} lack alert {alert}'s "
                                f"{missing} (unit {unit})")
    return d.get("uid"), used


def promtool_parse(promtool, queries, problems):
    """Parses every query with `promtool check rules` on a generated rule file."""
    def write(subset, f):
        f.write("groups:\n  - name: dashboard_queries\n    rules:\n")
        for i, q in subset:
            f.write(f"      - record: dashboard_query_{i}\n        expr: {json.dumps(q['expr'])}\n")
        f.flush()

    def check(subset):
        with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as f:
            write(subset, f)
        try:
            r = subprocess.run([promtool, "check", "rules", f.name], capture_output=True, text=True)
            return r.returncode == 0, (r.stdout + r.stderr).strip()
        finally:
            os.unlink(f.name)

    indexed = list(enumerate(queries))
    ok, out = check(indexed)
    if ok:
        return
    # promtool names each rule that fails to parse: "dashboard_query_<i>".
    bad = sorted({int(i) for i in re.findall(r"dashboard_query_(\d+)", out)})
    if not bad:
        problems.append(f"promtool check rules failed on the generated query file: {out}")
    for i in bad:
        q = queries[i]
        msg = [l for l in out.splitlines() if f"dashboard_query_{i}\"" in l]
        problems.append(f"{q['where']}: does not parse: {q['expr']!r}: "
                        f"{msg[0].split(': ', 1)[-1] if msg else out}")


def http_json(url):
    with urllib.request.urlopen(url, timeout=10) as r:
        return json.load(r)


def live_check(base, queries, live_metrics, rules_by_name, expect_alerts, rule_health, problems):
    def needs(names, seen=None):
        """Raw metric names behind names, following recording rules."""
        seen = seen or set()
        out = set()
        for n in names:
            if n in seen:
                continue
            seen.add(n)
            if n in rules_by_name:
                out |= needs(metric_names(rules_by_name[n]["expr"]), seen)
            else:
                out.add(n)
        return out

    passed = skipped = 0
    done = set()
    for q in queries:
        if q["expr"] in done:
            continue
        done.add(q["expr"])
        url = base.rstrip("/") + "/api/v1/query?" + urllib.parse.urlencode({"query": q["expr"]})
        try:
            res = http_json(url)
        except Exception as e:  # noqa: BLE001 - report any transport/HTTP error
            problems.append(f"{q['where']}: query failed: {e}: {q['expr']!r}")
            continue
        data = res.get("data", {})
        n = len(data.get("result", [])) if data.get("resultType") in ("vector", "matrix") else 1
        if n >= 1:
            passed += 1
            continue
        absent = sorted(m for m in needs(q["metrics"]) if m not in live_metrics
                        and m not in PROMETHEUS_SERIES)
        if absent:
            skipped += 1
            print(f"SKIP {q['where']}: this host's /metrics has no {', '.join(absent)}")
        else:
            problems.append(f"{q['where']}: no series although its metrics are exported: {q['expr']!r}")
    print(f"live: {passed} distinct queries returned data, {skipped} skipped (metric not exported here)")
    if rule_health:
        groups = http_json(base.rstrip("/") + "/api/v1/rules").get("data", {}).get("groups", [])
        count = 0
        for g in groups:
            for r in g.get("rules", []):
                count += 1
                if r.get("health") != "ok":
                    problems.append(f"rule {r.get('name')} (group {g.get('name')}): health "
                                    f"{r.get('health')}: {r.get('lastError', '')}")
        print(f"live: {count} rules loaded in Prometheus")
        if count == 0:
            problems.append("Prometheus has no rules loaded")
    if expect_alerts:
        alerts = http_json(base.rstrip("/") + "/api/v1/alerts").get("data", {}).get("alerts", [])
        for spec in expect_alerts:
            # NAME or NAME{label=value,...}
            m = re.match(r"^(\w+)(?:\{(.*)\})?$", spec)
            want = {"alertname": m.group(1)}
            for kv in filter(None, (m.group(2) or "").split(",")):
                k, _, v = kv.partition("=")
                want[k.strip()] = v.strip().strip('"')
            hits = [a for a in alerts if all(a["labels"].get(k) == v for k, v in want.items())]
            if hits:
                print(f"alert {spec}: " + "; ".join(
                    f"{a.get('state')} {a['labels'].get('severity', '')} "
                    f"value {float(a.get('value', 'nan')):.3g}" for a in hits))
            else:
                problems.append(f"alert {spec} is not active (pending or firing)")


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dashboards", nargs="*", help="dashboard JSON files (default: dashboards/grafana/*.json)")
    ap.add_argument("--metrics", action="append", help="a /metrics text sample (repeatable; "
                    "default: dashboards/testdata/metrics-sample.prom)")
    ap.add_argument("--rules", action="append", help="rule file (repeatable; default: dashboards/rules/*.yml)")
    ap.add_argument("--promtool", help="promtool binary: parse every query with it")
    ap.add_argument("--var", action="append", default=[], metavar="NAME=VALUE",
                    help="value for a dashboard variable (default: its All value, else 'x'); "
                         "also __rate_interval (default 1m), __range (1h), __interval (15s)")
    ap.add_argument("--prometheus", help="base URL of a Prometheus to run every query against")
    ap.add_argument("--live-metrics", help="the /metrics text that Prometheus scrapes (with --prometheus)")
    ap.add_argument("--expect-alert", action="append", default=[], help="alert that must be active, NAME or NAME{label=value,...} (with --prometheus)")
    ap.add_argument("--complete-uid", default="berth-container-detail",
                    help="dashboard that must use every container_* family of the sample")
    ap.add_argument("--check-rule-health", action="store_true",
                    help="every rule loaded in that Prometheus must have health ok (with --prometheus)")
    ap.add_argument("--emit-queries", help="write the substituted queries as JSON to this file")
    args = ap.parse_args(argv)

    dashboards = args.dashboards or sorted(glob.glob(os.path.join(ROOT, "grafana", "*.json")))
    rule_files = args.rules or sorted(glob.glob(os.path.join(ROOT, "rules", "*.yml")))
    metric_files = args.metrics or [os.path.join(ROOT, "testdata", "metrics-sample.prom")]
    user = {}
    for kv in args.var:
        k, _, v = kv.partition("=")
        user[k] = v
    values = {"builtin": {"__rate_interval": "1m", "__range": "1h", "__interval": "15s"},
              "user": user, "default": "x"}

    problems, queries, marked = [], [], set()
    rules = read_rules(rule_files)
    rules_by_name = {r["name"]: r for r in rules if r["kind"] == "record"}
    thresholds = alert_thresholds(rules)
    known = read_metric_names(metric_files)
    for r in rules:  # the rules themselves must only use exported metrics
        for name in metric_names(r["expr"]):
            if name not in known and name not in rules_by_name and name not in PROMETHEUS_SERIES:
                problems.append(f"{os.path.basename(r['file'])}: {r['kind']} {r['name']}: "
                                f"metric {name} is not in the /metrics sample")
    uids = {}
    for path in dashboards:
        before = len(queries)
        uid, used = check_dashboard(path, known, rules_by_name, thresholds, problems, queries,
                                    marked, values)
        if uid is not None and uid in uids:
            problems.append(f"{os.path.basename(path)}: uid {uid} also used by {uids[uid]}")
        uids[uid] = os.path.basename(path)
        if uid == args.complete_uid:
            # The per-container dashboard shows every container family berth exports.
            missing = sorted(n for n in known if (n.startswith("container_") or n == "berth_container_info")
                             and n not in used)
            if missing:
                problems.append(f"{os.path.basename(path)}: does not show {', '.join(missing)}")
        print(f"{os.path.basename(path)}: {len(queries) - before} queries")
    for alert, (_, series) in sorted(thresholds.items()):
        if series.startswith("berth:") and "ratio" in series and alert not in marked:
            problems.append(f"alert {alert} ({series}) has no dashboard panel that marks its thresholds")
    if args.promtool:
        promtool_parse(args.promtool, queries, problems)
    if args.emit_queries:
        with open(args.emit_queries, "w") as f:
            json.dump(queries, f, indent=1)
    if args.prometheus:
        live = read_metric_names([args.live_metrics]) if args.live_metrics else known
        live_check(args.prometheus, queries, live, rules_by_name, args.expect_alert,
                   args.check_rule_health, problems)

    for p in problems:
        print("FAIL " + p)
    print(f"{len(dashboards)} dashboards, {len(queries)} queries, {len(rules)} rules: "
          f"{'OK' if not problems else str(len(problems)) + ' problem(s)'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
