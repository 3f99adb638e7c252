package capsa.hypervisor.clh;

import capsa.hypervisor.clh.api.ChApiTimeouts;
import capsa.hypervisor.clh.standin.StandInCloudHypervisorMain;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Optional;

/**
 * Which Cloud Hypervisor the contract tests drive. The real binary when {@code cloud-hypervisor} is on PATH and
 * {@code /dev/kvm} is usable (unless {@code CAPSA_CLH_STANDIN=1}) (the guest kernel and initramfs then come from {@code CAPSA_CLH_KERNEL} and
 * {@code CAPSA_CLH_INITRD}); otherwise the stand-in, started as its own process through a generated executable script
 * that takes the real binary's flags.
 */
record ClhTestTarget(boolean real, ClhConfig config, Optional<Path> recordFile, Path kernel, Path initrd) {

  static final String KERNEL_ENV = "CAPSA_CLH_KERNEL";
  static final String INITRD_ENV = "CAPSA_CLH_INITRD";

  /** Generous: a fresh JVM for the stand-in on a loaded 2-core machine can take seconds to answer. */
  static final ClhConfig BASE = new ClhConfig(
      Path.of("unset"), ChApiTimeouts.uniform(Duration.ofSeconds(30)), Duration.ofSeconds(90), Duration.ofMillis(20));

  /** Set to {@code 1} to use the stand-in even where a real binary and /dev/kvm exist. */
  static final String FORCE_STAND_IN_ENV = "CAPSA_CLH_STANDIN";

  static boolean realAvailable() {
    return !"1".equals(System.getenv(FORCE_STAND_IN_ENV))
        && ClhConfig.onPath("cloud-hypervisor").isPresent()
        && Files.isReadable(Path.of("/dev/kvm"))
        && Files.isWritable(Path.of("/dev/kvm"));
  }

  /** The real binary if usable, else the stand-in; {@code dir} receives the generated script and fake guest files. */
  static ClhTestTarget choose(Path dir) throws IOException {
    if (realAvailable()) {
      String kernel = System.getenv(KERNEL_ENV);
      String initrd = System.getenv(INITRD_ENV);
      if (kernel == null || initrd == null) {
        throw new org.opentest4j.TestAbortedException("Real cloud-hypervisor found, but " + KERNEL_ENV + " and "
            + INITRD_ENV + " must name a guest kernel and initramfs to run the contract tests against it");
      }
      return new ClhTestTarget(true, BASE.withBinary(ClhConfig.onPath("cloud-hypervisor").orElseThrow()),
          Optional.empty(), Path.of(kernel), Path.of(initrd));
    }
    Path record = dir.resolve("stand-in-requests.jsonl");
    Path script = standInScript(dir, "-D" + StandInCloudHypervisorMain.RECORD_PROPERTY + "=" + record);
    Path kernel = Files.writeString(dir.resolve("vmlinux"), "not a kernel: the stand-in boots nothing\n");
    Path initrd = Files.writeString(dir.resolve("initrd.img"), "not an initramfs\n");
    return new ClhTestTarget(false, BASE.withBinary(script), Optional.of(record), kernel, initrd);
  }

  String describe() {
    return real ? "REAL cloud-hypervisor " + config.binary() : "STAND-IN cloud-hypervisor (no KVM or no binary)";
  }

  /** An executable that runs the stand-in VMM in a fresh JVM with whatever flags it is given. */
  static Path standInScript(Path dir, String... jvmFlags) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    String script = "#!/bin/sh\n"
        // Quick start matters more than peak speed for a process that answers a dozen requests.
        + "exec '" + java + "' -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xss512k " + String.join(" ", jvmFlags)
        + " -cp '" + classpath + "' " + StandInCloudHypervisorMain.class.getName() + " \"$@\"\n";
    return executable(dir.resolve("cloud-hypervisor"), script);
  }

  /** A shell script standing in for a broken binary. */
  static Path executable(Path path, String script) throws IOException {
    Files.writeString(path, script);
    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
    return path;
  }
}
