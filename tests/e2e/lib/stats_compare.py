#!/usr/bin/env python3
"""Compare `berth stats --no-stream --format json` with `docker stats --no-stream
--format json` taken at the same moment, container by container.

Usage: stats_compare.py BERTH_JSON DOCKER_JSON EXPECT_TSV
       stats_compare.py --self-test

BERTH_JSON / DOCKER_JSON: the raw outputs (one JSON object per line, or one
JSON array). EXPECT_TSV: one line per container this test started:
"<full id>\t<role>\t<name>\t<init pid>\t<checks as JSON>"; every other
container (other engines on the host) is ignored. Checks: cpu_percent
[lo, hi], mem_at_least, net_rx_at_least, net_tx_at_least,
block_write_at_least (bytes), host_network (bool),
block_write_unthrottled_v1 (bytes written; only noted).

Rules (issue 2): names, ids and PIDs exact; MEM % within 5 % or 0.5 points; memory within 5 % or 1 MiB; NET I/O and
BLOCK I/O within 5 % (or 2 kB, so that a few bytes of neighbour-discovery
traffic between the two reads do not count); CPU % within 10 points. Plus the
known behaviour of each container ("checks"), applied to both tools. On any
mismatch the raw cgroup files behind the figures are printed.
Exit 0 when everything holds, 1 otherwise.
"""
import json
import os
import re
import sys

_UNITS = {
    "b": 1, "kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12, "pb": 1e15,
    "kib": 1024, "mib": 1024**2, "gib": 1024**3, "tib": 1024**4, "pib": 1024**5,
}


def parse_size(text):
    """'64.29MiB' -> bytes (float); '--' or '' -> None."""
    text = text.strip()
    if text in ("", "--"):
        return None
    m = re.fullmatch(r"([0-9]+(?:\.[0-9]+)?(?:e[+-]?[0-9]+)?)\s*([A-Za-z]*)", text)
    if not m:
        raise ValueError("not a size: %r" % text)
    unit = m.group(2).lower() or "b"
    if unit not in _UNITS:
        raise ValueError("unknown unit in %r" % text)
    return float(m.group(1)) * _UNITS[unit]


def parse_pair(text):
    """'4.2MB / 1.1kB' -> (4.2e6, 1.1e3); '--' -> (None, None)."""
    text = text.strip()
    if text in ("", "--"):
        return (None, None)
    parts = text.split(" / ")
    if len(parts) != 2:
        raise ValueError("not a pair: %r" % text)
    return (parse_size(parts[0]), parse_size(parts[1]))


def parse_percent(text):
    text = text.strip()
    if text in ("", "--"):
        return None
    if not text.endswith("%"):
        raise ValueError("not a percentage: %r" % text)
    return float(text[:-1])


def load_rows(text):
    text = text.strip()
    if not text:
        return []
    if text.startswith("["):
        return json.loads(text)
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def index_rows(rows, ids):
    """Map full id -> row, matching the row's ID (short or full) to ids."""
    out = {}
    for row in rows:
        rid = row.get("ID", "")
        for full in ids:
            if rid and full.startswith(rid):
                out[full] = row
    return out


def within(a, b, rel, abs_slack):
    return abs(a - b) <= max(rel * max(abs(a), abs(b)), abs_slack)


def raw_cgroup_files(pid):
    """The v1/v2 files behind docker stats' figures for the container of pid."""
    lines = []
    try:
        with open("/proc/%d/cgroup" % pid) as f:
            cgroups = [l.strip().split(":", 2) for l in f if l.strip()]
    except OSError as e:
        return ["  (no /proc/%d/cgroup: %s)" % (pid, e)]
    wanted = {
        "memory": ["memory.usage_in_bytes", "memory.limit_in_bytes"],
        "cpuacct": ["cpuacct.usage"],
        "blkio": ["blkio.throttle.io_service_bytes_recursive", "blkio.throttle.io_service_bytes",
                  "blkio.io_service_bytes_recursive"],
        "pids": ["pids.current"],
        "": ["memory.current", "memory.stat", "io.stat", "cpu.stat", "pids.current"],
    }
    for _, controllers, path in cgroups:
        for controller in controllers.split(",") if controllers else [""]:
            if controller not in wanted:
                continue
            base = "/sys/fs/cgroup/" + (controller or "unified") + path
            if controller == "" and not os.path.isdir(base):
                base = "/sys/fs/cgroup" + path
            for name in wanted[controller]:
                try:
                    with open(os.path.join(base, name)) as f:
                        content = f.read().strip()
                except OSError:
                    continue
                if controller == "" and name == "memory.stat":
                    content = "\n".join(l for l in content.splitlines()
                                        if l.split()[0] in ("anon", "file", "inactive_file", "shmem"))
                lines.append("  %s/%s:" % (base, name))
                lines.extend("    " + l for l in content.splitlines()[:12])
    for controller in ("memory",):
        for _, controllers, path in cgroups:
            if controller in controllers.split(","):
                stat = "/sys/fs/cgroup/memory%s/memory.stat" % path
                try:
                    with open(stat) as f:
                        keep = [l.strip() for l in f if l.split()[0] in (
                            "total_rss", "total_cache", "total_shmem", "total_inactive_file",
                            "total_active_file", "total_inactive_anon", "total_active_anon")]
                    lines.append("  %s:" % stat)
                    lines.extend("    " + l for l in keep)
                except OSError:
                    pass
    try:
        with open("/proc/%d/net/dev" % pid) as f:
            lines.append("  /proc/%d/net/dev:" % pid)
            lines.extend("    " + l.rstrip() for l in f.readlines()[2:])
    except OSError:
        pass
    return lines


