#!/usr/bin/env bash
# Installs Capsa from an unpacked release tarball (this script sits at its top) and registers it with containerd.
#
#   ./install.sh [--prefix /opt/capsa] [--bin-dir /usr/local/bin] [--config /etc/capsa/configuration.toml]
#                [--containerd-config /etc/containerd/config.toml] [--dropin-dir /etc/containerd/conf.d]
#                [--containerd-version auto|1.6|1.7|2] [--handler capsa] [--no-containerd] [--restart-containerd]
#
# 1. copies bin/, lib/, jre/, share/ to PREFIX (a previous installation there is replaced);
# 2. links containerd-shim-capsa-v2 and capsa into BIN_DIR (must be on containerd's PATH);
# 3. writes the default configuration to CONFIG unless a file is already there (never overwritten);
# 4. writes the runtime-handler snippet DROPIN_DIR/capsa.toml (config version 2 for containerd 1.6/1.7, version 3
#    for 2.x) and makes containerd's config import it: an existing `imports` glob that covers it is left alone, else
#    the path is added to the `imports` array (or an `imports` line is added); the operator's file is backed up to
#    <file>.capsa-backup first and nothing else in it changes. A missing config.toml is created with only
#    `version` and `imports`;
# 5. records all of it in PREFIX/install-record for uninstall.sh (PREFIX/uninstall.sh).
# containerd reads its configuration at start only: restart it (--restart-containerd tries systemctl).
set -euo pipefail
SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

prefix=/opt/capsa
bin_dir=/usr/local/bin
config=/etc/capsa/configuration.toml
ctd_config=/etc/containerd/config.toml
dropin_dir=/etc/containerd/conf.d
ctd_version=auto
handler=capsa
containerd=true
restart=false
while [[ $# -gt 0 ]]; do
  case $1 in
    --prefix) prefix=$2; shift ;;
    --bin-dir) bin_dir=$2; shift ;;
    --config) config=$2; shift ;;
    --containerd-config) ctd_config=$2; shift ;;
    --dropin-dir) dropin_dir=$2; shift ;;
    --containerd-version) ctd_version=$2; shift ;;
    --handler) handler=$2; shift ;;
    --no-containerd) containerd=false ;;
    --restart-containerd) restart=true ;;
    -h|--help) sed -n '2,20p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "install.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
log() { echo "[capsa install] $*"; }
[[ $handler =~ ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$ ]] || { echo "install.sh: --handler must be a DNS label" >&2; exit 2; }

# 1. files
mkdir -p "$prefix"
prefix=$(cd "$prefix" && pwd)
if [[ $SRC != "$prefix" ]]; then
  rm -rf "$prefix"/{bin,lib,jre,share}
  cp -a "$SRC"/{bin,lib,jre,share,VERSION,uninstall.sh} "$prefix/"
fi
record=$prefix/install-record
: > "$record"
rec() { echo "$1=$2" >> "$record"; }
rec prefix "$prefix"
log "installed $(cat "$prefix/VERSION") into $prefix"

# 2. links
mkdir -p "$bin_dir"
for b in containerd-shim-capsa-v2 capsa; do
  ln -sfn "$prefix/bin/$b" "$bin_dir/$b"
  rec link "$bin_dir/$b"
done
log "linked containerd-shim-capsa-v2 and capsa into $bin_dir"

# 3. configuration
if [[ -e $config ]]; then
  log "kept the existing configuration $config (the default is $prefix/share/defaults/configuration.toml)"
else
  mkdir -p "$(dirname "$config")"
  cp "$prefix/share/defaults/configuration.toml" "$config"
  rec config_created "$config"
  rec config_sha256 "$(sha256sum "$config" | cut -d' ' -f1)"
  log "wrote the default configuration to $config"
fi

