#!/usr/bin/env bash
# DaemonSet entrypoint: "install" unpacks the release to the host's /opt (mounted at /host/opt), runs its install.sh
# inside the host's namespaces (nsenter into PID 1's), then sleeps so the pod stays Running; "uninstall" (preStop)
# runs the installed uninstall.sh the same way.
set -euo pipefail
prefix=${CAPSA_PREFIX:-/opt/capsa}
bin_dir=${CAPSA_BIN_DIR:-/usr/local/bin}
host() { nsenter --target 1 --mount --uts --ipc --net --pid -- "$@"; }
case ${1:-install} in
  install)
    staging=/host/opt/capsa-staging
    rm -rf "$staging" && mkdir -p "$staging"
    tar -xzf /installer/capsa.tar.gz -C "$staging" --strip-components=1
    host /opt/capsa-staging/install.sh --prefix "$prefix" --bin-dir "$bin_dir" --restart-containerd
    rm -rf "$staging"
    echo "capsa installed on $(hostname); sleeping"
    exec sleep infinity
    ;;
  uninstall)
    host "$prefix/uninstall.sh" --keep-config
    host sh -c 'systemctl restart containerd || true'
    ;;
  *) echo "usage: entrypoint.sh install|uninstall" >&2; exit 2 ;;
esac
