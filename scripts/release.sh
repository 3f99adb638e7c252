#!/usr/bin/env bash
# Builds the self-contained Capsa release tarball:
#   build/release/capsa-<version>-linux-amd64.tar.gz
#     install.sh, uninstall.sh, VERSION
#     bin/containerd-shim-capsa-v2, bin/capsa           launcher scripts
#     jre/                                              jlinked Java runtime (no JDK needed on the node)
#     lib/capsa-shim/, lib/capsa-admin/                 jars (each with its lib/ of dependencies)
#     share/guest/                                      guest kernel + initramfs with the agent, manifest.properties
#     share/defaults/configuration.toml                 the default configuration (config/configuration.toml)
#     share/deploy/                                     RuntimeClass, DaemonSet, example pods
#
#   scripts/release.sh [--no-build] [--out DIR] [--no-tar]
#
# --no-build: use what `mvn package` and guest/build-agent-image.sh already made (the e2e install test does this
# inside `mvn verify`); otherwise both run first. --no-tar leaves only the staging directory.
# Needs a JDK with jmods for jlink (the default JDK 17, or CAPSA_RELEASE_JDK).
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"

build=true
tar=true
OUT=$REPO/build/release
while [[ $# -gt 0 ]]; do
  case $1 in
    --no-build) build=false ;;
    --no-tar) tar=false ;;
    --out) OUT=$2; shift ;;
    *) echo "release.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
log() { echo "[release] $*" >&2; }

version=$(sed -n '0,/<version>/s:.*<version>\(.*\)</version>.*:\1:p' pom.xml)
name=capsa-$version-linux-amd64

if $build; then
  log "mvn package (shim, admin, agent)"
  mvn -B -q ${CAPSA_MVN_FLAGS:-} -pl shim,admin,agent -am package -DskipTests -Dcapsa.cds.skip=true
  log "guest image with the agent"
  guest/build-agent-image.sh >&2
fi
for f in shim/target/capsa-shim.jar admin/target/capsa-admin.jar build/guest-agent/manifest.properties; do
  [[ -f $f ]] || { echo "release.sh: $f is missing (run without --no-build)" >&2; exit 1; }
done

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
stage=$OUT/$name
rm -rf "$stage"
mkdir -p "$stage"/{bin,lib/capsa-shim,lib/capsa-admin,share/guest,share/defaults,share/deploy}

log "jars"
cp shim/target/capsa-shim.jar "$stage/lib/capsa-shim/"
cp -r shim/target/lib "$stage/lib/capsa-shim/lib"
cp admin/target/capsa-admin.jar "$stage/lib/capsa-admin/"
cp -r admin/target/lib "$stage/lib/capsa-admin/lib"
# The admin CLI carries the shim and its libraries as dependencies: share identical jars through hard links.
for j in "$stage"/lib/capsa-admin/lib/*.jar; do
  s=$stage/lib/capsa-shim/lib/${j##*/}
  if [[ -f $s ]] && cmp -s "$s" "$j"; then ln -f "$s" "$j"; fi
done
cp shim/bin/containerd-shim-capsa-v2 admin/bin/capsa "$stage/bin/"

log "guest image"
# The manifest names its files relative to itself: the installation prefix is only known at install time.
g=build/guest-agent
cp "$g/vmlinux" "$g/initramfs.cpio.gz" "$stage/share/guest/"
{
  grep -vE '^(kernel|vmlinux|bzImage|initramfs|agentJar)=' "$g/manifest.properties" | grep -v '^#'
  echo "kernel=vmlinux"
  echo "vmlinux=vmlinux"
  echo "initramfs=initramfs.cpio.gz"
} > "$stage/share/guest/manifest.properties"
(cd "$stage/share/guest" && sha256sum vmlinux initramfs.cpio.gz > SHA256SUMS)

cp config/configuration.toml "$stage/share/defaults/configuration.toml"
cp deploy/*.yaml "$stage/share/deploy/" 2>/dev/null || true
cp deploy/install.sh "$stage/install.sh"
cp deploy/uninstall.sh "$stage/uninstall.sh"
chmod +x "$stage/install.sh" "$stage/uninstall.sh" "$stage"/bin/*
echo "$version $(git rev-parse --short HEAD 2>/dev/null || echo unknown)" > "$stage/VERSION"

log "jlink"
jdk=${CAPSA_RELEASE_JDK:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}
# What the shim and the CLI use (jdeps on the jars, checked by the e2e install test running the installed copy):
# jdk.unsupported for Netty/protobuf, jdk.net for SO_PEERCRED, java.naming/java.xml/java.management for logback.
modules=java.base,java.logging,java.management,java.naming,java.xml,java.sql,jdk.unsupported,jdk.net,jdk.crypto.ec
"$jdk/bin/jlink" --module-path "$jdk/jmods" --add-modules "$modules" --strip-debug --no-header-files \
  --no-man-pages --compress=2 --output "$stage/jre"

if $tar; then
  log "tar"
  tar -C "$OUT" -cf - "$name" | gzip -1 > "$OUT/$name.tar.gz"
  rm -rf "$stage"
  log "done: $OUT/$name.tar.gz ($(du -h "$OUT/$name.tar.gz" | cut -f1))"
  echo "$OUT/$name.tar.gz"
else
  log "done: $stage"
  echo "$stage"
fi
