#!/usr/bin/env bash
# Where the agent's start-up goes inside a TCG guest: boots the agent image once with capsa.init running the agent by
# hand (JVM class-load log on), then prints the guest-time at which marker classes were first loaded, e.g.
#   [2.216s] ch.qos.logback.classic.LoggerContext   ... [6.9s] capsa.ttrpc.server.TtrpcServer (= listening soon)
#
#   guest/profile-agent-start.sh [IMAGE_DIR] [extra java options...]
#
# IMAGE_DIR defaults to <repo>/build/guest-agent. Times are JVM uptime (-Xlog), under the same load as the boot.
# A developer tool (no test uses it); needs qemu-system-x86_64. Removes its temp dir and QEMU on exit.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
IMAGE=${1:-$HERE/../build/guest-agent}
shift $(($# < 1 ? $# : 1))
MANIFEST=$IMAGE/manifest.properties
[ -f "$MANIFEST" ] || { echo "no $MANIFEST: run guest/build-agent-image.sh first" >&2; exit 2; }
prop() { sed -n "s/^$1=//p" "$MANIFEST"; }
KHZ=$(awk -F: '/^cpu MHz/ { printf "%d", $2 * 1000; exit }' /proc/cpuinfo)
WORK=$(mktemp -d /tmp/capsa-agent-profile.XXXXXX)
QEMU_PID=
cleanup() {
    [ -n "$QEMU_PID" ] && kill "$QEMU_PID" 2>/dev/null && wait "$QEMU_PID" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT
mkdir -p "$WORK/share"
MARKERS="java.lang.Object capsa.agent.Main ch.qos.logback.classic.LoggerContext capsa.agent.AgentConfig
capsa.agent.sys.LibC capsa.agent.AgentRuntime capsa.agent.storage.StorageService capsa.agent.rpc.AgentServiceHandler
capsa.proto.agent.AgentServiceGrpc capsa.agent.rpc.HealthHandler io.netty.channel.epoll.Native
capsa.ttrpc.server.TtrpcServer capsa.agent.channel.VsockListener com.fasterxml.jackson.databind.ObjectMapper"
cat >"$WORK/share/profile.sh" <<SH
archive=
[ -f /capsa/agent.aot ] && archive=-XX:AOTCache=/capsa/agent.aot
[ -f /capsa/agent.jsa ] && archive=-XX:SharedArchiveFile=/capsa/agent.jsa
start=\$(awk '{print \$1}' /proc/uptime)
/capsa/jre/bin/java @/capsa/jvm.options \$archive $* -Xlog:class+load:file=/tmp/cl.log -jar /capsa/agent.jar \
    --channel=unix --unix_socket=/tmp/profile.sock &
i=0
while [ ! -S /tmp/profile.sock ] && [ \$i -lt 1200 ]; do sleep 0.1; i=\$((i + 1)); done
echo "PROFILE java started at \$start s uptime, listening at \$(awk '{print \$1}' /proc/uptime) s"
sleep 5
for c in $(echo $MARKERS); do grep -m1 " \$c " /tmp/cl.log | sed 's/^\(\[[^]]*\]\).* \([^ ]*\) source:.*/PROFILE \1 \2/'; done
echo "PROFILE classes loaded: \$(wc -l </tmp/cl.log), from outside the archives: \$(grep -vc 'shared objects file' /tmp/cl.log)"
SH
qemu-system-x86_64 -M microvm -accel tcg -m 512 -smp 1 -display none -nodefaults -no-reboot \
    -serial "file:$WORK/console.log" -kernel "$(prop vmlinux)" -initrd "$(prop initramfs)" \
    -append "console=ttyS0 quiet panic=-1 cryptomgr.notests=1 initcall_blacklist=crypto_kdf108_init tsc=reliable mitigations=off${KHZ:+ tsc_early_khz=$KHZ} capsa.mount9p=1 capsa.init=\"sh /run/kata-containers/shared/containers/profile.sh\"" \
    -fsdev "local,id=fs0,path=$WORK/share,security_model=none" -device virtio-9p-device,fsdev=fs0,mount_tag=kataShared \
    </dev/null >"$WORK/qemu.out" 2>&1 &
QEMU_PID=$!
wait "$QEMU_PID" || true
QEMU_PID=
tr -d '\r' <"$WORK/console.log" | grep -E '^PROFILE|^capsa-agent (WARN|ERROR)|CAPSA-INIT-EXIT' || { cat "$WORK/qemu.out"; tail -n 30 "$WORK/console.log"; }
