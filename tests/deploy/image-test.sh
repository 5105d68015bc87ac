#!/usr/bin/env bash
# The container image, for real (run by hand: from nothing it takes longer than
# CI's budget allows; see deploy/README.md for measured times):
#   1. a private dockerd (tests/e2e/lib/dockerd.sh), local debian:12 and
#      debian:12-slim images made from Debian packages (tests/deploy/debian-rootfs.sh)
#   2. docker build --network host -f deploy/Dockerfile (the legacy builder,
#      which is what Debian's docker.io 20.10 engine offers)
#   3. the image's metadata: non-root numeric USER, EXPOSE, HEALTHCHECK,
#      ENTRYPOINT; no toolchain in the runtime image
#   4. berth in the image, run with the README's run line against real
#      containers of that engine: healthy, every process uid/gid 65532 with no
#      effective capabilities, and its /metrics figures for those containers
#      match a `berth serve` run on the host (the same build, copied out of
#      the image, or $BERTH_BIN when set)
#   5. `stats --no-stream` and the live `top` view (in tmux) from the image
#      show the host's containers
# Usage: sudo tests/deploy/image-test.sh
#   BERTH_BIN=path        compare with this host binary instead
#   BERTH_IMAGE_TEST_ENGINE=unix:///path/docker.sock  (with BERTH_E2E_IMAGE)
#                         use a running engine (keeps its layer cache between
#                         runs) instead of a fresh private one
# Exit: 0 pass, 1 fail, 77 skip (prerequisite missing).
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BERTH_BIN=${BERTH_BIN:-}
PY=/usr/bin/python3
# shellcheck source=../e2e/lib/dockerd.sh
source "$ROOT/tests/e2e/lib/dockerd.sh"
# shellcheck source=debian-rootfs.sh
source "$ROOT/tests/deploy/debian-rootfs.sh"

[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }
[ -z "$BERTH_BIN" ] || [ -x "$BERTH_BIN" ] || { echo "SKIP: no berth binary at $BERTH_BIN"; exit 77; }
for tool in debootstrap curl tmux "$PY"; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool not installed"; exit 77; }
done

