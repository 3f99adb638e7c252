package capsa.agent.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import capsa.agent.AgentException;
import capsa.agent.io.OutputBuffer;
import capsa.agent.spec.OciJson;
import capsa.agent.testing.BusyboxRootfs;
import capsa.agent.testing.HostContainers;
import capsa.agent.testing.Specs;
import capsa.proto.oci.Spec;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Real runc on the host: lifecycle, exit codes, stdio for the whole life of the process, terminals. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ContainerManagerHostTest {
  private HostContainers host;
  private OciJson oci;

  @BeforeEach
  void setUp() throws Exception {
    assumeTrue(BusyboxRootfs.available(), "needs /bin/busybox and /usr/sbin/runc");
    assumeTrue(capsa.agent.testing.HostNatives.posix().libc().kill(1, 0) == 0, "needs root");
    host = new HostContainers();
    oci = new OciJson(host.json);
  }

  @AfterEach
  void tearDown() throws Exception {
    if (host != null) {
      host.close();
    }
  }

  private Container run(String id, Spec spec) throws Exception {
    host.rootfs(id);
    Container c = host.manager.create(new CreateRequest(id, oci.spec(spec), List.of()), java.util.Optional.empty());
    host.manager.start(id);
    return c;
  }

  static String drain(OutputBuffer buffer) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while (true) {
      byte[] chunk = buffer.read(32768).get(60, TimeUnit.SECONDS);
      if (chunk.length == 0) {
        return out.toString(StandardCharsets.UTF_8);
      }
      out.write(chunk);
    }
  }

  @Test
  void echoHelloStreamsStdoutAndExitsZero() throws Exception {
    Container c = run("c-echo", Specs.spec(false, "/bin/sh", "-c", "echo hello; echo oops >&2"));
    assertThat(drain(c.init().io().stdout())).isEqualTo("hello\n");
    assertThat(drain(c.init().io().stderr())).isEqualTo("oops\n");
    assertThat(host.manager.waitProcess("c-echo", "c-echo").get(60, TimeUnit.SECONDS)).isZero();
    assertThat(c.state()).isInstanceOf(ContainerState.Stopped.class);
  }

  @Test
  void exitCodeAndSignalsAreReported() throws Exception {
    run("c-exit3", Specs.spec(false, "/bin/sh", "-c", "exit 3"));
    assertThat(host.manager.waitProcess("c-exit3", "").get(60, TimeUnit.SECONDS)).isEqualTo(3);

    run("c-kill", Specs.spec(false, "/bin/sleep", "1000"));
    host.manager.signal("c-kill", "c-kill", 9);
    assertThat(host.manager.waitProcess("c-kill", "c-kill").get(60, TimeUnit.SECONDS)).isEqualTo(137);

    // A pid-namespace init ignores SIGTERM without a handler (kernel rule), so SIGTERM goes to an exec'd process.
    run("c-term", Specs.spec(false, "/bin/sleep", "1000"));
    host.manager.exec("c-term", "sleeper", oci.process(Specs.process(false, "/bin/sleep", "1000")));
    host.manager.signal("c-term", "sleeper", 15);
    assertThat(host.manager.waitProcess("c-term", "sleeper").get(60, TimeUnit.SECONDS)).isEqualTo(143);
    // exec_id "" signals every process of the container (runc kill --all).
    host.manager.signal("c-term", "", 9);
    assertThat(host.manager.waitProcess("c-term", "").get(60, TimeUnit.SECONDS)).isEqualTo(137);
  }

  @Test
  void execStdinAndCloseStdin() throws Exception {
    Container c = run("c-exec", Specs.spec(false, "/bin/sleep", "1000"));
    ContainerProcess cat =
        host.manager.exec("c-exec", "e1", oci.process(Specs.process(false, "/bin/cat")));
    assertThat(cat.io().writeStdin("ping\n".getBytes(StandardCharsets.UTF_8))).isEqualTo(5);
    cat.io().closeStdin();
    assertThat(drain(cat.io().stdout())).isEqualTo("ping\n");
    assertThat(host.manager.waitProcess("c-exec", "e1").get(60, TimeUnit.SECONDS)).isZero();

    ContainerProcess seven =
        host.manager.exec("c-exec", "e2", oci.process(Specs.process(false, "/bin/sh", "-c", "echo in-exec; exit 7")));
    assertThat(drain(seven.io().stdout())).isEqualTo("in-exec\n");
    assertThat(host.manager.waitProcess("c-exec", "e2").get(60, TimeUnit.SECONDS)).isEqualTo(7);

    assertThatThrownBy(() -> host.manager.exec("c-exec", "e1", oci.process(Specs.process(false, "/bin/true"))))
        .isInstanceOf(AgentException.AlreadyExists.class);
    assertThat(c.init().exited()).isFalse();
    host.manager.remove("c-exec", 0);
    assertThat(c.init().exit().get(60, TimeUnit.SECONDS).signal()).isEqualTo(9);
  }

  @Test
  void terminalProcessSeesWindowSize() throws Exception {
    run("c-tty", Specs.spec(false, "/bin/sleep", "1000"));
    ContainerProcess tty =
        host.manager.exec(
            "c-tty", "t1", oci.process(Specs.process(true, "/bin/sh", "-c", "read line; stty size; exit 0")));
    tty.io().resize(33, 101);
    tty.io().writeStdin("go\n".getBytes(StandardCharsets.UTF_8));
    assertThat(drain(tty.io().stdout())).contains("33 101");
    assertThat(host.manager.waitProcess("c-tty", "t1").get(60, TimeUnit.SECONDS)).isZero();
  }

  @Test
  void unreadOutputIsBoundedAndBackpressuresTheWriter() throws Exception {
    Container c = run("c-flood", Specs.spec(false, "/bin/dd", "if=/dev/zero", "bs=1048576", "count=200"));
    OutputBuffer out = c.init().io().stdout();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (out.buffered() < out.capacity() && System.nanoTime() < deadline) {
      Thread.sleep(20); // no event for "buffer full": poll with a deadline
    }
    assertThat(out.buffered()).isEqualTo(out.capacity());
    assertThat(c.init().exited()).as("dd must be blocked by backpressure, not finished").isFalse();

    long total = 0;
    while (true) {
      byte[] chunk = out.read(32768).get(60, TimeUnit.SECONDS);
      if (chunk.length == 0) {
        break;
      }
      assertThat(out.buffered()).isLessThanOrEqualTo(out.capacity());
      total += chunk.length;
    }
    assertThat(total).isEqualTo(200L * 1024 * 1024);
    assertThat(host.manager.waitProcess("c-flood", "").get(60, TimeUnit.SECONDS)).isZero();
  }

  @Test
  void pauseAndResumeFollowTheStateMachine() throws Exception {
    Container c = run("c-pause", Specs.spec(false, "/bin/sleep", "1000"));
    assertThatThrownBy(() -> host.manager.resume("c-pause")).isInstanceOf(AgentException.FailedPrecondition.class)
        .hasMessageContaining("running");
    host.manager.pause("c-pause");
    assertThat(c.state()).isInstanceOf(ContainerState.Paused.class);
    assertThat(host.runc.state("c-pause").path("status").asText()).isEqualTo("paused");
    host.manager.resume("c-pause");
    assertThat(host.runc.state("c-pause").path("status").asText()).isEqualTo("running");
    assertThatThrownBy(() -> host.manager.start("c-pause")).isInstanceOf(AgentException.FailedPrecondition.class);
  }
}
