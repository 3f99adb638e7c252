#!/usr/bin/env bash
# Boots the guest image under QEMU (TCG) and checks the /init contract. No Java needed.
#
#   guest/test-image.sh [--all] [IMAGE_DIR]      IMAGE_DIR defaults to <repo>/build/guest
#
# Default cases: microvm + agent channel (ready line, ECHO, reconnect, POWEROFF -> QEMU exits) and
# microvm + runc running a busybox container whose bundle and rootfs are on a 9p share.
# --all adds the channel case on q35 with the vmlinux (PVH) and with the bzImage, and the
# runc case on q35.
# Prints one "PASS"/"FAIL" line per case and a closing "N passed, N failed" line; exit 1 on
# any failure. Every process, socket and temp dir it creates is removed, also on failure.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ALL=no
IMAGE=
for a in "$@"; do
    case $a in
        --all) ALL=yes ;;
        -h | --help) sed -n '2,10p' "$0"; exit 0 ;;
        *) IMAGE=$a ;;
    esac
done
IMAGE=${IMAGE:-$HERE/../build/guest}
for tool in qemu-system-x86_64 socat cpio gzip; do
    command -v "$tool" >/dev/null || { echo "missing host tool '$tool' (apt-get install qemu-system-x86 socat cpio)" >&2; exit 2; }
done
MANIFEST=$IMAGE/manifest.properties
[ -f "$MANIFEST" ] || { echo "no $MANIFEST: run guest/build.sh first" >&2; exit 2; }
prop() { sed -n "s/^$1=//p" "$MANIFEST"; }
VMLINUX=$(prop vmlinux); BZIMAGE=$(prop bzImage); INITRD=$(prop initramfs); KREL=$(prop kernelRelease)

# Budgets sized for a loaded 2-core machine without KVM (a boot normally takes 3-8 s).
BOOT_TIMEOUT=${CAPSA_TEST_BOOT_TIMEOUT:-120}
REPLY_TIMEOUT=30
EXIT_TIMEOUT=60

KHZ=$(awk -F: '/^cpu MHz/ { printf "%d", $2 * 1000; exit }' /proc/cpuinfo)
# tsc_early_khz: microvm has no PIT/HPET to calibrate the TSC against (boot hangs without it).
BASE_APPEND="console=ttyS0 quiet panic=-1 cryptomgr.notests=1${KHZ:+ tsc_early_khz=$KHZ}"

WORK=$(mktemp -d /tmp/capsa-guest-test.XXXXXX)
QEMU_PID=
SOCAT_PID=
T0=0
now() { date +%s%N; }
elapsed() { local ms=$((($(now) - T0) / 1000000)); printf '%d.%03d' $((ms / 1000)) $((ms % 1000)); }

stop_pid() { # stop_pid PID: TERM, then KILL after 5 s
    local pid=$1 i
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
    kill "$pid" 2>/dev/null || true
    for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}
stop_case() {
    stop_pid "$SOCAT_PID"; SOCAT_PID=
    stop_pid "$QEMU_PID"; QEMU_PID=
}
cleanup() { stop_case; rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# start_qemu MACHINE KERNEL CASEDIR APPEND [extra qemu args...]
start_qemu() {
    local machine=$1 kernel=$2 dir=$3 append=$4 serial_dev
    shift 4
    case $machine in
        microvm) serial_dev=virtio-serial-device ;;
        q35) serial_dev=virtio-serial-pci ;;
    esac
    T0=$(now)
    qemu-system-x86_64 -M "$machine" -accel tcg -m 512 -smp 1 -display none -nodefaults -no-reboot \
        -serial "file:$dir/console.log" -kernel "$kernel" -initrd "$INITRD" -append "$append" \
        -device "$serial_dev" -chardev "socket,path=$dir/ch.sock,server=on,wait=off,id=ch0" \
        -device virtserialport,chardev=ch0,name=agent.channel.0 "$@" \
        </dev/null >"$dir/qemu.out" 2>&1 &
    QEMU_PID=$!
}

