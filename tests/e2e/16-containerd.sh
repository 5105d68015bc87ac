#!/usr/bin/env bash
# containerd names on a real containerd (issue 15): a private containerd
# (tests/e2e/lib/containerd.sh: own root, state, socket, config and cgroup
# parent) with a busybox image imported by `ctr images import`, and
#   - one Kubernetes pod the way CRI lays it out: a sandbox and two containers
#     in namespace k8s.io, with CRI's labels, under a kubepods-like cgroupfs
#     parent (.../kubepods/burstable/pod<uid>/<id>), all three in the
#     sandbox's network namespace (a netns this test made, a veth to the
#     host, a few pings of traffic);
#   - one nerdctl-style container in namespace default (label nerdctl/name,
#     nerdctl's cgroupfs layout /<namespace>/<id>, its own empty netns).
# Then `berth serve --containerd.socket`:
#   - /metrics: each container has its image, the pod's have namespace, pod
#     and container (POD for the sandbox), the nerdctl one its name; network
#     series only on the sandbox (the pod's eth0 once, not three times);
#   - the JSON API says the same (net figures null on the pod's other
#     containers); `berth stats` names them and shows NET I/O on the sandbox only;
#   - a relabel (`ctr containers label`, an update event) renames the nerdctl
#     container within a few samples, and a label that is not UTF-8 costs the
#     others nothing;
#   - a deleted container is gone from the first scrape after `ctr` returns;
#   - no containerd errors are counted or logged.
# Env: BERTH_BIN. Exit 0 pass, 77 skip (containerd cannot run here), else fail.
# Stops what it started, by pid. Prints its time (budget ~60 s).
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib/containerd.sh
source "$HERE/lib/containerd.sh"
# shellcheck source=lib/stop_pid.sh
source "$HERE/lib/stop_pid.sh"
# shellcheck source=lib/prometheus.sh
source "$HERE/lib/prometheus.sh"  # free_port, wait_http

T0=$(date +%s)
[ -n "${BERTH_BIN:-}" ] && [ -x "$BERTH_BIN" ] || { echo "SKIP: BERTH_BIN is not set to the built berth binary"; exit 77; }
for tool in curl python3 ip unshare nsenter; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool not installed"; exit 77; }
done

BERTH_PID= PODNET= VETH=
cleanup() {
  local rc=$?
  stop_pid "$BERTH_PID"
  berth_containerd_stop
  [ -n "$VETH" ] && ip link del "$VETH" 2>/dev/null
  if [ -n "$PODNET" ]; then umount "$PODNET" 2>/dev/null; rm -f "$PODNET"; fi
  [ -n "${WORK:-}" ] && rm -rf "$WORK"
  echo "time: $(($(date +%s) - T0)) s"
  exit "$rc"
}
trap cleanup EXIT
WORK=$(mktemp -d /tmp/berth-e2e-containerd.XXXXXX)
fail() {
  echo "FAIL: $*"
  echo "--- berth log"; tail -20 "$WORK/berth.log" 2>/dev/null
  echo "--- containerd log"; tail -10 "$BERTH_CONTAINERD_DIR/containerd.log" 2>/dev/null
  exit 1
}

