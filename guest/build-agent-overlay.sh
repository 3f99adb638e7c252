#!/usr/bin/env bash
# Builds the agent overlay: the directory tree that guest/build.sh copies on top of the initramfs
# (CAPSA_GUEST_OVERLAY) to make a guest that runs capsa-agent as PID 1.
#
#   guest/build-agent-overlay.sh AGENT_JAR OVERLAY_CACHE_DIR
#
# Prints the overlay directory (OVERLAY_CACHE_DIR/overlay-<key>/root) on stdout. The key hashes the
# agent jar, the JDK (its release file and the jmods), this script and guest/agent-launcher, so
# the overlay is rebuilt only when one of them changes. Contents:
#   /capsa/jre          jlinked runtime from the build JDK (modules from jdeps on the jar)
#   /capsa/jre/lib/server/classes.jsa   CDS archive of that runtime (java -Xshare:dump)
#   /capsa/agent.jar    the agent (executable shaded jar)
#   /capsa/lib          the jar's natives (Netty epoll, JNA dispatch), unpacked: no temp files at start-up
#   /capsa/agent.jsa    AppCDS dynamic archive of the agent's start-up classes (CAPSA_AGENT_APPCDS=0: none)
#   /capsa/agent.aot    instead of agent.jsa with a JDK 25+ (CAPSA_AGENT_AOT=0: AppCDS): an AOT cache (JEP 483/514)
#   /capsa/agent        launcher (guest/agent-launcher): execs the JRE with /capsa/jvm.options
#   /capsa/jvm.options  the JVM flags (guest/agent-jvm.options)
#   /lib/..., /usr/lib/...  the shared libraries the JRE links, at their real host paths
#
# Environment knobs (optional):
#   CAPSA_AGENT_JDK      JDK to jlink from (default: /usr/lib/jvm/temurin-25-jdk-amd64 when present, else
#                        /usr/lib/jvm/java-17-openjdk-amd64; needs jmods/ or JDK 24+)
#   CAPSA_AGENT_MODULES  comma list of modules, overriding jdeps
#   CAPSA_AGENT_DROP_MODULES  modules removed from the jdeps list (default java.desktop,java.compiler,java.sql)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
JAR=${1:?usage: build-agent-overlay.sh AGENT_JAR OVERLAY_CACHE_DIR}
CACHE=${2:?usage: build-agent-overlay.sh AGENT_JAR OVERLAY_CACHE_DIR}
# The JDK to jlink from: Temurin 25 when the machine has it (JDK 25's AOT cache starts the agent faster than
# JDK 17's AppCDS), else Debian's JDK 17. Either works; nothing else depends on which one.
if [ -z "${CAPSA_AGENT_JDK:-}" ] && [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/jlink ]; then
    JDK=/usr/lib/jvm/temurin-25-jdk-amd64
else
    JDK=${CAPSA_AGENT_JDK:-/usr/lib/jvm/java-17-openjdk-amd64}
fi
export LC_ALL=C

START_MS=$(($(date +%s%N) / 1000000))
log() {
    local ms=$(($(date +%s%N) / 1000000 - START_MS))
    printf '[agent-overlay %3d.%03ds] %s\n' $((ms / 1000)) $((ms % 1000)) "$*" >&2
}
die() { printf '[agent-overlay] ERROR: %s\n' "$*" >&2; exit 1; }

[ -f "$JAR" ] || die "agent jar $JAR not found (build it: mvn -B -pl agent -am package -DskipTests)"
for t in jlink jdeps; do
    [ -x "$JDK/bin/$t" ] || die "$JDK/bin/$t missing (set CAPSA_AGENT_JDK to a full JDK)"
done
JDK_MAJOR=$(. "$JDK/release"; echo "${JAVA_VERSION%%.*}")
# JDK 24+ can jlink from its own run-time image (JEP 493, e.g. Temurin 25 has no jmods/).
[ -d "$JDK/jmods" ] || [ "$JDK_MAJOR" -ge 24 ] ||
    die "$JDK has no jmods/ directory (Debian: openjdk-17-jdk-headless ships them)"
