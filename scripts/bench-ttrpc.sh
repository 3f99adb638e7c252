#!/usr/bin/env bash
# Builds and runs the ttrpc round-trip benchmark: Capsa's client against Capsa's server and against
# containerd-shim-runc-v2's Go server (Connect), 1 and 16 concurrent callers, side by side.
# Extra arguments go to the benchmark main, e.g. scripts/bench-ttrpc.sh --quick
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/setup.sh
mvn -B -q --no-transfer-progress -DskipTests -pl benchmarks -am package
java -jar benchmarks/target/benchmarks.jar "$@"
