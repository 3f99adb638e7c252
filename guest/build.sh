#!/usr/bin/env bash
# Builds the Capsa guest image (kernel + initramfs) from Debian packages only.
#
#   guest/build.sh [OUTDIR]        OUTDIR defaults to <repo>/build/guest
#
# Outputs in OUTDIR: vmlinux, bzImage, initramfs.cpio.gz, kernel-release, SHA256SUMS,
# manifest.properties. Everything else lives in the cache (OUTDIR/.cache, or
# $CAPSA_GUEST_CACHE). See guest/README.md for the inputs, the cache and the /init contract.
#
# Environment knobs (all optional):
#   CAPSA_KERNEL_PACKAGE  pin the kernel package (default: what linux-image-amd64 depends on)
#   CAPSA_GUEST_CACHE     cache directory (default OUTDIR/.cache)
#   CAPSA_GUEST_OVERLAY   directory copied on top of the initramfs tree (e.g. /capsa/agent)
#   CAPSA_GZIP_LEVEL      gzip level for the initramfs (default 6)
#   CAPSA_GUEST_MANIFEST_EXTRA  lines appended to manifest.properties (guest/build-agent-image.sh)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
OUT=${1:-$REPO/build/guest}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
CACHE=${CAPSA_GUEST_CACHE:-$OUT/.cache}
mkdir -p "$CACHE/debs"
CACHE=$(cd "$CACHE" && pwd)
GZIP_LEVEL=${CAPSA_GZIP_LEVEL:-6}
PYTHON=/usr/bin/python3
[ -x "$PYTHON" ] || PYTHON=python3
export LC_ALL=C
# Fixed timestamp for every file in the initramfs: identical inputs give identical bytes.
EPOCH=0

START_MS=$(($(date +%s%N) / 1000000))
log() {
    local ms=$(($(date +%s%N) / 1000000 - START_MS))
    printf '[guest %3d.%03ds] %s\n' $((ms / 1000)) $((ms % 1000)) "$*" >&2
}
die() { printf '[guest] ERROR: %s\n' "$*" >&2; exit 1; }

for tool in apt-get apt-cache dpkg-deb cpio gzip modinfo ldd sha256sum flock; do
    command -v "$tool" >/dev/null || die "missing host tool '$tool' (apt-get install cpio kmod util-linux)"
done
"$PYTHON" -c 'import lzma' 2>/dev/null || die "python3 with the lzma module is required"

# One build at a time per cache (CI and a developer's test run may overlap).
exec 9>"$CACHE/.lock"
flock 9

# apt on this image keeps no package cache (Dir::Cache::pkgcache ""), so every call would
# re-parse all lists (~1.5 s); a private cache file makes warm look-ups ~0.3 s.
mkdir -p "$CACHE/apt"
APT_OPTS=(-o "Dir::Cache::pkgcache=$CACHE/apt/pkgcache.bin" -o "Dir::Cache::srcpkgcache=$CACHE/apt/srcpkgcache.bin")

sha() { sha256sum "$1" | cut -d' ' -f1; }
sha_of_text() { sha256sum | cut -d' ' -f1; }

# ---------------------------------------------------------------- apt look-ups
APT_REFRESHED=no
apt_refresh() {
    [ "$APT_REFRESHED" = yes ] && return 1
    log "apt-get update (package lists missing or stale)"
    APT_REFRESHED=yes
    local try
    for try in 1 2 3; do
        # Another apt process may hold the lists lock for a moment.
        apt-get -q update >/dev/null 2>&1 && return 0
        sleep 5
    done
    die "apt-get update failed"
}

resolve_kernel_package() {
    if [ -n "${CAPSA_KERNEL_PACKAGE:-}" ]; then
        echo "$CAPSA_KERNEL_PACKAGE"
        return
    fi
    # The generic flavour (not -cloud-, which has no 9p): the metapackage points at the
    # current ABI, so Debian point releases are picked up without editing this script.
    apt-cache "${APT_OPTS[@]}" depends linux-image-amd64 2>/dev/null |
        awk '!found && $1 == "Depends:" && $2 ~ /^linux-image-[0-9][^ ]*-amd64$/ && $2 !~ /cloud|rt-/ { print $2; found = 1 }' || true
}

# Prints "<file name> <sha256>" of the candidate .deb of package $1 (no network needed).
deb_candidate() {
    apt-get "${APT_OPTS[@]}" -q download --print-uris "$1" 2>/dev/null |
        awk 'NR == 1 { sub(/^SHA256:/, "", $4); print $2, $4 }' || true
}

