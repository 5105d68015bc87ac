#!/usr/bin/env bash
# The collector on a real, pure cgroup v2 kernel: boots a Debian kernel under
# qemu (TCG, no KVM needed) with ../shared/tools/cgv2-vm and runs the static
# tests/cgv2/cgv2_probe inside it. The probe creates Docker-shaped cgroups
# (systemd and cgroupfs drivers), moves known load into them (CPU burned under
# cpu.max, MiB touched under memory.max, bytes written with O_DIRECT to the
# VM's scratch disk /dev/vda, forked processes, an OOM kill), reads them back
# through berth::collector::Sampler and prints one PASS/FAIL line per check.
#
# Skips (77) when cgv2-vm is absent ($CGV2VM, else /work/shared/tools/cgv2-vm
# or ../shared/tools/cgv2-vm next to the checkout) or when `cgv2-vm prepare`
# cannot work here (no apt-get). On a clean machine `prepare` installs
# qemu-system-x86 + cpio, downloads the kernel .deb and builds the guest
# initramfs (cached in $CGV2VM_CACHE or ~/.cache/cgv2-vm afterwards).
# Env: BERTH_BUILD_DIR (default build/release), CGV2VM, CGV2VM_CACHE,
# CGV2VM_PREPARE_TIMEOUT (s, default 900), CGV2VM_RUN_TIMEOUT (s, default 240).
# Exit 0 pass, 77 skip, else fail.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD_DIR=${BERTH_BUILD_DIR:-$ROOT/build/release}
PROBE=$BUILD_DIR/tests/cgv2/cgv2_probe
PREPARE_TIMEOUT=${CGV2VM_PREPARE_TIMEOUT:-900}
RUN_TIMEOUT=${CGV2VM_RUN_TIMEOUT:-240}

tool=${CGV2VM:-}
if [ -z "$tool" ]; then
  for t in /work/shared/tools/cgv2-vm "$ROOT/../shared/tools/cgv2-vm"; do
    [ -x "$t" ] && { tool=$t; break; }
  done
fi
[ -n "$tool" ] && [ -x "$tool" ] || {
  echo "SKIP: cgv2-vm not found (set CGV2VM=/path/to/cgv2-vm); real cgroup v2 not tested"
  exit 77
}
[ -x "$PROBE" ] || { echo "FAIL: no probe at $PROBE (build target cgv2_probe)"; exit 1; }

tmp=$(mktemp -d /tmp/berth-cgv2.XXXXXX)
VM_PID=
cleanup() {
  if [ -n "$VM_PID" ]; then
    kill "$VM_PID" 2>/dev/null  # cgv2-vm kills its qemu in its own EXIT trap
    wait "$VM_PID" 2>/dev/null
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 143' TERM INT

# Runs "$@" in the background (so the traps can stop it) with a time limit.
run_limited() {
  local limit=$1; shift
  timeout --kill-after=20 "$limit" "$@" &
  VM_PID=$!
  wait "$VM_PID"
  local rc=$?
  VM_PID=
  return $rc
}

t0=$(date +%s)
echo "cgv2-vm prepare (clean machine: apt install, kernel download, initramfs; cached after)"
run_limited "$PREPARE_TIMEOUT" "$tool" prepare
rc=$?
t1=$(date +%s)
if [ $rc -ne 0 ]; then
  if ! command -v apt-get >/dev/null; then
    echo "SKIP: cgv2-vm prepare failed and there is no apt-get to fetch qemu and the kernel"
    exit 77
  fi
  echo "FAIL: cgv2-vm prepare failed (exit $rc) after $((t1 - t0)) s"
  exit 1
fi

# The guest unpacks the probe from the initramfs: drop debug info (15 -> 2 MB).
strip -o "$tmp/cgv2_probe" "$PROBE" 2>/dev/null || cp "$PROBE" "$tmp/cgv2_probe"
echo "cgv2-vm run: cgv2_probe in a pure cgroup v2 guest"
run_limited "$RUN_TIMEOUT" "$tool" run --timeout "$((RUN_TIMEOUT - 30))" --mem 1024 --disk 64 \
  --file "$tmp/cgv2_probe:/work/cgv2_probe" -- './cgv2_probe --disk /dev/vda'
rc=$?
t2=$(date +%s)
echo "timing: prepare $((t1 - t0)) s, vm run $((t2 - t1)) s"
case $rc in
  0) echo "PASS: collector checks on a real cgroup v2 kernel"; exit 0 ;;
  124) echo "FAIL: the VM run timed out"; exit 1 ;;
  *) echo "FAIL: cgv2_probe failed in the VM (exit $rc)"; exit 1 ;;
esac
