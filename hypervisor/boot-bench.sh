#!/usr/bin/env bash
# Boot benchmark: boots microvm and q35 N times each (one VM at a time) with the guest image and prints
# median and spread of time-to-agent-channel-ready.
#   hypervisor/boot-bench.sh [--runs N] [--machines microvm,q35] [--image build/guest]
# Builds the guest image first if build/guest/manifest.properties is missing.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"
[ -f build/guest/manifest.properties ] || guest/build.sh
# One reactor invocation so sibling modules resolve to their target/classes (nothing is installed).
mvn -B -q -o -pl hypervisor -am compile dependency:build-classpath \
    -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >/dev/null
exec java -Dlogback.configurationFile="$REPO/hypervisor/src/test/resources/logback-bench.xml" -cp "hypervisor/target/classes:$(cat hypervisor/target/bench.classpath)" \
    capsa.hypervisor.bench.BootBenchmark "$@"