for t in ldd strip unzip sha256sum flock; do command -v "$t" >/dev/null || die "missing host tool $t"; done

mkdir -p "$CACHE"
CACHE=$(cd "$CACHE" && pwd)
exec 8>"$CACHE/.overlay.lock"
flock 8

sha() { sha256sum "$1" | cut -d' ' -f1; }
KEY=$( {
    sha "$JAR"
    sha "$HERE/build-agent-overlay.sh"
    sha "$HERE/agent-launcher"
    sha "$HERE/agent-jvm.options"
    cat "$JDK/release"
    if [ -d "$JDK/jmods" ]; then (cd "$JDK/jmods" && ls -l --time-style=+%s); else sha "$JDK/lib/modules"; fi
    echo "${CAPSA_AGENT_MODULES:-jdeps} aot=${CAPSA_AGENT_AOT:-1} appcds=${CAPSA_AGENT_APPCDS:-1}"
} | sha256sum | cut -c1-16)
DIR=$CACHE/overlay-$KEY

if [ -f "$DIR/.done" ]; then
    log "overlay up to date ($DIR)"
    echo "$DIR/root"
    exit 0
fi

STAGE=$CACHE/overlay.tmp
rm -rf "$STAGE"
TMP=$STAGE/root
mkdir -p "$TMP/capsa"

if [ -n "${CAPSA_AGENT_MODULES:-}" ]; then
    MODS=$CAPSA_AGENT_MODULES
else
    # --ignore-missing-deps: the shaded jar carries optional code paths (logback/Netty integrations)
    # whose libraries are absent; they are never loaded in the guest.
    MODS=$("$JDK/bin/jdeps" --ignore-missing-deps --multi-release 17 --print-module-deps "$JAR" | tail -n 1)
    # jdeps sees every class of the shaded jar, including optional integrations the agent never
    # runs: Jackson's java.beans/java.sql handlers (loaded by name, skipped when absent), Guava's
    # and logback's annotation processors and JNDI-free config paths. Dropping java.desktop and
    # java.sql (which drags in java.xml) saves ~20 MB; the TCG tests prove the agent still works.
    DROP=${CAPSA_AGENT_DROP_MODULES-java.desktop,java.compiler,java.sql}
    MODS=$(printf '%s\n' ${MODS//,/ } | grep -vxF -f <(printf '%s\n' ${DROP//,/ }) | paste -sd, -)
    # Netty and JNA reach sun.misc.Unsafe reflectively, which jdeps cannot see.
    case ",$MODS," in *,jdk.unsupported,*) ;; *) MODS=$MODS,jdk.unsupported ;; esac
fi
log "jlink modules: $MODS"
"$JDK/bin/jlink" --add-modules "$MODS" --strip-debug --no-header-files --no-man-pages \
    --compress=2 --output "$TMP/capsa/jre"
# Debian's libjvm still carries a symbol table; the guest never needs it.
find "$TMP/capsa/jre/lib" -name '*.so' -exec strip --strip-unneeded {} +
log "jlinked runtime: $(du -sm "$TMP/capsa/jre" | cut -f1) MB"

# CDS archive of the runtime's own classes (a jlinked image has none): the JVM maps it instead
# of parsing and verifying ~1500 classes at every boot. The modules file is matched by size, not
# path or time, so the archive made here stays valid in the guest at /capsa/jre.
"$TMP/capsa/jre/bin/java" -Xshare:dump -XX:+UseSerialGC >"$CACHE/cds-dump.log" 2>&1 ||
    die "java -Xshare:dump failed: $(tail -n 5 "$CACHE/cds-dump.log")"
"$TMP/capsa/jre/bin/java" -Xshare:on -XX:+UseSerialGC -version >/dev/null 2>&1 ||
    die "the jlinked runtime does not start with -Xshare:on"
log "CDS archive: $(du -m "$TMP/capsa/jre/lib/server/classes.jsa" | cut -f1) MB"