# fetch_deb PKG -> sets DEB (path in the cache). Reuses the cache or apt's archive cache.
fetch_deb() {
    local pkg=$1 line file want tmp
    line=$(deb_candidate "$pkg")
    if [ -z "$line" ]; then
        apt_refresh && line=$(deb_candidate "$pkg")
    fi
    [ -n "$line" ] || die "apt knows no candidate for package '$pkg'"
    read -r file want <<<"$line"
    DEB=$CACHE/debs/$file
    if [ -f "$DEB" ] && [ "$(cat "$DEB.sha256" 2>/dev/null)" = "$want" ]; then
        return
    fi
    if [ -f "/var/cache/apt/archives/$file" ] && [ "$(sha "/var/cache/apt/archives/$file")" = "$want" ]; then
        cp "/var/cache/apt/archives/$file" "$DEB.part"
    else
        log "downloading $pkg ($file)"
        tmp=$(mktemp -d "$CACHE/debs/dl.XXXXXX")
        if ! (cd "$tmp" && apt-get "${APT_OPTS[@]}" -q -o APT::Sandbox::User=root download "$pkg" >/dev/null 2>&1); then
            rm -rf "$tmp"
            # Stale lists point at versions the mirror no longer has: refresh once, retry.
            apt_refresh || die "apt-get download $pkg failed"
            fetch_deb "$pkg"
            return
        fi
        mv "$tmp/$file" "$DEB.part" || die "apt-get download $pkg did not produce $file"
        rm -rf "$tmp"
    fi
    [ "$(sha "$DEB.part")" = "$want" ] || die "checksum mismatch for $file"
    mv "$DEB.part" "$DEB"
    echo "$want" >"$DEB.sha256"
}

deb_version() { dpkg-deb -f "$1" Version; }

# ---------------------------------------------------------------- inputs
KPKG=$(resolve_kernel_package)
if [ -z "$KPKG" ]; then
    apt_refresh && KPKG=$(resolve_kernel_package)
fi
[ -n "$KPKG" ] || die "cannot resolve the generic kernel package from linux-image-amd64"

fetch_deb "$KPKG";           KERNEL_DEB=$DEB
fetch_deb busybox-static;    BUSYBOX_DEB=$DEB
fetch_deb runc;              RUNC_DEB=$DEB
log "inputs: $(basename "$KERNEL_DEB") $(basename "$BUSYBOX_DEB") $(basename "$RUNC_DEB")"
# Drop superseded packages and leftovers of interrupted downloads.
for f in "$CACHE"/debs/*; do
    case $f in
        "$KERNEL_DEB" | "$BUSYBOX_DEB" | "$RUNC_DEB" | "$KERNEL_DEB.sha256" | "$BUSYBOX_DEB.sha256" | "$RUNC_DEB.sha256") ;;
        *) rm -rf "$f" ;;
    esac
done

SCRIPT_SHA=$(cat "$HERE/build.sh" "$HERE/extract-vmlinux.py" "$HERE/modules.list" | sha_of_text)

# Keeps only the newest entry of a cache family: old kernels are 70+ MB each.
prune() { # prune PREFIX KEEP
    local d
    for d in "$CACHE/$1"*; do
        [ -e "$d" ] && [ "$d" != "$2" ] && rm -rf "$d"
    done
    return 0
}

# ---------------------------------------------------------------- kernel stage
KERNEL_KEY=$(printf '%s\n' "$(cat "$KERNEL_DEB.sha256")" "$SCRIPT_SHA" | sha_of_text | cut -c1-16)
KDIR=$CACHE/kernel-$KERNEL_KEY

wanted_modules() { sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' "$HERE/modules.list"; }

build_kernel_stage() {
    local tmp x kver mod f name
    tmp=$CACHE/kernel.tmp
    rm -rf "$tmp"; mkdir -p "$tmp/modules"
    x=$tmp/x
    log "extracting $(basename "$KERNEL_DEB")"
    dpkg -x "$KERNEL_DEB" "$x"
    kver=$(ls "$x/lib/modules")
    [ "$(echo "$kver" | wc -w)" = 1 ] || die "expected one kernel in $KERNEL_DEB, found: $kver"
    cp "$x/boot/vmlinuz-$kver" "$tmp/bzImage"
    echo "$kver" >"$tmp/kernel-release"
    log "extracting vmlinux from the bzImage"
    "$PYTHON" "$HERE/extract-vmlinux.py" "$tmp/bzImage" "$tmp/vmlinux"

    # Module name -> file. Names use '_' where file names may use '-'.
    declare -A file=()
    while IFS= read -r f; do
        name=${f##*/}; name=${name%%.ko*}; name=${name//-/_}
        file[$name]=$f
    done < <(find "$x/lib/modules/$kver/kernel" -name '*.ko' -o -name '*.ko.xz')
    declare -A builtin=()
    while IFS= read -r f; do
        name=${f##*/}; name=${name%%.ko*}; builtin[${name//-/_}]=1
    done <"$x/lib/modules/$kver/modules.builtin"

    # Depth-first post-order over modinfo's depends gives a valid insmod order.
    declare -A state=()
    local order=()
    visit() {
        local m=$1 deps d
        case ${state[$m]:-} in done) return ;; busy) die "module dependency cycle at $m" ;; esac
        if [ -z "${file[$m]:-}" ]; then
            [ -n "${builtin[$m]:-}" ] && { state[$m]=done; return; }
            die "module $m is neither in $KPKG nor built in"
        fi
        state[$m]=busy
        deps=$(modinfo -F depends "${file[$m]}")
        for d in ${deps//,/ }; do visit "${d//-/_}"; done
        state[$m]=done
        order+=("$m")
    }
    for mod in $(wanted_modules); do visit "${mod//-/_}"; done

    for mod in "${order[@]}"; do
        f=${file[$mod]}
        case $f in
            *.ko.xz) xz -dc "$f" >"$tmp/modules/$mod.ko" ;;
            *) cp "$f" "$tmp/modules/$mod.ko" ;;
        esac
        echo "$mod" >>"$tmp/modules/order"
    done
    log "modules in load order: $(tr '\n' ' ' <"$tmp/modules/order")"
    rm -rf "$x"
    (cd "$tmp" && sha256sum vmlinux bzImage kernel-release >sums)
    rm -rf "$KDIR"
    mv "$tmp" "$KDIR"
}