class Comparison:
    def __init__(self):
        self.failures = []
        self.notes = []

    def fail(self, name, msg):
        self.failures.append((name, msg))

    def compare(self, name, berth, docker, checks):
        """One container: both rows, the docker-vs-berth rules, then the checks."""
        for field in ("Name", "ID", "Container", "PIDs"):
            if str(berth.get(field, "")).strip() != str(docker.get(field, "")).strip():
                self.fail(name, "%s: berth %r, docker %r" % (field, berth.get(field), docker.get(field)))

        bm, bl = parse_pair(berth.get("MemUsage", "--"))
        dm, dl = parse_pair(docker.get("MemUsage", "--"))
        if None in (bm, dm):
            self.fail(name, "MemUsage: berth %r, docker %r" % (berth.get("MemUsage"), docker.get("MemUsage")))
        elif not within(bm, dm, 0.05, 1024**2):
            self.fail(name, "memory: berth %s, docker %s (> 5 %% and > 1 MiB apart)"
                      % (berth["MemUsage"], docker["MemUsage"]))
        if None not in (bl, dl) and not within(bl, dl, 0.05, 1024**2):
            self.fail(name, "memory limit: berth %s, docker %s" % (berth["MemUsage"], docker["MemUsage"]))

        bp, dp = parse_percent(berth.get("MemPerc", "--")), parse_percent(docker.get("MemPerc", "--"))
        if None in (bp, dp) or not within(bp, dp, 0.05, 0.5):
            self.fail(name, "MEM %%: berth %r, docker %r" % (berth.get("MemPerc"), docker.get("MemPerc")))

        bc, dc = parse_percent(berth.get("CPUPerc", "--")), parse_percent(docker.get("CPUPerc", "--"))
        if None in (bc, dc) or abs(bc - dc) > 10.0:
            self.fail(name, "CPU: berth %r, docker %r (> 10 points)" % (berth.get("CPUPerc"), docker.get("CPUPerc")))

        for field, label in (("NetIO", "NET I/O"), ("BlockIO", "BLOCK I/O")):
            bpair, dpair = parse_pair(berth.get(field, "--")), parse_pair(docker.get(field, "--"))
            if checks.get("host_network") and field == "NetIO":
                # docker shows 0B / 0B (no networks in the stats); berth must
                # not claim the host's traffic: "--" or 0B / 0B.
                if bpair != (None, None) and bpair != (0.0, 0.0):
                    self.fail(name, "host-network NET I/O: berth %r, docker %r"
                              % (berth.get(field), docker.get(field)))
                elif bpair != dpair:
                    self.notes.append("%s: host network, berth NET I/O %r, docker %r (berth marks it not applicable)"
                                      % (name, berth.get(field), docker.get(field)))
                continue
            for direction, b, d in zip(("in/read", "out/write"), bpair, dpair):
                if b is None or d is None:
                    self.fail(name, "%s %s: berth %r, docker %r" % (label, direction, berth.get(field), docker.get(field)))
                elif not within(b, d, 0.05, 2000):
                    self.fail(name, "%s %s: berth %s, docker %s (> 5 %% apart)"
                              % (label, direction, berth.get(field), docker.get(field)))

        # Known behaviour, for both tools.
        for tool, row in (("berth", berth), ("docker", docker)):
            cpu = parse_percent(row.get("CPUPerc", "--"))
            mem = parse_pair(row.get("MemUsage", "--"))[0]
            net = parse_pair(row.get("NetIO", "--"))
            blk = parse_pair(row.get("BlockIO", "--"))
            if "cpu_percent" in checks and cpu is not None:
                lo, hi = checks["cpu_percent"]
                if not lo <= cpu <= hi:
                    self.fail(name, "%s CPU %.2f%% outside the expected %s..%s%%" % (tool, cpu, lo, hi))
            if "mem_at_least" in checks and mem is not None and mem < checks["mem_at_least"]:
                self.fail(name, "%s memory %s below the %d bytes the container holds"
                          % (tool, row.get("MemUsage"), checks["mem_at_least"]))
            if "net_rx_at_least" in checks and net[0] is not None and net[0] < checks["net_rx_at_least"]:
                self.fail(name, "%s NET I/O in %s below the %d bytes received" % (tool, row.get("NetIO"), checks["net_rx_at_least"]))
            if "net_tx_at_least" in checks and net[1] is not None and net[1] < checks["net_tx_at_least"]:
                self.fail(name, "%s NET I/O out %s below the %d bytes sent" % (tool, row.get("NetIO"), checks["net_tx_at_least"]))
            if "block_write_at_least" in checks and blk[1] is not None:
                if blk[1] < checks["block_write_at_least"]:
                    self.fail(name, "%s BLOCK I/O write %s below the %d bytes written with O_DIRECT"
                              % (tool, row.get("BlockIO"), checks["block_write_at_least"]))
            if checks.get("block_write_unthrottled_v1") and blk[1] is not None:
                self.notes.append("%s: %s reports BLOCK I/O %r for %d bytes of O_DIRECT writes without a throttle rule"
                                  % (name, tool, row.get("BlockIO"), checks["block_write_unthrottled_v1"]))


