#!/usr/bin/env bash
# Namespaces per container on a private dockerd (real kernel, issue 16):
# containers run with --pid host, --ipc host, --network host,
# --network container:<other>, and a plain one. For every container and every
# kind (net pid ipc uts mnt user cgroup time) berth's inode must be the one
# `readlink /proc/<pid>/ns/<kind>` gives for the container's process, and its
# sharing must follow from the links: the host's (= /proc/1/ns/<kind>), shared
# with which other containers (by name), or private. Checked in
# `berth stats --no-stream --format json-raw` (the JSON API's objects), in
# /metrics (berth_container_namespace_info{ns,sharing}: the alert's one line
# selects exactly the --pid host container) and in `berth top`'s NS marker
# (one frame in a private tmux server when tmux is installed).
# Env: BERTH_BIN. Exit 0 pass, 77 skip, else fail. Stops what it started.
set -uo pipefail
START=$(date +%s)
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib/dockerd.sh
source "$HERE/lib/dockerd.sh"
# shellcheck source=lib/stop_pid.sh
source "$HERE/lib/stop_pid.sh"
# shellcheck source=lib/prometheus.sh
source "$HERE/lib/prometheus.sh"

[ -n "${BERTH_BIN:-}" ] && [ -x "$BERTH_BIN" ] || { echo "SKIP: BERTH_BIN is not set to the built berth binary"; exit 77; }
for tool in curl python3; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool not installed"; exit 77; }
done
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (a private dockerd; other processes' ns links)"; exit 77; }

WORK=$(mktemp -d /tmp/berth-e2e-ns.XXXXXX)
BERTH_PID=
TMUX_SOCK=$WORK/tmux.sock
cleanup() {
  local rc=$?
  [ -S "$TMUX_SOCK" ] && tmux -S "$TMUX_SOCK" kill-server 2>/dev/null
  stop_pid "$BERTH_PID"
  berth_dockerd_stop
  rm -rf "$WORK"
  echo "time: $(( $(date +%s) - START )) s"
  exit "$rc"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }

berth_dockerd_start || fail "private dockerd did not start"
IMG=$BERTH_E2E_IMAGE
# --bridge=none: "none" gives each container a network namespace of its own.
docker run -d --name plain --network none "$IMG" sleep 100000 >/dev/null || fail "run plain"
docker run -d --name hostpid --network none --pid host "$IMG" sleep 100000 >/dev/null || fail "run hostpid"
docker run -d --name hostipc --network none --ipc host "$IMG" sleep 100000 >/dev/null || fail "run hostipc"
docker run -d --name hostnet --network host "$IMG" sleep 100000 >/dev/null || fail "run hostnet"
docker run -d --name sidecar --network container:plain "$IMG" sleep 100000 >/dev/null || fail "run sidecar"
NAMES="plain hostpid hostipc hostnet sidecar"

# What the kernel says: each container's process's links and the host's.
for n in $NAMES; do
  pid=$(docker inspect -f '{{.State.Pid}}' "$n") || fail "inspect $n"
  for k in net pid ipc uts mnt user cgroup time; do
    printf '%s %s %s\n' "$n" "$k" "$(readlink "/proc/$pid/ns/$k")"
  done
  echo "$n uid_map $(tr -s ' ' <"/proc/$pid/uid_map" | sed 's/^ //')"
done >"$WORK/kernel.txt"
# The host's links are init's; where init's cannot be read (EACCES even for
# root in some sandboxes) berth takes its own, and so does this script (it
# runs in the host's namespaces, as berth does here).
for k in net pid ipc uts mnt user cgroup time; do
  link=$(readlink "/proc/1/ns/$k" 2>/dev/null) || link=$(readlink "/proc/self/ns/$k")
  printf 'host %s %s\n' "$k" "$link"
done >>"$WORK/kernel.txt"

"$BERTH_BIN" stats --no-stream --format json-raw --docker.socket "$BERTH_DOCKER_SOCKET" \
  >"$WORK/berth.json" 2>"$WORK/berth.err" || { cat "$WORK/berth.err"; fail "berth stats json-raw"; }

python3 - "$WORK/kernel.txt" "$WORK/berth.json" "$NAMES" <<'PY' || fail "json-raw namespaces differ from the kernel's links"
import json, re, sys
kernel_txt, berth_json, names = sys.argv[1], sys.argv[2], sys.argv[3].split()
kinds = ["net", "pid", "ipc", "uts", "mnt", "user", "cgroup", "time"]
links, maps = {}, {}
for line in open(kernel_txt):
    who, kind, text = line.rstrip("\n").split(" ", 2)
    if kind == "uid_map":
        maps[who] = text.strip()
        continue
    m = re.fullmatch(kind + r":\[(\d+)\]", text)
    links[(who, kind)] = int(m.group(1)) if m else None
objs = [json.loads(l) for l in open(berth_json) if l.strip()]  # json-raw: one object a line
by_name = {o["name"]: o for o in objs}
bad = 0
for n in names:
    o = by_name.get(n)
    if o is None or o.get("namespaces") is None:
        print(f"{n}: no namespaces in berth's output"); bad += 1; continue
    ns = o["namespaces"]
    row = []
    for k in kinds:
        inode = links[(n, k)]
        got = ns.get(k)
        if inode is None:
            if got is not None: print(f"{n} {k}: berth has {got}, the kernel no link"); bad += 1
            continue
        if got is None or got["inode"] != inode:
            print(f"{n} {k}: berth inode {got and got['inode']}, readlink {inode}"); bad += 1; continue
        others = sorted(m for m in names if m != n and links[(m, k)] == inode)
        if inode == links[("host", k)]:
            want, want_with = "host", []
        elif others:
            want, want_with = "container", others
        else:
            want, want_with = "private", []
        if got["sharing"] != want or got["shared_with"] != want_with or \
                got["shared_with_count"] != len(want_with):
            print(f"{n} {k}: berth {got['sharing']} {got['shared_with']}, want {want} {want_with}")
            bad += 1
        row.append(f"{k}={want}" + (":" + ",".join(want_with) if want_with else ""))
    want_map = [[int(x) for x in l.split()] for l in maps[n].splitlines() if l.strip()]
    got_map = [[r["inside"], r["outside"], r["count"]] for r in (ns.get("uid_map") or [])]
    # /proc/<pid>/uid_map has one line per range; the text read by the shell
    # joined them, so compare the flat figures.
    flat = [int(x) for x in maps[n].split()]
    if [x for r in got_map for x in r] != flat:
        print(f"{n}: uid_map berth {got_map}, kernel {flat}"); bad += 1
    print(f"ok: {n}: " + " ".join(row) + f"  root_uid={ns.get('root_uid')}")
# What each container was run with must show as such (not only agree with readlink).
expect = {("hostpid", "pid"): "host", ("hostipc", "ipc"): "host", ("hostnet", "net"): "host",
          ("plain", "net"): "container", ("sidecar", "net"): "container",
          ("plain", "pid"): "private", ("hostnet", "pid"): "private", ("hostpid", "net"): "private"}
for (n, k), want in expect.items():
    got = by_name[n]["namespaces"][k]["sharing"]
    if got != want:
        print(f"{n} {k}: {got}, run to be {want}"); bad += 1
if by_name["plain"]["namespaces"]["net"]["shared_with"] != ["sidecar"]:
    print("plain's network is not shared with sidecar"); bad += 1
sys.exit(1 if bad else 0)
PY

# /metrics: the info family, and the alert's expression as a selector.
PORT=$(free_port)
"$BERTH_BIN" serve --web.listen-address "127.0.0.1:$PORT" --docker.socket "$BERTH_DOCKER_SOCKET" \
  >"$WORK/serve.log" 2>&1 &
BERTH_PID=$!
wait_http "http://127.0.0.1:$PORT/healthz" 10 || fail "berth serve did not answer"
curl -fsS --max-time 10 "http://127.0.0.1:$PORT/metrics" >"$WORK/metrics.txt" || fail "scrape"
sel='berth_container_namespace_info{'
host_pid=$(grep "^$sel" "$WORK/metrics.txt" | grep 'ns="pid",sharing="host"' |
  sed -n 's/.*[{,]name="\([^"]*\)".*/\1/p' | sort | tr '\n' ' ')
[ "$host_pid" = "hostpid " ] || fail "ns=pid sharing=host series name '$host_pid', want hostpid"
for n in $NAMES; do
  c=$(grep "^$sel" "$WORK/metrics.txt" | grep -c "name=\"$n\"")
  [ "$c" -ge 7 ] || fail "$n: $c namespace series, want one per kind"
done
grep "^$sel" "$WORK/metrics.txt" | grep -q 'inode\|4026' && fail "an inode number in a label"
grep "^$sel" "$WORK/metrics.txt" | grep 'name="sidecar"' | grep -q 'ns="net",sharing="container"' ||
  fail "sidecar's net is not sharing=container in /metrics"
echo "ok: /metrics: ns=\"pid\",sharing=\"host\" selects only hostpid; $(grep -c "^$sel" "$WORK/metrics.txt") series"

# berth top's NS marker, one frame (tmux when installed).
if command -v tmux >/dev/null; then
  tmux -S "$TMUX_SOCK" new-session -d -x 200 -y 30 \
    "$BERTH_BIN top --docker.socket $BERTH_DOCKER_SOCKET --sort name" || fail "tmux"
  frame=
  for _ in $(seq 1 50); do
    sleep 0.2
    frame=$(tmux -S "$TMUX_SOCK" capture-pane -p)
    echo "$frame" | grep -q '^ *hostpid ' && echo "$frame" | grep -q 'sidecar' && break
  done
  marker() { echo "$frame" | grep -E "^ *$1 " | grep -oE '(H:[a-z,]+)?( ?C:[a-z,]+)?( ?U)? *$' | sed 's/^ *//; s/ *$//'; }
  [ "$(marker hostpid)" = "H:pid" ] || fail "top: hostpid's marker '$(marker hostpid)'"
  [ "$(marker hostipc)" = "H:ipc" ] || fail "top: hostipc's marker '$(marker hostipc)'"
  [ "$(marker hostnet)" = "H:net" ] || fail "top: hostnet's marker '$(marker hostnet)'"
  [ "$(marker sidecar)" = "C:net" ] || fail "top: sidecar's marker '$(marker sidecar)'"
  [ "$(marker plain)" = "C:net" ] || fail "top: plain's marker '$(marker plain)'"
  echo "ok: top NS column: hostpid H:pid, hostipc H:ipc, hostnet H:net, plain/sidecar C:net"
else
  echo "note: tmux not installed, top's NS column not checked here (goldens cover it)"
fi
echo "PASS"