if [ ! -f "$KDIR/sums" ]; then
    build_kernel_stage
else
    log "kernel $(cat "$KDIR/kernel-release") up to date"
fi
prune kernel- "$KDIR"
KVER=$(cat "$KDIR/kernel-release")

# ---------------------------------------------------------------- initramfs stage
# runc is unpacked once per .deb; its shared libraries come from the host (ldd), so their
# contents are part of the initramfs key.
RUNC_X=$CACHE/runc-$(cut -c1-16 "$RUNC_DEB.sha256")
if [ ! -x "$RUNC_X/usr/sbin/runc" ]; then
    rm -rf "$RUNC_X.tmp"; dpkg -x "$RUNC_DEB" "$RUNC_X.tmp"; rm -rf "$RUNC_X"; mv "$RUNC_X.tmp" "$RUNC_X"
fi
prune runc- "$RUNC_X"
RUNC_LIBS=$(ldd "$RUNC_X/usr/sbin/runc" | awk '
    /not found/ { print "MISSING:" $1; next }
    $2 == "=>" && $3 ~ /^\// { print $3; next }
    $1 ~ /^\// { print $1 }')
case $RUNC_LIBS in *MISSING:*) die "runc needs libraries the host lacks: $RUNC_LIBS" ;; esac

overlay_sha() {
    [ -n "${CAPSA_GUEST_OVERLAY:-}" ] || { echo none; return; }
    [ -d "$CAPSA_GUEST_OVERLAY" ] || die "CAPSA_GUEST_OVERLAY=$CAPSA_GUEST_OVERLAY is not a directory"
    (cd "$CAPSA_GUEST_OVERLAY" && find . -printf '%p %m %l\n' | sort
     find . -type f -print0 | sort -z | xargs -0r sha256sum) | sha_of_text
}

INITRD_KEY=$( {
    echo "$KERNEL_KEY" "$SCRIPT_SHA" "$GZIP_LEVEL"
    cat "$BUSYBOX_DEB.sha256" "$RUNC_DEB.sha256"
    sha "$HERE/init"
    for l in $RUNC_LIBS; do echo "$l $(sha "$l")"; done
    overlay_sha
} | sha_of_text | cut -c1-16)
IDIR=$CACHE/initramfs-$INITRD_KEY

