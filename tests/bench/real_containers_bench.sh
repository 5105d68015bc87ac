#!/usr/bin/env bash
# Collection cost on real Docker containers: a private dockerd (tests/e2e/lib/
# dockerd.sh) runs N busy-ish busybox containers (a shell loop and a sleeper
# each, own network namespace), then collector_bench's BM_CollectHost* measure
# CPU per Sampler::Collect() over rootfs "/" divided by the containers found —
# every other cgroup on the host walked too, as in production: back to back
# (psi on/off), and one collection a second (as `berth top`), also with the
# 10 s re-check due every time (as Prometheus scrapes 15 s apart). The two
# paced runs take 20 s each.
# Usage: tests/bench/real_containers_bench.sh [N…]   (default 10 50)
# Not a pass/fail test; needs root and docker.io.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BENCH=${BERTH_COLLECTOR_BENCH:-$ROOT/build/release/tests/bench/collector_bench}
[ -x "$BENCH" ] || { echo "no collector_bench at $BENCH (build target collector_bench)"; exit 1; }
# shellcheck source=../e2e/lib/dockerd.sh
source "$ROOT/tests/e2e/lib/dockerd.sh"
trap berth_dockerd_stop EXIT
trap 'exit 143' TERM INT
berth_dockerd_start || exit 1
running=0
for n in ${*:-10 50}; do
  while [ "$running" -lt "$n" ]; do
    running=$((running + 1))
    docker run -d --name "bench-$running" --memory 64m "$BERTH_E2E_IMAGE" \
      sh -c 'sleep 100000 & while true; do sleep 1; done' >/dev/null || exit 1
  done
  echo "== $n real containers (plus every other cgroup of this host)"
  BERTH_BENCH_ROOTFS=/ "$BENCH" --benchmark_filter=BM_CollectHost 2>&1 |
    grep -o 'BM_CollectHost[^ ]*\|containers=[0-9.k]*\|us_per_container=[0-9.]*\|ms_per_collection=[0-9.]*' |
    paste -sd' ' | sed 's/ BM_/\nBM_/g'
done