# wait_qemu_exit SECONDS -> 0 if QEMU exited with status 0 in time
wait_qemu_exit() {
    local deadline=$(($(date +%s) + $1)) rc
    while kill -0 "$QEMU_PID" 2>/dev/null; do
        [ "$(date +%s)" -lt "$deadline" ] || { echo "QEMU still running after $1 s"; return 1; }
        sleep 0.1
    done
    rc=0; wait "$QEMU_PID" || rc=$?
    QEMU_PID=
    [ "$rc" = 0 ] || { echo "QEMU exited with $rc"; return 1; }
}

# The serial console turns "\n" into "\r\n".
console() { tr -d '\r' <"$1/console.log"; }

expect_line() { # expect_line REGEX WHAT
    local line
    if ! IFS= read -r -t "$REPLY_TIMEOUT" -u "$CH_OUT" line; then
        echo "no $2 on the channel within $REPLY_TIMEOUT s"; return 1
    fi
    [[ $line =~ $1 ]] || { echo "expected $2, got: $line"; return 1; }
    LAST_LINE=$line
}

case_channel() { # case_channel MACHINE KERNEL
    local dir=$WORK/$1-$(basename "$2") line deadline payload
    mkdir -p "$dir"
    start_qemu "$1" "$2" "$dir" "$BASE_APPEND"
    deadline=$(($(date +%s) + 30))
    until [ -S "$dir/ch.sock" ]; do
        kill -0 "$QEMU_PID" 2>/dev/null || { cat "$dir/qemu.out"; return 1; }
        [ "$(date +%s)" -lt "$deadline" ] || { echo "no channel socket"; return 1; }
        sleep 0.05
    done
    # Connected from the start: the guest speaks first, we only send after its ready line.
    coproc CH { exec socat - "UNIX-CONNECT:$dir/ch.sock"; }
    SOCAT_PID=$CH_PID; CH_OUT=${CH[0]}; CH_IN=${CH[1]}
    if ! IFS= read -r -t "$BOOT_TIMEOUT" -u "$CH_OUT" line; then
        echo "no ready line within $BOOT_TIMEOUT s"; console "$dir" | tail -n 20; return 1
    fi
    echo "  ready line after $(elapsed) s: $line"
    [[ $line =~ ^CAPSA-AGENT-READY\ uptime=[0-9]+\.[0-9]+$ ]] || { echo "bad ready line: $line"; return 1; }
    console "$dir" | grep -Eq "^CAPSA-GUEST-UP [0-9]+\.[0-9]+ $KREL\$" ||
        { echo "console lacks 'CAPSA-GUEST-UP <uptime> $KREL'"; console "$dir"; return 1; }
    echo "  console: $(console "$dir" | grep '^CAPSA-GUEST-UP')"

    printf 'ping 1\n' >&"$CH_IN"
    expect_line '^ECHO ping 1$' "'ECHO ping 1'" || return 1
    payload='  spaced  out * $HOME \ back'
    printf '%s\n' "$payload" >&"$CH_IN"
    expect_line "^ECHO " "an echo of a line with spaces" || return 1
    [ "$LAST_LINE" = "ECHO $payload" ] || { echo "echo altered the line: $LAST_LINE"; return 1; }

    # A new client (after the first one went away) is greeted with a fresh ready line.
    stop_pid "$SOCAT_PID"; SOCAT_PID=
    coproc CH { exec socat - "UNIX-CONNECT:$dir/ch.sock"; }
    SOCAT_PID=$CH_PID; CH_OUT=${CH[0]}; CH_IN=${CH[1]}
    expect_line '^CAPSA-AGENT-READY uptime=[0-9]+\.[0-9]+$' "a ready line after reconnecting" || return 1
    printf 'again\n' >&"$CH_IN"
    expect_line '^ECHO again$' "'ECHO again'" || return 1

    printf 'POWEROFF\n' >&"$CH_IN"
    expect_line '^BYE$' "'BYE'" || return 1
    wait_qemu_exit "$EXIT_TIMEOUT" || return 1
    echo "  QEMU exited after $(elapsed) s"
}