# Shared libraries the runtime links (at their real paths; runc's libc is the same file).
# The jar's own natives (Netty epoll, JNA) are unpacked to /tmp at run time: check them too
# (Netty's still links libdl.so.2, a stub in glibc >= 2.34 that is nonetheless needed).
NATIVES=$STAGE/natives
mkdir -p "$NATIVES"
(cd "$NATIVES" && "$JDK/bin/jar" xf "$JAR" $(unzip -Z1 "$JAR" | grep -E '^(META-INF/native/.*x86_64.*|com/sun/jna/linux-x86-64/.*)\.so$'))
LIBS=$(find "$TMP/capsa/jre" "$NATIVES" -type f \( -name '*.so' -o -path '*/bin/*' \) -print0 | xargs -0 ldd 2>/dev/null | awk -v root="$TMP/" '
    /:$/ { next }
    index($0, root) { next }
    /^[ \t]*libjvm\.so => not found/ { next }
    /not found/ { print "MISSING:" $1; next }
    $2 == "=>" && $3 ~ /^\// { print $3; next }
    $1 ~ /^\// { print $1 }' | sort -u)
# The runtime's own libraries resolve through $ORIGIN inside the image and are skipped; libjvm.so
# is "not found" for ldd from libjava & co. but is already loaded by the launcher when they load.
case $LIBS in *MISSING:*) die "the runtime needs libraries the host lacks: $LIBS" ;; esac
for l in $LIBS; do
    mkdir -p "$TMP$(dirname "$l")"
    cp -L "$l" "$TMP$l"
done
log "libraries: $(echo $LIBS)"

# The jar's own natives, unpacked once here: Netty tries java.library.path before unpacking its library from the
# jar, and JNA takes jna.boot.library.path (jvm.options points both at /capsa/lib). Unpacking at run time means a
# temp file, and File.createTempFile seeds a SecureRandom, which gathers system entropy (network interfaces, the
# temp directory) and may wait for the kernel's entropy pool: seconds at a TCG guest's boot.
mkdir -p "$TMP/capsa/lib"
install -m 755 "$NATIVES/META-INF/native/libnetty_transport_native_epoll_x86_64.so" "$TMP/capsa/lib/"
install -m 755 "$NATIVES/com/sun/jna/linux-x86-64/libjnidispatch.so" "$TMP/capsa/lib/"
install -m 644 "$JAR" "$TMP/capsa/agent.jar"
install -m 755 "$HERE/agent-launcher" "$TMP/capsa/agent"
install -m 644 "$HERE/agent-jvm.options" "$TMP/capsa/jvm.options"
if [ "$JDK_MAJOR" -ge 24 ]; then
    # JNA's System.load and Netty's Unsafe use are allowed anyway; saying so spares the console (slow under TCG)
    # the JDK's warnings about them at every boot. JDK 17 does not know these options.
    printf '%s\n' --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow >>"$TMP/capsa/jvm.options"
