#!/usr/bin/env bash
# The long run for the release note: every fuzz target, one at a time under
# `nice -n 15`, for at least 10 million executions each (override with
# BERTH_FUZZ_RUNS), on the corpora the short runs grew. Prints the table
# (target, executions, exec/s, result) and exits 1 on any crash. A niced run
# on a busy host can starve one input past run.sh's 10 s per-input timeout
# (a false "timeout" crash): BERTH_FUZZ_TIMEOUT=60 raises it.
set -uo pipefail
cd "$(dirname "$0")/../.."
exec nice -n 15 tests/fuzz/run.sh --runs "${BERTH_FUZZ_RUNS:-10000000}" "$@"