build_initramfs_stage() {
    local tmp root l
    tmp=$CACHE/initramfs.tmp
    rm -rf "$tmp"; mkdir -p "$tmp"
    root=$tmp/root
    mkdir -p "$root"
    (cd "$root" && mkdir -p bin sbin usr/bin usr/sbin lib/modules lib64 etc dev proc sys run tmp root mnt capsa)
    chmod 1777 "$root/tmp"; chmod 700 "$root/root"

    dpkg-deb --fsys-tarfile "$BUSYBOX_DEB" | tar -x -C "$tmp" ./bin/busybox
    install -m 755 "$tmp/bin/busybox" "$root/bin/busybox"
    # Applet links; busybox's own init/linuxrc are left out: /init is ours.
    "$root/bin/busybox" --list-full | while IFS= read -r p; do
        case $p in bin/busybox|sbin/init|linuxrc) continue ;; esac
        [ -e "$root/$p" ] || [ -L "$root/$p" ] || ln -s /bin/busybox "$root/$p"
    done

    install -m 755 "$RUNC_X/usr/sbin/runc" "$root/usr/sbin/runc"
    for l in $RUNC_LIBS; do
        mkdir -p "$root$(dirname "$l")"
        cp -L "$l" "$root$l"
    done

    cp "$KDIR/modules/"*.ko "$KDIR/modules/order" "$root/lib/modules/"
    install -m 755 "$HERE/init" "$root/init"
    echo "$KVER" >"$root/etc/capsa-kernel-release"
    printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$root/etc/passwd"
    printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
    # The kernel opens /dev/console before /init runs; without the node init starts with no stdio.
    mknod -m 600 "$root/dev/console" c 5 1 2>/dev/null || log "warning: cannot mknod /dev/console (init redirects itself later)"

    if [ -n "${CAPSA_GUEST_OVERLAY:-}" ]; then
        cp -a "$CAPSA_GUEST_OVERLAY/." "$root/"
    fi

    find "$root" -exec touch -h -d "@$EPOCH" {} +
    (cd "$root" && find . -mindepth 1 -print0 | sort -z |
        cpio --null --quiet -o -H newc -R 0:0 --reproducible) | gzip -n "-$GZIP_LEVEL" >"$tmp/initramfs.cpio.gz"
    log "initramfs: $(du -sb "$root" | cut -f1) bytes unpacked, $(stat -c %s "$tmp/initramfs.cpio.gz") bytes gzip -$GZIP_LEVEL"
    rm -rf "$root" "$tmp/bin"
    (cd "$tmp" && sha256sum initramfs.cpio.gz >sums)
    rm -rf "$IDIR"
    mv "$tmp" "$IDIR"
}

if [ ! -f "$IDIR/sums" ]; then
    build_initramfs_stage
else
    log "initramfs up to date"
fi
prune initramfs- "$IDIR"

# ---------------------------------------------------------------- publish
publish() { # publish SRC NAME: hard link when possible (cheap, same bytes), else copy
    local src=$1 dst=$OUT/$2
    [ "$src" -ef "$dst" ] && return
    ln -f "$src" "$dst.new" 2>/dev/null || cp "$src" "$dst.new"
    mv -f "$dst.new" "$dst"
}
publish "$KDIR/vmlinux" vmlinux
publish "$KDIR/bzImage" bzImage
publish "$KDIR/kernel-release" kernel-release
publish "$IDIR/initramfs.cpio.gz" initramfs.cpio.gz

write_if_changed() { # write_if_changed FILE (content on stdin)
    cat >"$1.new"
    if cmp -s "$1.new" "$1"; then rm -f "$1.new"; else mv -f "$1.new" "$1"; fi
}
cat "$KDIR/sums" "$IDIR/sums" | write_if_changed "$OUT/SHA256SUMS"
sum_of() { awk -v f="$1" '$2 == f { print $1 }' "$OUT/SHA256SUMS"; }

write_if_changed "$OUT/manifest.properties" <<EOF
# Capsa guest image, written by guest/build.sh. Paths are absolute.
kernelRelease=$KVER
kernelPackage=$KPKG
kernelPackageVersion=$(deb_version "$KERNEL_DEB")
busyboxPackageVersion=$(deb_version "$BUSYBOX_DEB")
runcPackageVersion=$(deb_version "$RUNC_DEB")
kernel=$OUT/vmlinux
vmlinux=$OUT/vmlinux
bzImage=$OUT/bzImage
initramfs=$OUT/initramfs.cpio.gz
kernelSha256=$(sum_of vmlinux)
vmlinuxSha256=$(sum_of vmlinux)
bzImageSha256=$(sum_of bzImage)
initramfsSha256=$(sum_of initramfs.cpio.gz)
agentChannel=agent.channel.0
agentReadyPrefix=CAPSA-AGENT-READY
consoleReadyPrefix=CAPSA-GUEST-UP
shareTag=kataShared
shareMountPoint=/run/kata-containers/shared/containers
${CAPSA_GUEST_MANIFEST_EXTRA:-}
EOF
log "done: $OUT (kernel $KVER)"
