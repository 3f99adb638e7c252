#!/usr/bin/env bash
# Reverses install.sh, from the install-record next to this script (in the installation prefix):
# removes the links, the containerd snippet and exactly the import install.sh added (a containerd config it created
# is removed if it still holds only what install.sh wrote), the configuration file if install.sh wrote it and it is
# unchanged (else kept), then the prefix itself. Restart containerd afterwards.
#
#   <prefix>/uninstall.sh [--keep-config]
set -euo pipefail
prefix=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
record=$prefix/install-record
keep_config=false
[[ ${1:-} == --keep-config ]] && keep_config=true
[[ -f $record ]] || { echo "uninstall.sh: no install-record in $prefix" >&2; exit 1; }
log() { echo "[capsa uninstall] $*"; }
get() { sed -n "s|^$1=||p" "$record"; }

for link in $(get link); do
  if [[ -L $link && $(readlink "$link") == "$prefix"/* ]]; then rm -f "$link"; log "removed $link"; fi
done

ctd_config=$(get containerd_config)
dropin=$(get dropin)
if [[ -n $dropin ]]; then
  rm -f "$dropin"
  log "removed $dropin"
  rmdir "$(dirname "$dropin")" 2>/dev/null || true
fi
if [[ -n $(get containerd_config_created) ]]; then
  schema_line=$(head -n1 "$ctd_config" || true)
  if [[ $(wc -l < "$ctd_config") -le 2 ]] && grep -qF "imports = [\"$dropin\"]" "$ctd_config"; then
    rm -f "$ctd_config"
    log "removed $ctd_config (install.sh had created it)"
  else
    log "kept $ctd_config: it changed since install ($schema_line ...); remove the import of $dropin by hand"
  fi
elif [[ -n $(get containerd_imports_line_added) ]]; then
  sed -i "\|^imports = \[\"$dropin\"\]\$|d" "$ctd_config"
  log "removed the imports line install.sh added to $ctd_config"
elif [[ -n $(get containerd_import_added) ]]; then
  sed -i -E "s|\"$dropin\", ||; s|, \"$dropin\"||; s|\[\"$dropin\"\]|[]|" "$ctd_config"
  log "removed $dropin from the imports of $ctd_config"
fi
rm -f "$(get containerd_config_backup)" 2>/dev/null || true

config=$(get config_created)
if [[ -n $config && -f $config ]]; then
  if ! $keep_config && [[ $(sha256sum "$config" | cut -d' ' -f1) == "$(get config_sha256)" ]]; then
    rm -f "$config"
    rmdir "$(dirname "$config")" 2>/dev/null || true
    log "removed $config"
  else
    log "kept $config (edited since install, or --keep-config)"
  fi
fi

rm -rf "$prefix"
log "removed $prefix; restart containerd to drop the handler"
