package capsa.hypervisor.clh.standin;

import io.netty.channel.epoll.EpollEventLoopGroup;
import java.nio.file.Path;

/**
 * Runs {@link StandInCloudHypervisor} as its own process, standing in for the {@code cloud-hypervisor} binary: it
 * takes the same {@code --api-socket <path>} (or {@code path=<path>}) flag, serves until {@code vmm.shutdown} or
 * SIGTERM, removes its socket and exits 0. Flags the real binary has and the stand-in does not need (e.g. {@code -v})
 * are ignored.
 */
public final class StandInCloudHypervisorMain {

  /** System property naming a file that receives every request as a JSON line. */
  public static final String RECORD_PROPERTY = "capsa.standin.record";

  /** System property naming an endpoint the stand-in answers with 500 (fault injection). */
  public static final String REFUSE_PROPERTY = "capsa.standin.refuse";

  private StandInCloudHypervisorMain() {}

  public static void main(String[] args) throws Exception {
    Path socket = apiSocket(args);
    EpollEventLoopGroup group = new EpollEventLoopGroup(1);
    StandInCloudHypervisor standIn = new StandInCloudHypervisor(group, socket);
    String record = System.getProperty(RECORD_PROPERTY);
    if (record != null) {
      standIn.recordingTo(Path.of(record));
    }
    String refuse = System.getProperty(REFUSE_PROPERTY);
    if (refuse != null) {
      standIn.vmm().refuse(refuse);
    }
    standIn.start();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> close(standIn, group), "stand-in-shutdown"));
    // A test JVM that dies (killed, crashed) must not leave stand-ins behind.
    ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> {
      System.err.println("stand-in cloud-hypervisor: parent " + parent.pid() + " is gone, exiting");
      Runtime.getRuntime().halt(3);
    }));
    System.err.println("stand-in cloud-hypervisor: serving " + socket);
    standIn.vmmShutdown().join();
    System.err.println("stand-in cloud-hypervisor: vmm.shutdown, exiting");
    System.exit(0);
  }

  private static void close(StandInCloudHypervisor standIn, EpollEventLoopGroup group) {
    try {
      standIn.close();
    } catch (Exception e) {
      e.printStackTrace();
    }
    group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS);
  }

  static Path apiSocket(String[] args) {
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--api-socket") && i + 1 < args.length) {
        String value = args[i + 1];
        return Path.of(value.startsWith("path=") ? value.substring("path=".length()) : value);
      }
    }
    System.err.println("usage: stand-in cloud-hypervisor --api-socket <path>");
    System.exit(2);
    throw new AssertionError();
  }
}