fi
# AppCDS: a dynamic archive of the classes the agent loads up to "ready" (Netty, ttrpc, protobuf,
# JNA, logback, the agent), layered on the runtime's archive. The JVM checks the jar's path, size
# and mtime, so the training run happens in a chroot of this very tree with the jar at the mtime
# guest/build.sh gives every file (0) and at its guest path; /proc is mounted in a private mount
# namespace (ld.so resolves $ORIGIN through /proc/self/exe) and disappears with it.
if [ "${CAPSA_AGENT_APPCDS:-1}" = 1 ] && command -v unshare >/dev/null && command -v chroot >/dev/null; then
    mkdir -p "$TMP/proc" "$TMP/tmp" "$TMP/dev"
    touch "$TMP/dev/null" "$TMP/dev/urandom" "$TMP/dev/random"
    chmod 1777 "$TMP/tmp"
    touch -d @0 "$TMP/capsa/agent.jar"
    if [ "$JDK_MAJOR" -ge 25 ] && [ "${CAPSA_AGENT_AOT:-1}" = 1 ]; then
        # JDK 25: an AOT cache (loaded and linked classes, method profiles) written at exit. Without
        # the diagnostic flags the cache also carries call adapters generated for the build host's
        # CPU, and under TCG's CPU model the agent died with SIGILL in one (Temurin 25.0.3); the
        # launcher passes the same flags (see guest/agent-launcher).
        ARCHIVE=agent.aot
        RECORD="-XX:+UnlockDiagnosticVMOptions -XX:-AOTAdapterCaching -XX:-AOTStubCaching -XX:AOTCacheOutput=/capsa/agent.aot"
    else
        ARCHIVE=agent.jsa
        RECORD="-XX:ArchiveClassesAtExit=/capsa/agent.jsa"
    fi
    # env -i: the agent reads CAPSA_AGENT_* variables as its own options (and rejects unknown ones), and this
    # script's knobs are named the same way.
    env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin unshare -m sh -c 'mount -t proc proc "$1/proc" &&
        for d in null urandom random; do mount --bind "/dev/$d" "$1/dev/$d" || exit 1; done && exec chroot "$1" /capsa/jre/bin/java \
        @/capsa/jvm.options $2 \
        -jar /capsa/agent.jar --channel=unix --unix_socket=/tmp/train.sock' sh "$TMP" "$RECORD" >"$CACHE/appcds.log" 2>&1 &
    TRAIN=$!
    for _ in $(seq 1 600); do
        [ -S "$TMP/tmp/train.sock" ] && break
        kill -0 "$TRAIN" 2>/dev/null || break
        sleep 0.2
    done
    # The workload: a host's first calls, over ttrpc (a separate JVM, without archive flags: its own classes
    # stay out of the agent's archive). Then SIGTERM runs the JVM's orderly exit, which writes the archive
    # (JDK 25 forks the assembly step and waits for it).
    if [ -S "$TMP/tmp/train.sock" ]; then
        env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin unshare -m sh -c 'mount -t proc proc "$1/proc" &&
            exec chroot "$1" /capsa/jre/bin/java -Xshare:auto -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
            -Djava.library.path=/capsa/lib -Djna.boot.library.path=/capsa/lib \
            -cp /capsa/agent.jar capsa.agent.probe.TrainingProbe /tmp/train.sock' sh "$TMP" >"$CACHE/training-probe.log" 2>&1 ||
            log "warning: the training workload failed: $(tail -n 3 "$CACHE/training-probe.log")"
    fi
    kill -TERM "$TRAIN" 2>/dev/null || true
    wait "$TRAIN" || true
    rm -rf "$TMP/tmp" "$TMP/proc" "$TMP/dev"
    if [ -s "$TMP/capsa/$ARCHIVE" ]; then
        log "start-up archive /capsa/$ARCHIVE: $(du -m "$TMP/capsa/$ARCHIVE" | cut -f1) MB"
        if [ "$ARCHIVE" = agent.aot ]; then
            # The AOT cache holds the JDK's classes too and replaces the runtime's archive for the agent;
            # dropping that one keeps the initramfs well under 60 MB (other java runs in the guest, such
            # as the vsock probe, start without CDS).
            rm -f "$TMP/capsa/jre/lib/server/classes.jsa"
        fi
    else
        log "warning: no /capsa/$ARCHIVE (see $CACHE/appcds.log); the agent starts without it"
        rm -f "$TMP/capsa/$ARCHIVE"
    fi
fi

{
    echo "jdkRelease=$(. "$JDK/release"; echo "$JAVA_RUNTIME_VERSION")"
    echo "modules=$MODS"
    echo "jarSha256=$(sha "$JAR")"
} >"$TMP/capsa/agent-image.properties"

rm -rf "$NATIVES"
touch "$STAGE/.done"
rm -rf "$DIR"
mv "$STAGE" "$DIR"
# Only the newest overlay is kept.
for d in "$CACHE"/overlay-*; do [ "$d" = "$DIR" ] || rm -rf "$d"; done
log "overlay: $(du -sm "$DIR/root" | cut -f1) MB in $DIR/root"
echo "$DIR/root"
