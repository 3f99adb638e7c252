#!/usr/bin/env bash
# Issue 5 item 7, side by side with containerd-shim-runc-v2 in one private containerd 1.6: idle RSS/PSS of each shim
# daemon with one task (smaps_rollup) and `ctr run -d` wall time, ours split into shim serving / QEMU spawned / agent
# ready / task started (from the shim's log lines in containerd's log). Prints the SHIM-BENCH lines.
# Needs root, QEMU, containerd, runc; builds the shim jar (with its CDS archives) and the agent first.
#   usage: scripts/bench-shim-footprint.sh [runs] [idle seconds]      (defaults 3, 20)
#   CAPSA_SHIM_JAVA_OPTS="<jvm flags>" tries extra flags on the shim JVMs (they go last on the command line).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
runs=${1:-3}; idle=${2:-20}
mvn -B -q -o -pl agent,shim -am package -DskipTests
mvn -B -o -pl src/test -am test -Dtest=ShimFootprintBench -Dcapsa.bench=true -Dcapsa.bench.runs="$runs" \
    -Dcapsa.bench.idleSeconds="$idle" -Dsurefire.failIfNoSpecifiedTests=false > /tmp/bench-shim-footprint.log 2>&1 \
  || { tail -40 /tmp/bench-shim-footprint.log >&2; exit 1; }
grep -h 'SHIM-BENCH' src/test/target/surefire-reports/capsa.e2e.vm.ShimFootprintBench-output.txt
