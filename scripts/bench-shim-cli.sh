#!/usr/bin/env bash
# Median wall time of the shim binary's `start` and `delete`, ours (through bin/containerd-shim-capsa-v2 and the
# packaged jar) against /usr/bin/containerd-shim-runc-v2, invoked with the argv shape containerd 1.6 uses, from a
# bundle directory with a config.json and a `log` FIFO held open the way containerd holds it. Runs alternate
# between the two shims so both see the same machine load. Needs root and `mvn -pl shim -am package` first.
#   usage: scripts/bench-shim-cli.sh [runs]   (default 15)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
runs=${1:-15}
capsa=$PWD/shim/bin/containerd-shim-capsa-v2
runc=/usr/bin/containerd-shim-runc-v2
[[ -f shim/target/capsa-shim.jar ]] || { echo "run: mvn -B -o -pl shim -am package -DskipTests" >&2; exit 1; }
work=$(mktemp -d /tmp/bench-shim-XXXXXX)
had_run_containerd=0; [[ -d /run/containerd ]] && had_run_containerd=1
# Pids of the shim daemons this run started: their command lines name our scratch dir (the runc shim writes no pid
# file into the bundle). Killed by pid, one by one.
our_daemons() {
  local p cmd
  for p in /proc/[0-9]*; do
    cmd=$( { tr '\0' ' ' < "$p/cmdline"; } 2>/dev/null) || continue
    case $cmd in
      /usr/bin/containerd-shim-runc-v2\ *"-address $work/c.sock"*|java\ *"-address $work/c.sock"*) echo "${p#/proc/}" ;;
    esac
  done
}
cleanup() {
  for pid in $(our_daemons); do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
  rmdir /run/containerd/runc/bench 2>/dev/null || true   # the runc shim's root for our namespace
  if [[ $had_run_containerd == 0 ]]; then rmdir /run/containerd/s /run/containerd/runc /run/containerd 2>/dev/null || true; fi
}
trap cleanup EXIT

now() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.1f", m/1e6}'; }

bundle() { # <dir>
  mkdir -p "$1/rootfs"
  printf '{"ociVersion":"1.0.2","root":{"path":"rootfs"},"process":{"args":["true"],"cwd":"/"},"annotations":{}}' > "$1/config.json"
  printf runc > "$1/runtime"   # the runc shim's delete reads which runc binary Create used
  mkfifo "$1/log"
}

declare -A start_ns delete_ns
for shim in capsa runc; do : > "$work/$shim.start"; : > "$work/$shim.delete"; done
for i in $(seq 1 "$runs"); do
  for shim in capsa runc; do
    bin=$capsa; [[ $shim == runc ]] && bin=$runc
    id=$shim-$i; b=$work/$id; bundle "$b"
    exec 3<>"$b/log"; cat <&3 > /dev/null & drain=$!
    flags=(-namespace bench -address "$work/c.sock" -publish-binary /usr/bin/containerd -id "$id")
    t0=$(now); out=$(cd "$b" && "$bin" "${flags[@]}" start 2>&1); t1=$(now)
    [[ $out == unix://* ]] || { echo "$shim start failed: $out" >&2; exit 1; }
    echo $((t1 - t0)) >> "$work/$shim.start"
    t0=$(now); (cd "$b" && "$bin" "${flags[@]}" -bundle "$b" delete > "$work/resp" 2> "$work/err") || { echo "$shim delete failed: $(cat "$work/err")" >&2; exit 1; }; t1=$(now)
    echo $((t1 - t0)) >> "$work/$shim.delete"
    # Our delete already stopped our idle daemon (Shutdown); the runc shim's daemon waits for a Create that never
    # comes: stop it (it removes its socket on SIGTERM).
    if [[ $shim == runc ]]; then for pid in $(our_daemons); do kill "$pid" 2>/dev/null || true; done; fi
    kill $drain 2>/dev/null || true; exec 3<&-
  done
done
printf '%-8s %12s %12s   (median of %d, ms; load %s)\n' shim start delete "$runs" "$(cut -d' ' -f1-3 /proc/loadavg)"
for shim in capsa runc; do
  printf '%-8s %12s %12s\n' "$shim" "$(median < "$work/$shim.start")" "$(median < "$work/$shim.delete")"
done
