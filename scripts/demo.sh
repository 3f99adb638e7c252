#!/usr/bin/env bash
# Capsa's main job, runnable on a fresh Debian 12 machine as root.
#
# Stage 1 (today): set the machine up, build, then run the ttrpc interop demo — a private containerd and a
# containerd-shim-runc-v2 (real Go peers) talking to Capsa's Java ttrpc client. Later stages replace run_demo
# with "start a container in a VM"; setup and build stay.
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

run_demo() {
  say "ttrpc interop demo: Capsa's Java ttrpc client against containerd and containerd-shim-runc-v2"
  local cp
  cp="src/test/target/test-classes:$(cat src/test/target/classpath.txt)"
  java -Dcapsa.e2e.log=WARN -cp "$cp" capsa.e2e.demo.TtrpcInteropDemo
}

setup
build
run_demo
