#!/usr/bin/env bash
# Prepares a Debian 12 machine (as root, no systemd, no sudo) to build and test Capsa.
# Idempotent: installs only the apt packages that are missing, so re-running costs seconds.
set -euo pipefail

PACKAGES=(
  openjdk-17-jdk-headless maven            # build
  containerd runc                          # real Go peers for the interop tests (ctr, containerd-shim-runc-v2)
  qemu-system-x86                          # VMs under TCG
  busybox-static cpio kmod xz-utils        # guest image (initramfs) builder
  socat iproute2 containernetworking-plugins umoci python3
)

log() { printf '[setup] %s\n' "$*"; }

if [[ $(id -u) -ne 0 ]]; then
  echo "scripts/setup.sh must run as root (it installs apt packages)" >&2
  exit 1
fi

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q '^install ok installed$'; then
    missing+=("$pkg")
  fi
done

if ((${#missing[@]})); then
  log "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  for attempt in 1 2 3; do
    apt-get update -qq && break
    ((attempt < 3)) || { echo "setup: apt-get update failed" >&2; exit 1; }
    log "apt-get update failed, retrying"; sleep $((attempt * 5))
  done
  # Slim Debian images lack /usr/share/man/man1, and openjdk's postinst then fails to register its man pages.
  mkdir -p /usr/share/man/man1
  # Package scripts must not try to start services (no systemd here, and containerd is started by the tests).
  policy=/usr/sbin/policy-rc.d
  created_policy=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod +x "$policy" && created_policy=1
  fi
  apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
  if ((created_policy)); then rm -f "$policy"; fi
else
  log "all apt packages present"
fi

# The interop tests need these exact binaries; fail here with a clear message rather than in a test.
for bin in java mvn containerd ctr containerd-shim-runc-v2 runc qemu-system-x86_64; do
  command -v "$bin" >/dev/null || { echo "setup: $bin not found after install" >&2; exit 1; }
done

java_major=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/ *java.specification.version = //p')
if [[ ${java_major%%.*} -lt 17 ]]; then
  echo "setup: java is $java_major; Capsa needs 17+ (update-alternatives --config java)" >&2
  exit 1
fi

log "ok: $(java -version 2>&1 | head -1); $(mvn -v 2>/dev/null | head -1 | sed 's/\x1b\[[0-9;]*m//g'); $(containerd --version | cut -d' ' -f3)"