# A busybox bundle on the host share, run by runc inside the guest via capsa.init.
make_bundle() { # make_bundle DIR
    local b=$1 a
    mkdir -p "$b/rootfs/bin" "$b/rootfs/etc"
    (cd "$b/rootfs" && gzip -dc "$INITRD" | cpio -i --quiet bin/busybox)
    for a in $("$b/rootfs/bin/busybox" --list); do
        [ "$a" = busybox ] || ln -sf busybox "$b/rootfs/bin/$a"
    done
    mkdir -p "$b/rootfs/proc" "$b/rootfs/sys" "$b/rootfs/dev" "$b/rootfs/tmp" "$b/rootfs/root"
    echo 'root:x:0:0:root:/root:/bin/sh' >"$b/rootfs/etc/passwd"
    echo 'root:x:0:' >"$b/rootfs/etc/group"
    cat >"$b/config.json" <<'EOF'
{
  "ociVersion": "1.0.2",
  "process": {
    "terminal": false,
    "user": {"uid": 0, "gid": 0},
    "args": ["/bin/sh", "-c", "echo hello-from-runc-in-guest; cat /proc/1/cgroup; id -u"],
    "env": ["PATH=/bin"],
    "cwd": "/",
    "noNewPrivileges": true
  },
  "root": {"path": "/run/kata-containers/shared/containers/c1/rootfs", "readonly": true},
  "hostname": "c1",
  "mounts": [
    {"destination": "/proc", "type": "proc", "source": "proc"},
    {"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
    {"destination": "/dev/pts", "type": "devpts", "source": "devpts", "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"]},
    {"destination": "/dev/shm", "type": "tmpfs", "source": "shm", "options": ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]},
    {"destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["nosuid", "noexec", "nodev", "ro"]}
  ],
  "linux": {
    "namespaces": [{"type": "pid"}, {"type": "network"}, {"type": "ipc"}, {"type": "uts"}, {"type": "mount"}, {"type": "cgroup"}],
    "resources": {"memory": {"limit": 67108864}},
    "maskedPaths": ["/proc/kcore", "/sys/firmware"],
    "readonlyPaths": ["/proc/sys", "/proc/sysrq-trigger"]
  }
}
EOF
}

case_runc() { # case_runc MACHINE
    local dir=$WORK/runc-$1 cmd p9
    mkdir -p "$dir/share"
    make_bundle "$dir/share/c1"
    case $1 in microvm) p9=virtio-9p-device ;; q35) p9=virtio-9p-pci ;; esac
    cmd='runc --root /run/runc run --bundle /run/kata-containers/shared/containers/c1 c1'
    start_qemu "$1" "$VMLINUX" "$dir" "$BASE_APPEND capsa.mount9p=1 capsa.init=\"$cmd\"" \
        -fsdev "local,id=fs0,path=$dir/share,security_model=none" \
        -device "$p9,fsdev=fs0,mount_tag=kataShared"
    wait_qemu_exit "$BOOT_TIMEOUT" || { console "$dir" | tail -n 20; return 1; }
    echo "  QEMU exited after $(elapsed) s"
    local want
    for want in '^hello-from-runc-in-guest' '^0::/$' '^0$' '^CAPSA-INIT-EXIT 0$'; do
        console "$dir" | grep -Eq "$want" || { echo "console lacks $want"; console "$dir"; return 1; }
    done
    echo "  container output: $(console "$dir" | grep -A2 '^hello-from-runc' | tr '\n' ' ')"
}

PASSED=0
FAILED=0
run_case() { # run_case NAME FUNCTION ARGS...
    local name=$1 rc=0
    shift
    echo "CASE $name"
    # A subshell would lose the coprocess bookkeeping; run in this shell, clean up after.
    set +e
    "$@"
    rc=$?
    set -e
    stop_case
    if [ "$rc" = 0 ]; then echo "PASS $name"; PASSED=$((PASSED + 1)); else echo "FAIL $name"; FAILED=$((FAILED + 1)); fi
}

run_case microvm-channel case_channel microvm "$VMLINUX"
run_case microvm-runc-9p case_runc microvm
if [ "$ALL" = yes ]; then
    run_case q35-channel-vmlinux case_channel q35 "$VMLINUX"
    run_case q35-channel-bzImage case_channel q35 "$BZIMAGE"
    run_case q35-runc-9p case_runc q35
fi
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ]
