#!/usr/bin/env bash
# Builds the guest image WITH capsa-agent: guest/build.sh plus the agent overlay (JRE, CDS archive,
# agent jar, /capsa/agent launcher), into its own directory with its own manifest.
#
#   guest/build-agent-image.sh [AGENT_JAR] [OUTDIR]
#
# AGENT_JAR defaults to agent/target/capsa-agent-*-all.jar (made by `mvn package` of the agent
# module); OUTDIR defaults to <repo>/build/guest-agent. The plain image (build/guest) is untouched;
# its downloaded packages and kernel stage are reused through hard links when present.
# Needs a JDK 17 with jmods (CAPSA_AGENT_JDK); the plain guest/build.sh needs no Java.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
JAR=${1:-}
if [ -z "$JAR" ]; then
    JAR=$(ls -t "$REPO"/agent/target/capsa-agent-*-all.jar 2>/dev/null | head -n 1 || true)
    [ -n "$JAR" ] || { echo "[agent-image] ERROR: no agent/target/capsa-agent-*-all.jar; run: mvn -B -pl agent -am package -DskipTests" >&2; exit 1; }
fi
JAR=$(cd "$(dirname "$JAR")" && pwd)/$(basename "$JAR")
OUT=${2:-$REPO/build/guest-agent}
mkdir -p "$OUT/.cache"
OUT=$(cd "$OUT" && pwd)

# Seed the cache from the plain image's: same .debs, same kernel stage (hard links, no copies).
PLAIN_CACHE=$REPO/build/guest/.cache
if [ -d "$PLAIN_CACHE" ] && [ "$PLAIN_CACHE" != "$OUT/.cache" ]; then
    for e in "$PLAIN_CACHE"/debs "$PLAIN_CACHE"/kernel-* "$PLAIN_CACHE"/runc-*; do
        [ -e "$e" ] || continue
        [ -e "$OUT/.cache/$(basename "$e")" ] || cp -al "$e" "$OUT/.cache/" 2>/dev/null || true
    done
fi

OVERLAY=$("$HERE/build-agent-overlay.sh" "$JAR" "$OUT/.cache/agent")
PROPS=$OVERLAY/capsa/agent-image.properties
CAPSA_GUEST_OVERLAY=$OVERLAY \
CAPSA_GUEST_MANIFEST_EXTRA="agent=/capsa/agent
agentJar=$JAR
agentJarSha256=$(sed -n 's/^jarSha256=//p' "$PROPS")
agentJdk=$(sed -n 's/^jdkRelease=//p' "$PROPS")
agentJreModules=$(sed -n 's/^modules=//p' "$PROPS")" \
    "$HERE/build.sh" "$OUT"
