#!/usr/bin/env bash
# Runs every fuzz target (or the named ones) for a bounded time on its seed
# corpus: the short step of tests/run-all, or a longer run by hand.
#   tests/fuzz/run.sh [--time SECONDS] [--runs N] [TARGET...]
# Needs `cmake --preset fuzz && cmake --build --preset fuzz`. Corpora live in
# build/fuzz/corpus/<target> (seeded by make-corpora.sh, grown by the runs);
# a crash leaves build/fuzz/artifacts/<target>-crash-* and the log, and the
# script exits 1. Each line: target, executions, exec/s, result.
set -uo pipefail
cd "$(dirname "$0")/../.."
time_limit=5 runs="" targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --time) time_limit=$2; shift ;;
    --runs) runs=$2; shift ;;
    *) targets+=("$1") ;;
  esac
  shift
done
bin=build/fuzz/tests/fuzz
if [ ${#targets[@]} = 0 ]; then
  for f in "$bin"/*_fuzz; do [ -x "$f" ] && targets+=("$(basename "$f" _fuzz)"); done
fi
[ ${#targets[@]} -gt 0 ] || { echo "fuzz: no targets in $bin (build the fuzz preset)" >&2; exit 2; }
tests/fuzz/make-corpora.sh build/fuzz/corpus >/dev/null
mkdir -p build/fuzz/artifacts build/fuzz/logs
limit=(-max_total_time="$time_limit")
[ -n "$runs" ] && limit=(-runs="$runs")
failed=0
printf '%-18s %12s %9s  %s\n' target executions exec/s result
for t in "${targets[@]}"; do
  log=build/fuzz/logs/$t.log
  start=$(date +%s.%N)
  "$bin/${t}_fuzz" "${limit[@]}" -max_len=4096 -timeout="${BERTH_FUZZ_TIMEOUT:-10}" -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="build/fuzz/artifacts/$t-" \
    "build/fuzz/corpus/$t" >"$log" 2>&1
  rc=$?
  end=$(date +%s.%N)
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(awk -v n="${execs:-0}" -v a="$start" -v b="$end" 'BEGIN { printf "%d", n / (b - a) }')
  result=ok
  if [ $rc != 0 ]; then
    result="FAIL (exit $rc, log $log)"
    failed=1
  fi
  printf '%-18s %12s %9s  %s\n' "$t" "${execs:-?}" "$rate" "$result"
  [ $rc = 0 ] || grep -m3 -E "ERROR|runtime error|SUMMARY" "$log"
done
exit $failed
