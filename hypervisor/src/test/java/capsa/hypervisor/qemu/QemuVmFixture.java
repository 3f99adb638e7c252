package capsa.hypervisor.qemu;

import capsa.hypervisor.spec.BootSource;
import capsa.hypervisor.spec.MachineType;
import capsa.hypervisor.spec.VmSpec;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.handler.codec.string.StringEncoder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Shared set-up for tests that boot real QEMU: an event loop group, the hypervisor, a scratch directory with short
 * paths (socket paths must stay under 108 bytes), and helpers to talk to the guest's echo responder.
 */
final class QemuVmFixture implements AutoCloseable {

  final EpollEventLoopGroup group = new EpollEventLoopGroup(2);
  final QemuHypervisor hypervisor;
  final Path work;
  final GuestImage image = GuestImage.get();
  private final List<QemuVm> vms = new ArrayList<>();

  QemuVmFixture() throws IOException {
    this(QemuConfig.defaults());
  }

  QemuVmFixture(QemuConfig config) throws IOException {
    hypervisor = new QemuHypervisor(config, group, HostFacts.probe(config.binary()), new ObjectMapper(), Optional.empty());
    work = Files.createTempDirectory(Path.of("/tmp"), "capsa-qt");
  }

  VmSpec.Builder spec(String id, MachineType machine) {
    return VmSpec.builder()
        .id(id)
        .machine(machine)
        .boot(new BootSource.Initrd(image.vmlinux(), image.initramfs()))
        .consoleLog(work.resolve(id + "-console.log"))
        .vmmLog(work.resolve(id + "-qemu.log"))
        .runtimeDir(work.resolve(id));
  }

  QemuVm boot(VmSpec spec) {
    QemuVm vm = (QemuVm) hypervisor.boot(spec);
    synchronized (vms) {
      vms.add(vm);
    }
    return vm;
  }

  /** Installs a line reader on a ready agent channel; returns the queue of received lines. */
  static BlockingQueue<String> lines(Channel ch) {
    BlockingQueue<String> q = new LinkedBlockingQueue<>();
    ch.pipeline().addLast(new LineBasedFrameDecoder(4096), new StringDecoder(StandardCharsets.UTF_8),
        new StringEncoder(StandardCharsets.UTF_8), new SimpleChannelInboundHandler<String>() {
          @Override
          protected void channelRead0(ChannelHandlerContext ctx, String msg) {
            q.add(msg.endsWith("\r") ? msg.substring(0, msg.length() - 1) : msg);
          }
        });
    return q;
  }

  /** Sends a line and returns the next line received (or fails after 30 s). */
  static String ask(Channel ch, BlockingQueue<String> q, String line) throws InterruptedException {
    ch.writeAndFlush(line + "\n");
    String r = q.poll(30, TimeUnit.SECONDS);
    if (r == null) {
      throw new AssertionError("No answer to '" + line + "' within 30 s");
    }
    return r;
  }

  /**
   * Waits until the console log has a complete line (newline included) containing {@code text}; QEMU may flush a line
   * in pieces. Returns the log.
   */
  static String awaitConsole(Path log, String text, long timeoutMs) throws Exception {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    String s = "";
    while (System.nanoTime() < end) {
      s = Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "";
      int at = s.indexOf(text);
      if (at >= 0 && s.indexOf('\n', at) >= 0) {
        return s;
      }
      Thread.sleep(50); // the console is a file QEMU appends to; there is no event to wait on
    }
    throw new AssertionError("Console " + log + " did not show '" + text + "' within " + timeoutMs + " ms:\n" + s);
  }

  @Override
  public void close() throws IOException {
    synchronized (vms) {
      for (QemuVm vm : vms) {
        vm.close();
      }
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    QemuLogs.deleteTree(work);
  }
}