# 4. containerd
if $containerd; then
  if [[ $ctd_version == auto ]]; then
    ctd_version=$(containerd --version 2>/dev/null | sed -n 's/.* v\{0,1\}\([0-9][0-9]*\.[0-9][0-9]*\)\..*/\1/p' || true)
    [[ -n $ctd_version ]] || { echo "install.sh: cannot tell containerd's version; pass --containerd-version" >&2; exit 1; }
  fi
  schema=2
  [[ ${ctd_version%%.*} -ge 2 ]] && schema=3
  # An existing main config decides the schema of what it imports.
  if [[ -f $ctd_config ]]; then
    v=$(sed -n 's/^[[:space:]]*version[[:space:]]*=[[:space:]]*\([0-9]\).*/\1/p' "$ctd_config" | head -n1)
    [[ -n $v ]] && schema=$v
  fi
  mkdir -p "$dropin_dir"
  dropin=$(cd "$dropin_dir" && pwd)/$handler.toml
  if [[ $schema -ge 3 ]]; then
    plugin="plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.$handler"
  else
    plugin="plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.$handler"
  fi
  cat > "$dropin" <<TOML
# Capsa runtime handler (written by $prefix/install.sh; removed by $prefix/uninstall.sh).
version = $schema

[$plugin]
  runtime_type = "io.containerd.capsa.v2"
  # Per-pod configuration overrides and CRI sizing reach the shim only if containerd passes them on.
  pod_annotations = ["io.capsa.config.*", "io.katacontainers.*"]
  privileged_without_host_devices = true

[$plugin.options]
  ConfigPath = "$config"
TOML
  rec dropin "$dropin"
  log "wrote the containerd $ctd_version runtime handler '$handler' (config version $schema) to $dropin"

  covered() {  # is $dropin named by an imports entry of $ctd_config (exactly or by glob)?
    local line entry
    line=$(sed -n 's/^[[:space:]]*imports[[:space:]]*=[[:space:]]*\[\(.*\)\].*/\1/p' "$ctd_config" | head -n1)
    local IFS=,
    set -f  # the entries are globs to match against, not to expand
    for entry in $line; do
      entry=$(printf '%s' "$entry" | tr -d ' "'"'")
      # shellcheck disable=SC2053
      if [[ -n $entry && $dropin == $entry ]]; then set +f; return 0; fi
    done
    set +f
    return 1
  }
  if [[ ! -f $ctd_config ]]; then
    mkdir -p "$(dirname "$ctd_config")"
    printf 'version = %s\nimports = ["%s"]\n' "$schema" "$dropin" > "$ctd_config"
    rec containerd_config_created "$ctd_config"
    log "created $ctd_config importing it"
  elif covered; then
    log "$ctd_config already imports $dropin"
  else
    cp -p "$ctd_config" "$ctd_config.capsa-backup"
    rec containerd_config_backup "$ctd_config.capsa-backup"
    if grep -qE '^[[:space:]]*imports[[:space:]]*=[[:space:]]*\[' "$ctd_config"; then
      grep -qE '^[[:space:]]*imports[[:space:]]*=.*\]' "$ctd_config" \
        || { echo "install.sh: a multi-line imports array in $ctd_config: add \"$dropin\" to it by hand" >&2; exit 1; }
      sed -i -E "0,/^[[:space:]]*imports[[:space:]]*=[[:space:]]*\[/s||&\"$dropin\", |" "$ctd_config"
      sed -i -E "s|\"$dropin\", \]|\"$dropin\"]|" "$ctd_config"
      rec containerd_import_added "$dropin"
    else
      # A top-level key must precede every table: put it first (after a version line if there is one).
      if grep -qE '^[[:space:]]*version[[:space:]]*=' "$ctd_config"; then
        sed -i -E "0,/^[[:space:]]*version[[:space:]]*=.*/s||&\nimports = [\"$dropin\"]|" "$ctd_config"
      else
        sed -i "1i imports = [\"$dropin\"]" "$ctd_config"
      fi
      rec containerd_imports_line_added "$dropin"
    fi
    log "added $dropin to the imports of $ctd_config (backup: $ctd_config.capsa-backup)"
  fi
  rec containerd_config "$ctd_config"
  if $restart; then
    if command -v systemctl >/dev/null && systemctl restart containerd; then
      log "restarted containerd"
    else
      log "could not restart containerd: restart it to load the handler"
    fi
  else
    log "restart containerd to load the handler"
  fi
fi
log "done; check the node with: $bin_dir/capsa check"
