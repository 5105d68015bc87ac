#!/usr/bin/env bash
# The Debian package: `cpack -G DEB` on the build tree, its layout and control
# data, then `apt-get install ./berth_*.deb` into a clean Debian 12 root
# (debootstrap --variant=minbase, cached by tests/deploy/debian-rootfs.sh) so
# apt resolves the declared runtime dependencies from the archive, and
# `berth --version` and `berth stats --no-stream` run inside that root.
# Needs root, debootstrap, dpkg-dev, file and the Debian mirror of the host's
# apt sources. Env: BERTH_BUILD_DIR (default build/release).
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD_DIR=${BERTH_BUILD_DIR:-$ROOT/build/release}
[ -d "$BUILD_DIR" ] && BUILD_DIR=$(cd "$BUILD_DIR" && pwd)
# shellcheck source=../deploy/debian-rootfs.sh
source "$ROOT/tests/deploy/debian-rootfs.sh"

# shellcheck source=lib/require.sh
source "$(dirname "$0")/lib/require.sh"
require_root "chroot, debootstrap"
require_tools cpack dpkg-deb dpkg-shlibdeps file debootstrap chroot
[ -f "$BUILD_DIR/CPackConfig.cmake" ] || { echo "FAIL: $BUILD_DIR is not a configured build tree"; exit 1; }

tmp=$(mktemp -d /tmp/berth-deploy-deb.XXXXXX)
root=$tmp/root
cleanup() {
  # Unmount everything under the chroot (proc, sys), deepest first, then remove it.
  grep -o " $root[^ ]*" /proc/self/mountinfo 2>/dev/null | sort -r |
    while read -r m; do umount -l "$m" 2>/dev/null; done
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

start=$SECONDS
(cd "$tmp" && cpack -G DEB --config "$BUILD_DIR/CPackConfig.cmake" -B "$tmp/pkg") >"$tmp/cpack.log" 2>&1
deb=$(ls "$tmp"/pkg/berth_*.deb 2>/dev/null | head -1)
if [ -z "$deb" ]; then
  echo "FAIL cpack -G DEB produced no package"; tail -20 "$tmp/cpack.log"; exit 1
fi
echo "ok   cpack -G DEB -> $(basename "$deb") ($(du -k "$deb" | cut -f1) KiB, $((SECONDS - start)) s)"
passed=$((passed + 1))

dpkg-deb -c "$deb" | awk '{print $6}' >"$tmp/files"
for f in ./usr/bin/berth ./usr/lib/systemd/system/berth.service ./etc/default/berth \
         ./usr/share/berth/prometheus.yml; do
  check "package holds $f" grep -qx "$f" "$tmp/files"
done
check "package holds the alert rules" grep -q '^./usr/share/berth/rules/.*\.yml$' "$tmp/files"
depends=$(dpkg-deb -f "$deb" Depends)
echo "     Depends: $depends"
check "Depends lists the shared libraries (dpkg-shlibdeps)" \
  bash -c "grep -q 'libc6 (>=' <<<'$depends' && grep -q 'libstdc++6' <<<'$depends' && grep -q passwd <<<'$depends'"
check "/etc/default/berth is a conffile" bash -c "dpkg-deb --ctrl-tarfile '$deb' | tar -xO ./conffiles | grep -qx /etc/default/berth"
check "packaged unit starts /usr/bin/berth" \
  bash -c "dpkg-deb --fsys-tarfile '$deb' | tar -xO ./usr/lib/systemd/system/berth.service | grep -qx 'ExecStart=/usr/bin/berth serve \$BERTH_OPTS'"

# --- install into a clean Debian 12 root ---------------------------------------
tarball=$(berth_debian_rootfs minbase) || { echo "FAIL debootstrap of a Debian 12 root"; exit 1; }
mkdir -p "$root"
tar -C "$root" -xf "$tarball"
rm -f "$root/etc/apt/apt.conf.d/docker-clean"   # keep the downloaded .debs to cache them
cp /etc/resolv.conf "$root/etc/resolv.conf"
mount -t proc proc "$root/proc"
mount -t sysfs -o ro sysfs "$root/sys"
mount --rbind -o ro /sys/fs/cgroup "$root/sys/fs/cgroup" 2>/dev/null || true
archives=$BERTH_DEPLOY_CACHE/apt-archives
mkdir -p "$archives"
cp "$archives"/*.deb "$root/var/cache/apt/archives/" 2>/dev/null || true
cp "$deb" "$root/tmp/"
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive "$@"; }

check "chroot has no berth before install" bash -c "! chroot '$root' sh -c 'command -v berth'"
check "apt-get update in the clean root" in_root apt-get update -q
check "apt-get install ./$(basename "$deb") resolves its dependencies" \
  in_root apt-get install -y -q --no-install-recommends "/tmp/$(basename "$deb")"
cp "$root"/var/cache/apt/archives/*.deb "$archives/" 2>/dev/null || true
check "dpkg reports berth installed" \
  bash -c "chroot '$root' dpkg-query -W -f='\${Status}' berth | grep -qx 'install ok installed'"
check "postinst created the berth system user" bash -c "chroot '$root' getent passwd berth | grep -q ':/usr/sbin/nologin$'"
check "every shared library resolves" bash -c "! chroot '$root' ldd /usr/bin/berth | grep -q 'not found'"
version_ok() {
  local out
  out=$(in_root berth --version) || return 1
  echo "$out"
  grep -q "^berth $(sed -n 's/^project(berth VERSION \([0-9.]*\).*/\1/p' "$ROOT/CMakeLists.txt")" <<<"$out"
}
check "berth --version runs in the clean root" version_ok
in_root berth --version | sed 's/^/     /'
check "berth stats --no-stream runs in the clean root" in_root berth stats --no-stream --docker.socket=/run/berth-no-docker.sock
check "apt-get remove leaves no berth binary" \
  bash -c "chroot '$root' env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin apt-get remove -y -q berth && ! test -e '$root/usr/bin/berth'"

echo "deploy-deb: $passed passed, $failed failed ($((SECONDS - start)) s)"
[ "$failed" -eq 0 ]
