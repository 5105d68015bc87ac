# shellcheck shell=bash
# Debian 12 root filesystems built from Debian's own packages, for the deploy
# tests (this machine cannot pull base images from a registry).
#
#   source tests/deploy/debian-rootfs.sh
#   tar=$(berth_debian_rootfs minbase)   # debian:12       (debootstrap --variant=minbase)
#   tar=$(berth_debian_rootfs slim)      # debian:12-slim  (minbase, docs/man/locales trimmed)
#   berth_debian_docker_images           # imports both as debian:12 / debian:12-slim
#
# The tarballs are cached under $BERTH_DEPLOY_CACHE (default
# /var/cache/berth-e2e); the first call debootstraps from the Debian mirror in
# the host's apt sources (about a minute), later calls reuse the tarball. A lock makes
# concurrent callers wait for one build. Needs root and the debootstrap package.
# The images carry the same deb822 sources as the host (bookworm, -updates,
# -security) and a policy-rc.d that keeps package scripts from starting
# services, like Debian's official images.

BERTH_DEPLOY_CACHE=${BERTH_DEPLOY_CACHE:-/var/cache/berth-e2e}

# First URI of the host's Debian archive ($1 = main) or security archive
# ($1 = security) in its apt sources; fails when none is configured.
berth_debian_mirror() {
  local kind=${1:-main} uri
  uri=$(grep -h '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null \
          | awk '{print $2}' | grep '/debian' \
          | if [ "$kind" = security ]; then grep -- '-security'; else grep -v -- '-security'; fi \
          | head -1)
  if [ -z "$uri" ]; then
    uri=$(grep -h '^deb ' /etc/apt/sources.list 2>/dev/null | awk '{print $2}' \
            | if [ "$kind" = security ]; then grep -- '-security'; else grep -v -- '-security'; fi \
            | head -1)
  fi
  if [ -z "$uri" ]; then
    echo "no Debian $kind archive in the host's apt sources" >&2
    return 1
  fi
  echo "$uri"
}

# Writes the apt sources, policy-rc.d and image clean-ups into rootfs $1.
_berth_debian_configure() {
  local root=$1 mirror security
  mirror=$(berth_debian_mirror main)
  security=$(berth_debian_mirror security)
  rm -f "$root/etc/apt/sources.list"
  cat >"$root/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $mirror
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
  chmod 755 "$root/usr/sbin/policy-rc.d"
  # Keep downloaded .debs out of image layers, as the official images do.
  cat >"$root/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/archives/*.deb "$root"/var/log/*.log \
         "$root"/var/cache/ldconfig/aux-cache
  : >"$root/etc/machine-id"
}

# Trims documentation, manual pages and locales (the -slim variant) and keeps
# future package installs from bringing them back.
_berth_debian_slim() {
  local root=$1
  cat >"$root/etc/dpkg/dpkg.cfg.d/docker-slim" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
EOF
  find "$root/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
  find "$root/usr/share/doc" -mindepth 1 -type d -empty -delete
  rm -rf "$root"/usr/share/man/* "$root"/usr/share/groff/* "$root"/usr/share/info/* \
         "$root"/usr/share/lintian/* "$root"/usr/share/linda/*
  find "$root/usr/share/locale" -mindepth 1 -maxdepth 1 -not -name locale.alias -exec rm -rf {} +
}

# Prints the path of the cached tarball for variant $1 (minbase|slim),
# building both variants from one debootstrap run when absent.
berth_debian_rootfs() {
  local variant=$1
  case "$variant" in minbase|slim) ;; *) echo "unknown variant $variant" >&2; return 2 ;; esac
  local tar=$BERTH_DEPLOY_CACHE/debian12-$variant.tar
  mkdir -p "$BERTH_DEPLOY_CACHE"
  (
    flock 9
    [ -s "$tar" ] && exit 0
    command -v debootstrap >/dev/null || { echo "debootstrap not installed" >&2; exit 1; }
    local work
    work=$(mktemp -d "$BERTH_DEPLOY_CACHE/build.XXXXXX")
    trap 'rm -rf "$work"' EXIT
    echo "debootstrap bookworm (minbase) from $(berth_debian_mirror main) ..." >&2
    if ! debootstrap --variant=minbase bookworm "$work/root" "$(berth_debian_mirror main)" \
         >"$work/debootstrap.log" 2>&1; then
      tail -20 "$work/debootstrap.log" >&2
      exit 1
    fi
    _berth_debian_configure "$work/root"
    tar -C "$work/root" --numeric-owner -cf "$work/minbase.tar" .
    _berth_debian_slim "$work/root"
    tar -C "$work/root" --numeric-owner -cf "$work/slim.tar" .
    mv "$work/minbase.tar" "$BERTH_DEPLOY_CACHE/debian12-minbase.tar"
    mv "$work/slim.tar" "$BERTH_DEPLOY_CACHE/debian12-slim.tar"
  ) 9>"$BERTH_DEPLOY_CACHE/.lock" || return 1
  echo "$tar"
}

# Imports the two variants into the current Docker engine as debian:12 and
# debian:12-slim (what deploy/Dockerfile builds FROM).
berth_debian_docker_images() {
  local minbase slim
  minbase=$(berth_debian_rootfs minbase) || return 1
  slim=$(berth_debian_rootfs slim) || return 1
  docker import -c 'CMD ["bash"]' "$minbase" debian:12 >/dev/null || return 1
  docker import -c 'CMD ["bash"]' "$slim" debian:12-slim >/dev/null || return 1
}
