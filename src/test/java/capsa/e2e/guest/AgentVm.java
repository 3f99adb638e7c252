package capsa.e2e.guest;

import capsa.hypervisor.Vm;
import capsa.hypervisor.qemu.HostFacts;
import capsa.hypervisor.qemu.QemuConfig;
import capsa.hypervisor.qemu.QemuHypervisor;
import capsa.hypervisor.spec.BootSource;
import capsa.hypervisor.spec.MachineType;
import capsa.hypervisor.spec.SharedFs;
import capsa.hypervisor.spec.VmSpec;
import capsa.ttrpc.client.TtrpcClient;
import capsa.vsock.VirtioSerialConnector;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One microvm booted from the agent guest image, with a host directory shared as {@code kataShared} over 9p and a
 * ttrpc client on the agent's virtio-serial channel. {@link #close()} stops QEMU (if the test did not power it off),
 * closes the client and the event loops and deletes the share and the scratch directory.
 */
final class AgentVm implements AutoCloseable {
  static final Duration AGENT_READY = Duration.ofMinutes(4);
  private static final Pattern READY_UPTIME = Pattern.compile("uptime=([0-9.]+)");
  private static final Pattern INIT_START = Pattern.compile("capsa-init\\[([0-9.]+)\\]: start");
  private static final List<String> APPLETS = List.of("sh", "echo", "cat", "sleep", "stty", "dd", "ps", "ls", "grep",
      "head", "true", "wc", "kill", "test");

  final Path work;
  final Path share;
  final Vm vm;
  /** The current ttrpc client; replaced by {@link #reconnect()}. */
  volatile TtrpcClient client;
  final String readyLine;
  private final EpollEventLoopGroup group = new EpollEventLoopGroup(2);
  private final ExecutorService callbacks = Executors.newCachedThreadPool();

  AgentVm(String id) throws Exception {
    this(id, QemuConfig.defaults(), b -> b.machine(MachineType.MICROVM));
  }

  /**
   * A VM with another QEMU configuration (e.g. an emulated VFIO stand-in) and spec changes (e.g. q35 with root
   * ports) on top of the defaults.
   */
  AgentVm(String id, QemuConfig config, java.util.function.UnaryOperator<VmSpec.Builder> customize) throws Exception {
    AgentGuestImage image = AgentGuestImage.get();
    work = Files.createTempDirectory(Path.of("/tmp"), "capsa-ag");
    share = Files.createDirectories(work.resolve("share"));
    Vm booted = null;
    try {
      QemuHypervisor hypervisor =
          new QemuHypervisor(config, group, HostFacts.probe(config.binary()), new ObjectMapper(), Optional.empty());
      booted = hypervisor.boot(customize.apply(VmSpec.builder()
          .id(id)
          .machine(MachineType.MICROVM)
          .boot(new BootSource.Initrd(image.vmlinux(), image.initramfs()))
          .sharedFs(new SharedFs.NineP(SharedFs.KATA_TAG, share))
          // capsa.debug makes /init print its start uptime: the agent-ready figure is measured from it.
          .kernelParam("capsa.debug=1")
          .consoleLog(work.resolve("console.log"))
          .vmmLog(work.resolve("qemu.log"))
          .runtimeDir(work.resolve("run")))
          .build());
      Channel ch = booted.connectAgent(AGENT_READY).get(AGENT_READY.toSeconds() + 10, TimeUnit.SECONDS);
      readyLine = ch.attr(VirtioSerialConnector.READY_LINE).get();
      client = TtrpcClient.over(ch, callbacks);
      vm = booted;
    } catch (Exception | AssertionError e) {
      if (booted != null) {
        booted.close();
      }
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
      callbacks.shutdownNow();
      deleteTree(work);
      throw new AssertionError("Agent VM did not come up; console:\n" + consoleOf(work), e);
    }
  }

  /**
   * Drops the host side of the agent channel without a word (as a crashed or restarted shim would) and connects
   * again: the agent must notice the hang-up, reopen its port and announce itself to the new connection.
   *
   * @return the ready line of the new connection
   */
  String reconnect() throws Exception {
    client.close();
    client.closeFuture().get(1, TimeUnit.MINUTES);
    Channel ch = vm.connectAgent(AGENT_READY).get(AGENT_READY.toSeconds() + 10, TimeUnit.SECONDS);
    client = TtrpcClient.over(ch, callbacks);
    return ch.attr(VirtioSerialConnector.READY_LINE).get();
  }

  /** Creates {@code <share>/<id>/rootfs} with busybox and applet links: the Kata shared rootfs path of {@code id}. */
  Path rootfs(String containerId) throws IOException {
    Path root = share.resolve(containerId).resolve("rootfs");
    Path bin = Files.createDirectories(root.resolve("bin"));
    Files.copy(Path.of("/bin/busybox"), bin.resolve("busybox"), StandardCopyOption.COPY_ATTRIBUTES);
    for (String applet : APPLETS) {
      Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
    }
    for (String d : List.of("proc", "sys", "dev", "tmp", "etc", "root", "capsa", "lib", "lib64", "guestproc")) {
      Files.createDirectories(root.resolve(d));
    }
    Files.writeString(root.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n");
    Files.writeString(root.resolve("etc/group"), "root:x:0:\n");
    return root;
  }

  String console() {
    return consoleOf(work);
  }

  /** Guest uptime when /init started (printed with capsa.debug=1). */
  double initStartUptime() {
    Matcher m = INIT_START.matcher(console());
    if (!m.find()) {
      throw new AssertionError("No '/init start' line on the console:\n" + console());
    }
    return Double.parseDouble(m.group(1));
  }

  /** Guest uptime carried by the agent's ready line. */
  double readyUptime() {
    Matcher m = READY_UPTIME.matcher(readyLine);
    if (!m.find()) {
      throw new AssertionError("Ready line without uptime: " + readyLine);
    }
    return Double.parseDouble(m.group(1));
  }

  private static String consoleOf(Path work) {
    try {
      Path log = work.resolve("console.log");
      return Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "(no console log)";
    } catch (IOException e) {
      return "(console unreadable: " + e + ")";
    }
  }

  @Override
  public void close() throws IOException {
    try {
      client.close();
      vm.close();
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
      callbacks.shutdownNow();
      deleteTree(work);
    }
  }

  /** Deletes a tree without following symlinks (the rootfs is full of them). */
  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(dir, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
        Files.delete(d);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
