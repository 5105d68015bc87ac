# shellcheck shell=bash
# What an end-to-end script needs before it starts; each exits the script with
# 77 (skip) and a one-line reason when the need is not met:
#   require_tools TOOL...   every TOOL on PATH (the packages are in .ci/packages-test.txt)
#   require_berth           $BERTH_BIN is an executable berth
#   require_root WHY        running as root (WHY: what needs it)
require_tools() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null ||
      { echo "SKIP: ${tool:-python3} not installed (.ci/packages-test.txt)"; exit 77; }
  done
}
require_berth() {
  [ -x "${BERTH_BIN:-}" ] || { echo "SKIP: no berth binary at ${BERTH_BIN:-} (set BERTH_BIN)"; exit 77; }
}
require_root() {
  [ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root ($1)"; exit 77; }
}