def main(argv):
    if len(argv) == 2 and argv[1] == "--self-test":
        return self_test()
    if len(argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1]) as f:
        berth_rows = load_rows(f.read())
    with open(argv[2]) as f:
        docker_rows = load_rows(f.read())
    expect = {}
    with open(argv[3]) as f:
        for line in f:
            if not line.strip():
                continue
            full_id, role, name, pid, checks = line.rstrip("\n").split("\t")
            expect[full_id] = {"role": role, "name": name, "pid": int(pid), "checks": json.loads(checks)}
    ids = list(expect)
    berth, docker = index_rows(berth_rows, ids), index_rows(docker_rows, ids)
    cmp = Comparison()
    for full_id, spec in expect.items():
        name = "%s (%s)" % (spec.get("name", full_id[:12]), spec.get("role", "?"))
        if full_id not in docker:
            cmp.fail(name, "missing from docker stats")
            continue
        if full_id not in berth:
            cmp.fail(name, "missing from berth stats")
            continue
        failures_before = len(cmp.failures)
        try:
            cmp.compare(name, berth[full_id], docker[full_id], spec.get("checks", {}))
        except ValueError as e:
            cmp.fail(name, "unparseable output: %s" % e)
        b, d = berth[full_id], docker[full_id]
        print("%-22s %-10s berth: CPU %-8s MEM %-22s NET %-20s BLOCK %-20s PIDs %s"
              % (spec.get("name", "")[:22], spec.get("role", ""), b.get("CPUPerc"), b.get("MemUsage"),
                 b.get("NetIO"), b.get("BlockIO"), b.get("PIDs")))
        print("%-22s %-10s docker: CPU %-7s MEM %-22s NET %-20s BLOCK %-20s PIDs %s"
              % ("", "", d.get("CPUPerc"), d.get("MemUsage"), d.get("NetIO"), d.get("BlockIO"), d.get("PIDs")))
        if len(cmp.failures) > failures_before and spec.get("pid"):
            print("  raw cgroup files behind %s:" % name)
            print("\n".join(raw_cgroup_files(int(spec["pid"]))))
    for note in cmp.notes:
        print("NOTE: " + note)
    for name, msg in cmp.failures:
        print("MISMATCH %s: %s" % (name, msg))
    print("%d containers compared, %d mismatches" % (len(expect), len(cmp.failures)))
    return 1 if cmp.failures else 0


def self_test():
    cases = [
        ("0B", 0.0), ("796B", 796.0), ("1.23kB", 1230.0), ("4.19MB", 4.19e6), ("2GB", 2e9),
        ("64.29MiB", 64.29 * 1024**2), ("1.944GiB", 1.944 * 1024**3), ("512KiB", 512 * 1024.0),
        ("--", None),
    ]
    for text, want in cases:
        got = parse_size(text)
        assert (got is None and want is None) or abs(got - want) < 1e-6 * max(1, want), (text, got, want)
    rx, tx = parse_pair("4.19MB / 1.1kB")
    assert abs(rx - 4.19e6) < 1e-3 and abs(tx - 1100.0) < 1e-6, (rx, tx)
    assert parse_pair("--") == (None, None)
    assert parse_percent("49.98%") == 49.98 and parse_percent("--") is None
    for bad in ("12 parsecs", "MB", "1.2.3MB"):
        try:
            parse_size(bad)
        except ValueError:
            continue
        raise AssertionError("accepted %r" % bad)
    assert within(100, 104, 0.05, 0) and not within(100, 106, 0.05, 0)
    assert within(0, 1000, 0.05, 2000)
    rows = load_rows('{"ID":"abc"}\n{"ID":"def"}\n')
    assert [r["ID"] for r in rows] == ["abc", "def"]
    assert load_rows('[{"ID":"abc"}]')[0]["ID"] == "abc"
    print("stats_compare self-test ok")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
