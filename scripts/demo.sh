#!/usr/bin/env bash
# Capsa's main job, runnable on a fresh Debian 12 machine as root.
#
# Sets the machine up, builds Capsa and the guest image (kernel + initramfs with capsa-agent), then runs a busybox
# container in its own VM through `ctr` and a private containerd that has containerd-shim-capsa-v2 on its PATH,
# printing the container's output and the guest kernel release (which differs from the host's).
# `scripts/demo.sh interop` runs the earlier ttrpc interop demo instead.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { printf '\n==> %s\n' "$*"; }

setup() {
  say "Setting the machine up (scripts/setup.sh)"
  scripts/setup.sh
}

build() {
  say "Building Capsa (mvn package, tests skipped: scripts/test.sh runs them)"
  # build-classpath writes each module's runtime class path next to it; the demo runs from the e2e module.
  mvn -B -q --no-transfer-progress -DskipTests package dependency:build-classpath \
    -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=test
}

guest_image() {
  say "Building the guest image with capsa-agent (guest/build-agent-image.sh -> build/guest-agent)"
  guest/build-agent-image.sh
}

run_interop() {
  say "ttrpc interop demo: Capsa's Java ttrpc client against containerd and containerd-shim-runc-v2"
  local cp
  cp="src/test/target/test-classes:$(cat src/test/target/classpath.txt)"
  java -Dcapsa.e2e.log=WARN -cp "$cp" capsa.e2e.demo.TtrpcInteropDemo
}

run_demo() {
  say "A busybox container in a VM: ctr run --runtime io.containerd.capsa.v2 (QEMU TCG, agent in the guest)"
  local cp
  cp="src/test/target/test-classes:$(cat src/test/target/classpath.txt)"
  java -Dcapsa.e2e.log=WARN -cp "$cp" capsa.e2e.demo.CtrRunInVmDemo build/guest-agent/manifest.properties
}

setup
build
if [ "${1:-}" = interop ]; then
  run_interop
else
  guest_image
  run_demo
fi