berth_containerd_start || fail "private containerd"
echo "ok: containerd at $BERTH_CONTAINERD_SOCKET, snapshotter $BERTH_CONTAINERD_SNAPSHOTTER, image $BERTH_CONTAINERD_IMAGE"
IMG=$BERTH_CONTAINERD_IMAGE
SUFFIX=${BERTH_CONTAINERD_DIR##*.}

# The pod's network namespace (a file bind mount, not /run/netns) and a veth
# pair to the host; 10.213.x.0/30 on links only this test has.
PODNET=$WORK/podnet
touch "$PODNET" && unshare --net="$PODNET" true || { echo "SKIP: cannot make a network namespace here"; exit 77; }
VETH=bh$SUFFIX
ip link add "$VETH" type veth peer name bp"$SUFFIX" || { echo "SKIP: cannot make a veth pair here"; exit 77; }
ip link set bp"$SUFFIX" netns "$PODNET" || fail "veth into the pod's netns"
NET=$((RANDOM % 200 + 20))
ip addr add "10.213.$NET.1/30" dev "$VETH" && ip link set "$VETH" up || fail "host side of the veth"
nsenter --net="$PODNET" sh -c "ip link set bp$SUFFIX name eth0 && ip addr add 10.213.$NET.2/30 dev eth0 &&
  ip link set eth0 up && ip link set lo up" || fail "pod side of the veth"

id_of() { printf '%s' "$1-$SUFFIX" | sha256sum | cut -c1-64; }
UID_POD=$(python3 -c 'import uuid; print(uuid.uuid4())')
POD_CG=$BERTH_CONTAINERD_CGROUP/kubepods/burstable/pod$UID_POD
SANDBOX=$(id_of sandbox) APP=$(id_of app) SIDE=$(id_of side) NERD=$(id_of nerdctl)
CRI=(--label io.kubernetes.pod.name=web-0 --label io.kubernetes.pod.namespace=shop
     --label "io.kubernetes.pod.uid=$UID_POD")
RUN=(run -d --snapshotter "$BERTH_CONTAINERD_SNAPSHOTTER")
bctr -n k8s.io "${RUN[@]}" --cgroup "$POD_CG/$SANDBOX" --with-ns "network:$PODNET" "${CRI[@]}" \
  --label io.cri-containerd.kind=sandbox "$IMG" "$SANDBOX" sleep 100000 >"$WORK/ctr.log" 2>&1 ||
  { echo "SKIP: containerd cannot run a container here: $(tail -1 "$WORK/ctr.log")"; exit 77; }
for pair in "$APP nginx" "$SIDE sidecar"; do
  set -- $pair
  bctr -n k8s.io "${RUN[@]}" --cgroup "$POD_CG/$1" --with-ns "network:$PODNET" "${CRI[@]}" \
    --label io.cri-containerd.kind=container --label "io.kubernetes.container.name=$2" \
    "$IMG" "$1" sleep 100000 >>"$WORK/ctr.log" 2>&1 || fail "ctr run $2: $(tail -1 "$WORK/ctr.log")"
done
bctr -n default "${RUN[@]}" --cgroup "$BERTH_CONTAINERD_CGROUP/default/$NERD" --label nerdctl/name=web \
  "$IMG" "$NERD" sleep 100000 >>"$WORK/ctr.log" 2>&1 || fail "ctr run nerdctl-style: $(tail -1 "$WORK/ctr.log")"
echo "ok: pod shop/web-0 (sandbox ${SANDBOX:0:12}, nginx ${APP:0:12}, sidecar ${SIDE:0:12}) under $POD_CG; nerdctl web ${NERD:0:12}"
# Traffic the pod's eth0 counts (busybox's ping, from the host side).
/bin/busybox ping -c 3 -W 1 "10.213.$NET.2" >/dev/null 2>&1 || fail "no traffic over the pod's veth"

# --- berth serve ------------------------------------------------------------
BERTH_FLAGS=(--containerd.socket "$BERTH_CONTAINERD_SOCKET" --docker.socket "" --podman.socket ""
             --crio.socket "")
PORT=$(free_port)
"$BERTH_BIN" serve --web.listen-address "127.0.0.1:$PORT" "${BERTH_FLAGS[@]}" --log.level info \
  >"$WORK/berth.log" 2>&1 &
BERTH_PID=$!
wait_http "http://127.0.0.1:$PORT/healthz" 20 || fail "berth serve did not answer"
scrape() {
  curl -fsS --max-time 10 "http://127.0.0.1:$PORT/metrics" >"$WORK/metrics.txt" || fail "scrape failed"
}
# check_metrics MODE: the expectations below, on the last scrape.
check_metrics() {
  python3 - "$WORK/metrics.txt" "$1" "$IMG" "$SANDBOX" "$APP" "$SIDE" "$NERD" "${2:-web}" <<'PY'
import re, sys
path, mode, image, sandbox, app, side, nerd, nerd_name = sys.argv[1:]
series = []
for line in open(path, encoding="utf-8"):
    m = re.match(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)\{(.*)\} (\S+)$', line.rstrip("\n"))
    if m:
        labels = dict(re.findall(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"', m.group(2)))
        series.append((m.group(1), labels, float(m.group(3))))
def of(cid, family=None):
    return [(f, l, v) for f, l, v in series if l.get("id", "").endswith("/" + cid)
            and (family is None or f == family)]
want = {
    sandbox: {"image": image, "namespace": "shop", "pod": "web-0", "container": "POD", "name": "shop/web-0/POD"},
    app: {"image": image, "namespace": "shop", "pod": "web-0", "container": "nginx", "name": "shop/web-0/nginx"},
    side: {"image": image, "namespace": "shop", "pod": "web-0", "container": "sidecar", "name": "shop/web-0/sidecar"},
    nerd: {"image": image, "name": nerd_name},
}
if mode == "deleted":
    if of(side):
        sys.exit(f"deleted container {side[:12]} still has {len(of(side))} series")
    print(f"ok: deleted {side[:12]} has no series in the first scrape after ctr returned")
    del want[side]
bad = []
for cid, labels in want.items():
    mem = of(cid, "container_memory_usage_bytes")
    if not mem:
        bad.append(f"{cid[:12]}: no container_memory_usage_bytes series")
        continue
    got = mem[0][1]
    for k, v in labels.items():
        if got.get(k) != v:
            bad.append(f"{cid[:12]}: {k}={got.get(k)!r}, want {v!r}")
    if cid == nerd and got.get("pod"):
        bad.append(f"nerdctl container has pod={got.get('pod')!r}")
if bad:
    sys.exit("\n".join(bad))
net = "container_network_receive_bytes_total"
sb = {l["interface"]: v for _, l, v in of(sandbox, net)}
if "eth0" not in sb or sb["eth0"] <= 0:
    sys.exit(f"sandbox {sandbox[:12]}: {net} = {sb!r}, want eth0 > 0")
for cid in (app, side, nerd):
    if cid in want:
        got = [f for f, _, _ in of(cid) if f.startswith("container_network_")]
        if got:
            sys.exit(f"{cid[:12]} exports network series {sorted(set(got))}: the pod's network is the sandbox's")
pods = [v for f, l, v in series if f == net and l.get("pod") == "web-0"]
print(f"ok: image/namespace/pod/container on each; {net}{{pod=\"web-0\"}}: {len(pods)} series "
      f"(sandbox eth0 {int(sb['eth0'])} B), none on the pod's other containers")
PY
}
# Names are asked for at the first sample; give the first scrapes a moment.
for i in $(seq 1 20); do
  scrape
  check_metrics all >"$WORK/check.txt" 2>&1 && break
  echo "  (scrape $i: $(tail -1 "$WORK/check.txt"))"
  sleep 0.5
done
check_metrics all || fail "/metrics"
grep -E '^berth_collector_errors_total\{source="containerd"\} [1-9]' "$WORK/metrics.txt" &&
  fail "containerd errors counted"

# --- JSON API and stats -----------------------------------------------------
curl -fsS --max-time 10 "http://127.0.0.1:$PORT/api/v1/containers" >"$WORK/api.json" || fail "JSON API"
python3 - "$WORK/api.json" "$SANDBOX" "$APP" "$NERD" "$IMG" <<'PY' || fail "JSON API"
import json, sys
doc = json.load(open(sys.argv[1]))
sandbox, app, nerd, image = sys.argv[2:]
by_id = {c["id"]: c for c in doc["containers"]}
for cid, container in ((sandbox, "POD"), (app, "nginx")):
    c = by_id.get(cid) or sys.exit(f"{cid[:12]} missing from the JSON API")
    k = c.get("kubernetes") or {}
    if (k.get("namespace"), k.get("pod"), k.get("container"), c.get("image")) != ("shop", "web-0", container, image):
        sys.exit(f"{cid[:12]}: kubernetes={k!r} image={c.get('image')!r}")
def net(c):
    return c["counters"]["net_rx_bytes"]
if not isinstance(net(by_id[sandbox]), (int, float)) or net(by_id[sandbox]) <= 0:
    sys.exit(f"sandbox net_rx_bytes {net(by_id[sandbox])!r}")
if net(by_id[app]) is not None:
    sys.exit(f"app container net_rx_bytes {net(by_id[app])!r}, want null (the pod's network is on its sandbox)")
if by_id.get(nerd, {}).get("name") != "web":
    sys.exit(f"nerdctl container name {by_id.get(nerd, {}).get('name')!r}")
print("ok: JSON API: kubernetes and image on the pod's containers, net on the sandbox only, nerdctl name")
PY
"$BERTH_BIN" stats --no-stream --format '{{.Name}}|{{.NetIO}}' "${BERTH_FLAGS[@]}" \
  shop/web-0/POD shop/web-0/nginx web >"$WORK/stats.txt" 2>"$WORK/stats.err" ||
  { cat "$WORK/stats.err"; fail "berth stats"; }
grep -q '^shop/web-0/POD|[0-9]' "$WORK/stats.txt" || { cat "$WORK/stats.txt"; fail "stats: sandbox row with NET I/O"; }
grep -q '^shop/web-0/nginx|--$' "$WORK/stats.txt" || { cat "$WORK/stats.txt"; fail "stats: nginx row with NET I/O --"; }
grep -q '^web|' "$WORK/stats.txt" || { cat "$WORK/stats.txt"; fail "stats: nerdctl row"; }
grep -i containerd "$WORK/stats.err" && fail "berth stats warned about containerd"
echo "ok: berth stats: $(tr '\n' ' ' <"$WORK/stats.txt")"

# --- events: relabel, a hostile label, delete --------------------------------
bctr -n default containers label "$NERD" nerdctl/name=web2 >/dev/null || fail "ctr containers label"
bctr -n k8s.io containers label "$APP" "hostile=$(printf 'bad\xff\xfe')" >/dev/null || fail "ctr label (not UTF-8)"
start=$(date +%s%N)
for i in $(seq 1 20); do
  scrape
  check_metrics all web2 >"$WORK/check.txt" 2>&1 && break
  echo "  (scrape $i: $(tail -1 "$WORK/check.txt"))"
  sleep 0.3
done
check_metrics all web2 || fail "after the relabel"
echo "ok: relabel shows after $((($(date +%s%N) - start) / 1000000)) ms (update event)"

bctr -n k8s.io tasks kill -s KILL "$SIDE" >/dev/null && bctr -n k8s.io tasks delete "$SIDE" >/dev/null 2>&1 ||
  { sleep 0.5; bctr -n k8s.io tasks delete -f "$SIDE" >/dev/null 2>&1; }
bctr -n k8s.io containers delete "$SIDE" >/dev/null || fail "ctr containers delete"
scrape
check_metrics deleted web2 || fail "after the delete"

grep -E '^berth_collector_errors_total\{source="containerd"\} [1-9]' "$WORK/metrics.txt" &&
  fail "containerd errors counted"
grep -E 'containerd: ' "$WORK/berth.log" | grep -v "event stream lost" && fail "berth logged containerd trouble"
echo "PASS"
