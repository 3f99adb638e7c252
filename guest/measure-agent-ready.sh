#!/usr/bin/env bash
# Boots the agent guest image N times under QEMU/TCG (microvm, 512 MiB, 1 vCPU, the kernel parameters of the
# hypervisor layer: the shape the tests use) and
# prints, per boot, when /init started and when the agent's ready line came, both in guest uptime:
#
#   guest/measure-agent-ready.sh [IMAGE_DIR] [N] [extra kernel params...]
#
# IMAGE_DIR defaults to <repo>/build/guest-agent, N to 3. Output, one line per boot and a summary:
#   AGENT-READY init-start=<s> ready=<s> ready-after-init=<s> qemu-cpu-at-ready=<s>
# The agent is never called (nothing is sent on the channel); QEMU is killed after the ready line.
# Needs qemu-system-x86_64 and socat. Every process and temp dir it creates is removed on exit.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
IMAGE=${1:-$HERE/../build/guest-agent}
N=${2:-3}
shift $(($# < 2 ? $# : 2))
EXTRA="$*"
MANIFEST=$IMAGE/manifest.properties
[ -f "$MANIFEST" ] || { echo "no $MANIFEST: run guest/build-agent-image.sh first" >&2; exit 2; }
prop() { sed -n "s/^$1=//p" "$MANIFEST"; }
VMLINUX=$(prop vmlinux); INITRD=$(prop initramfs)
KHZ=$(awk -F: '/^cpu MHz/ { printf "%d", $2 * 1000; exit }' /proc/cpuinfo)
APPEND="console=ttyS0 quiet panic=-1 cryptomgr.notests=1 initcall_blacklist=crypto_kdf108_init tsc=reliable mitigations=off${KHZ:+ tsc_early_khz=$KHZ} capsa.debug=1 $EXTRA"

WORK=$(mktemp -d /tmp/capsa-agent-ready.XXXXXX)
QEMU_PID=
SOCAT_PID=
stop_pid() {
    local pid=$1
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}
cleanup() { stop_pid "$SOCAT_PID"; stop_pid "$QEMU_PID"; rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

sum=0
for i in $(seq 1 "$N"); do
    dir=$WORK/$i
    mkdir -p "$dir"
    qemu-system-x86_64 -M microvm -accel tcg -m 512 -smp 1 -display none -nodefaults -no-reboot \
        -serial "file:$dir/console.log" -kernel "$VMLINUX" -initrd "$INITRD" -append "$APPEND" \
        -device virtio-serial-device -chardev "socket,path=$dir/ch.sock,server=on,wait=off,id=ch0" \
        -device virtserialport,chardev=ch0,name=agent.channel.0 </dev/null >"$dir/qemu.out" 2>&1 &
    QEMU_PID=$!
    until [ -S "$dir/ch.sock" ]; do
        kill -0 "$QEMU_PID" 2>/dev/null || { cat "$dir/qemu.out"; exit 1; }
        sleep 0.05
    done
    coproc CH { exec socat - "UNIX-CONNECT:$dir/ch.sock"; }
    SOCAT_PID=$CH_PID
    line=
    IFS= read -r -t 240 -u "${CH[0]}" line || { echo "no ready line in 240 s"; tr -d '\r' <"$dir/console.log" | tail -n ${CAPSA_MEASURE_TAIL:-30}; exit 1; }
    # QEMU's CPU time up to the ready line (boot included): what the wall time would be on an idle host, since a
    # TCG vCPU is one busy QEMU thread. On a loaded machine it compares variants better than guest uptime.
    cpu=$(awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$QEMU_PID/stat")
    stop_pid "$SOCAT_PID"; SOCAT_PID=
    stop_pid "$QEMU_PID"; QEMU_PID=
    ready=${line#*uptime=}
    init=$(tr -d '\r' <"$dir/console.log" | sed -n 's/^capsa-init\[\([0-9.]*\)\]: .*/\1/p' | head -n 1)
    [ "${CAPSA_MEASURE_CONSOLE:-0}" = 1 ] && tr -d '\r' <"$dir/console.log" | grep -v '^\s*$' | tail -n 40
    after=$(awk -v r="$ready" -v s="$init" 'BEGIN { printf "%.2f", r - s }')
    echo "AGENT-READY init-start=$init ready=$ready ready-after-init=$after qemu-cpu-at-ready=$cpu"
    sum=$(awk -v a="$sum" -v b="$after" 'BEGIN { print a + b }')
done
echo "AGENT-READY mean ready-after-init over $N boots: $(awk -v a="$sum" -v n="$N" 'BEGIN { printf "%.2f", a / n }') s"