tmp=$(mktemp -d /tmp/berth-image-test.XXXXXX)
host_pid=
tmux_socket=berth-image-test-$$
cleanup() {
  [ -n "$host_pid" ] && kill "$host_pid" 2>/dev/null && wait "$host_pid" 2>/dev/null
  tmux -L "$tmux_socket" kill-server 2>/dev/null
  if [ -n "${BERTH_IMAGE_TEST_ENGINE:-}" ]; then
    docker rm -f berth-under-test berth-top deploy-limited deploy-cached deploy-unlimited >/dev/null 2>&1
  fi
  berth_dockerd_stop
  rm -rf "$tmp"
}
trap cleanup EXIT
passed=0 failed=0
check() {
  local name=$1; shift
  if "$@" >"$tmp/out" 2>&1; then
    echo "ok   $name"; passed=$((passed + 1))
  else
    echo "FAIL $name"; sed 's/^/     /' "$tmp/out" | tail -30; failed=$((failed + 1))
  fi
}
t0=$SECONDS
if [ -n "${BERTH_IMAGE_TEST_ENGINE:-}" ]; then
  export DOCKER_HOST=$BERTH_IMAGE_TEST_ENGINE BERTH_DOCKER_SOCKET=${BERTH_IMAGE_TEST_ENGINE#unix://}
  : "${BERTH_E2E_IMAGE:?set BERTH_E2E_IMAGE to a busybox image of that engine}"
else
  berth_dockerd_start
fi

# --- base images and build ---------------------------------------------------------
t=$SECONDS
if docker image inspect debian:12 debian:12-slim >/dev/null 2>&1; then
  echo "note: the engine already has debian:12 and debian:12-slim; not re-imported (keeps its layer cache)"
else
  berth_debian_docker_images || { echo "FAIL: could not make the Debian base images"; exit 1; }
  echo "ok   debian:12 / debian:12-slim imported ($((SECONDS - t)) s, cache $BERTH_DEPLOY_CACHE)"
fi
t=$SECONDS
if ! DOCKER_BUILDKIT=0 docker build --network host -f "$ROOT/deploy/Dockerfile" -t berth:test "$ROOT" \
     >"$tmp/build.log" 2>&1; then
  echo "FAIL docker build"; tail -40 "$tmp/build.log"; exit 1
fi
build_s=$((SECONDS - t))
size_mb=$(( $(docker image inspect -f '{{.Size}}' berth:test) / 1000000 ))
slim_mb=$(( $(docker image inspect -f '{{.Size}}' debian:12-slim) / 1000000 ))
echo "ok   docker build ($build_s s); image ${size_mb} MB (debian:12-slim ${slim_mb} MB)"
passed=$((passed + 2))

inspect() { docker image inspect -f "$1" berth:test; }
check "USER is 65532:65532" test "$(inspect '{{.Config.User}}')" = 65532:65532
check "EXPOSE 11099/tcp" bash -c "docker image inspect -f '{{json .Config.ExposedPorts}}' berth:test | grep -q '11099/tcp'"
check "HEALTHCHECK probes /healthz" bash -c "docker image inspect -f '{{json .Config.Healthcheck}}' berth:test | grep -q /healthz"
check "ENTRYPOINT is berth" test "$(inspect '{{json .Config.Entrypoint}}')" = '["berth"]'
check "no compiler or cmake in the runtime image" \
  bash -c "! docker run --pull=never --rm --entrypoint sh berth:test -c 'command -v g++ || command -v cc || command -v cmake'"
check "berth --version in the image" docker run --pull=never --rm berth:test --version
if [ -z "$BERTH_BIN" ]; then
  # The host side of the comparison: the very binary the image runs.
  cid=$(docker create --pull=never berth:test)
  docker cp "$cid:/usr/bin/berth" "$tmp/berth" >/dev/null && docker rm "$cid" >/dev/null
  BERTH_BIN=$tmp/berth
fi

# --- workload: real containers of the private engine ------------------------------
docker run --pull=never -d --name deploy-limited --memory 64m --pids-limit 40 "$BERTH_E2E_IMAGE" sleep 3600 >/dev/null
docker run --pull=never -d --name deploy-cached --memory 256m "$BERTH_E2E_IMAGE" \
  sh -c 'dd if=/dev/zero of=/tmp/fill bs=1M count=16 2>/dev/null; sleep 3600' >/dev/null
docker run --pull=never -d --name deploy-unlimited "$BERTH_E2E_IMAGE" sh -c 'sleep 3600 & sleep 3600' >/dev/null

gid=$(stat -c %g "$BERTH_DOCKER_SOCKET")
# rslave needs / to be a shared or slave mount, as systemd makes it; on a host
# whose / is private (no systemd as PID 1) Docker refuses it, so fall back to a
# plain recursive read-only bind, which sees the mounts present at start.
host_mount=/:/host:ro,rslave
if ! awk '$5 == "/"' /proc/self/mountinfo | grep -qE 'shared:|master:'; then
  host_mount=/:/host:ro
  echo "note: / is a private mount here; using -v $host_mount instead of ro,rslave"
fi
# The README's run line, with the private engine's socket; the private engine
# has no bridge network, so the exporter listens on its own loopback and is
# scraped through `docker exec` (curl is in the image for the healthcheck).
docker run --pull=never -d --name berth-under-test --pid=host --read-only --cap-drop=ALL \
  --security-opt no-new-privileges --health-interval=2s \
  -v "$host_mount" -v "$BERTH_DOCKER_SOCKET:/var/run/docker.sock:ro" --group-add "$gid" \
  berth:test serve --path.rootfs=/host --docker.socket=/var/run/docker.sock >/dev/null

port=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$BERTH_BIN" serve --web.listen-address="127.0.0.1:$port" --docker.socket="$BERTH_DOCKER_SOCKET" \
  >"$tmp/host-serve.log" 2>&1 &
host_pid=$!

healthy() {
  local i
  for i in $(seq 1 60); do
    [ "$(docker inspect -f '{{.State.Health.Status}}' berth-under-test 2>/dev/null)" = healthy ] && return 0
    sleep 1
  done
  docker inspect -f '{{json .State.Health}}' berth-under-test; docker logs berth-under-test 2>&1 | tail -20
  return 1
}
check "container becomes healthy (HEALTHCHECK /healthz)" healthy
check "host berth serve answers /healthz" bash -c "for i in \$(seq 1 50); do curl -fsS http://127.0.0.1:$port/healthz && exit 0; sleep 0.2; done; exit 1"

not_root() {
  local pid
  pid=$(docker inspect -f '{{.State.Pid}}' berth-under-test)
  grep -E '^(Uid|Gid|CapEff|NoNewPrivs):' "/proc/$pid/status"
  awk '/^Uid:|^Gid:/ { for (i = 2; i <= 5; i++) if ($i != 65532) bad = 1 }
       /^CapEff:/ { if ($2 != "0000000000000000") bad = 1 }
       /^NoNewPrivs:/ { if ($2 != 1) bad = 1 }
       END { exit bad }' "/proc/$pid/status"
}
check "process in the container is uid/gid 65532, no capabilities, no_new_privs" not_root

# --- figures: the image versus the host binary --------------------------------------
# Two scrapes each, interleaved, so each side's pair brackets the other's.
docker exec berth-under-test curl -fsS http://127.0.0.1:11099/metrics >"$tmp/image.prom"
curl -fsS "http://127.0.0.1:$port/metrics" >"$tmp/host.prom"
compare() {
  "$PY" - "$tmp/image.prom" "$tmp/host.prom" <<'EOF'
import re, sys
LINE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')
def load(path):
    out = {}
    for line in open(path):
        m = LINE.match(line.strip())
        if not m or line.startswith("#"):
            continue
        labels = dict(LABEL.findall(m.group(3) or ""))
        name = labels.get("name", "")
        if not name.startswith("deploy-"):
            continue
        key = (m.group(1), tuple(sorted((k, v) for k, v in labels.items())))
        out[key] = float(m.group(4))
    return out
image, host = load(sys.argv[1]), load(sys.argv[2])
names = lambda d: sorted({dict(k[1])["name"] for k in d})
print("containers seen by the image:", names(image))
print("containers seen by the host: ", names(host))
bad = 0
want = ["deploy-cached", "deploy-limited", "deploy-unlimited"]
if names(image) != want or names(host) != want:
    print("FAIL: both must see exactly", want); bad = 1
if set(image) != set(host):
    print("FAIL: series differ:", sorted(set(image) ^ set(host))[:10]); bad = 1
# Exact: limits and counts. Close: counters and gauges that move while idle.
exact = {"container_spec_memory_limit_bytes", "container_processes", "container_threads",
         "container_threads_max", "container_start_time_seconds", "container_spec_cpu_shares"}
compared = 0
for key in sorted(set(image) & set(host)):
    metric, a, b = key[0], image[key], host[key]
    if metric in ("container_last_seen", "container_cpu_usage_seconds_total",
                  "container_cpu_user_seconds_total", "container_cpu_system_seconds_total"):
        ok = abs(a - b) <= 0.5 if metric != "container_last_seen" else abs(a - b) <= 30
    elif metric in exact:
        ok = a == b
    elif metric.startswith("container_memory") or metric.startswith("container_fs"):
        ok = abs(a - b) <= max(1 << 20, 0.05 * max(a, b))
    else:
        ok = abs(a - b) <= max(1.0, 0.05 * max(abs(a), abs(b)))
    compared += 1
    if not ok:
        print(f"FAIL {metric}{dict(key[1])}: image {a} host {b}"); bad = 1
for name in want:
    lim = [v for k, v in image.items() if k[0] == "container_spec_memory_limit_bytes" and dict(k[1])["name"] == name]
    print(f"  {name}: memory limit {lim}")
print(f"compared {compared} series")
if compared < 10:
    print("FAIL: too few series to compare"); bad = 1
sys.exit(bad)
EOF
}
check "image /metrics matches host berth serve for every test container" compare
sed -n '1,2p;$p' "$tmp/out" | sed 's/^/     /'
check "memory limit 64m reported by the image" \
  grep -qE '^container_spec_memory_limit_bytes\{.*name="deploy-limited".*\} 6\.7108864e\+07$|^container_spec_memory_limit_bytes\{.*name="deploy-limited".*\} 67108864$' "$tmp/image.prom"

# --- stats and top from the image, as documented -------------------------------------
run_flags=(--pid=host -v "$host_mount" -v "$BERTH_DOCKER_SOCKET:/var/run/docker.sock:ro" --group-add "$gid")
check "docker run ... stats --no-stream lists the containers" bash -c \
  "docker run --pull=never --rm ${run_flags[*]} berth:test stats --no-stream --path.rootfs=/host --docker.socket=/var/run/docker.sock | tee /dev/stderr | grep -q deploy-limited"
top_view() {
  tmux -L "$tmux_socket" new-session -d -x 160 -y 40 \
    "docker run --pull=never -it --rm --name berth-top ${run_flags[*]} berth:test top --path.rootfs=/host --docker.socket=/var/run/docker.sock; sleep 30"
  local i
  for i in $(seq 1 30); do
    sleep 1
    tmux -L "$tmux_socket" capture-pane -p >"$tmp/top.txt" 2>/dev/null
    grep -q deploy-limited "$tmp/top.txt" && grep -q deploy-cached "$tmp/top.txt" && break
  done
  cat "$tmp/top.txt"
  tmux -L "$tmux_socket" send-keys q
  grep -q deploy-limited "$tmp/top.txt" && grep -q deploy-cached "$tmp/top.txt"
}
check "docker run -it ... top shows the live view of the containers" top_view

echo "image-test: $passed passed, $failed failed (total $((SECONDS - t0)) s, build $build_s s)"
[ "$failed" -eq 0 ]
