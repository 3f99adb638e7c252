package capsa.e2e.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import capsa.e2e.support.CapsaShimBinary;
import capsa.e2e.support.CommandResult;
import capsa.e2e.support.PrivateContainerd;
import capsa.e2e.support.ShimContainerd;
import capsa.proto.containerd.runtime.bootstrap.v1.BootstrapParams;
import capsa.proto.containerd.task.v2.CreateTaskRequest;
import capsa.proto.containerd.task.v2.DeleteRequest;
import capsa.proto.containerd.task.v2.KillRequest;
import capsa.proto.containerd.task.v2.StateRequest;
import capsa.proto.containerd.task.v2.WaitRequest;
import capsa.proto.containerd.types.Mount;
import capsa.proto.containerd.v1.types.Status;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import io.grpc.Status.Code;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Bad input gives containerd a clear error and leaves nothing behind (no QEMU, mount, socket, sandbox dir).
 *
 * <p>What {@code ctr} cannot send (a broken {@code config.json}, options of an unknown type, an unmountable rootfs,
 * a socket dir too long for {@code sun_path}) goes to our binary directly ({@link DirectShim}). What concerns a
 * running task (an unknown exec id, Kill of a process that has exited, Delete of a running init) runs against one
 * task started by {@code ctr run}, shared by the ordered methods below; the last one ends it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(900)
class ShimBadInputTest {

    private static final Duration CTR = Duration.ofMinutes(5);
    private static final int SIGKILL = 9;
    private static final String VALID_SPEC = """
            {"ociVersion":"1.0.2","process":{"args":["true"],"cwd":"/","user":{"uid":0,"gid":0}},
             "root":{"path":"rootfs"},"linux":{}}
            """;
    private static final String RUNNING = "badrun";

    private ShimContainerd fixture;
    private PrivateContainerd containerd;
    private final List<String> directIds = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        GuestImageFixture guest = GuestImageFixture.require();
        fixture = ShimContainerd.start(Map.of("CAPSA_GUEST_MANIFEST", guest.manifest().toString()));
        containerd = fixture.containerd();
        CommandResult run = containerd.ctr(CTR, "run", "-d", "--runtime", CapsaShimBinary.RUNTIME, fixture.image(),
                RUNNING, "sleep", "3600");
        assertThat(run.exitCode()).as(run.describe()).isZero();
    }

    @AfterAll
    void stop() throws Exception {
        try {
            containerd.ctr(CTR, "task", "rm", "-f", RUNNING);
            containerd.ctr(CTR, "containers", "rm", RUNNING);
            VmLeftovers.awaitNoneFor(containerd, RUNNING);
        } finally {
            fixture.close();
        }
    }

    private DirectShim direct(String id, String configJson) {
        directIds.add(id);
        return DirectShim.bundle(containerd, fixture.shim(),
                Map.of("CAPSA_GUEST_MANIFEST", fixture.env().get("CAPSA_GUEST_MANIFEST")),
                id, configJson);
    }

    private static CreateTaskRequest.Builder create(DirectShim s) {
        return CreateTaskRequest.newBuilder().setId(s.id()).setBundle(s.bundle().toString());
    }

    private static StatusRuntimeException failure(Runnable call) {
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, call::run);
        assertThat(e).as("the call must fail").isNotNull();
        return e;
    }

    // ------------------------------------------------------------------------------------ no task, no VM needed

    @Test
    @Order(1)
    void aBrokenConfigJsonAndUnknownOptionsAreInvalidArgumentAndNoVmBoots() throws Exception {
        try (DirectShim s = direct("bad-spec", VALID_SPEC)) {
            CommandResult started = s.start(new byte[0]);
            assertThat(started.exitCode()).as(started.describe()).isZero();
            try (ShimTaskClient client = s.connect()) {
                Files.writeString(s.bundle().resolve("config.json"), "{\"ociVersion\":\"1.0.2\",\"process\":{");
                StatusRuntimeException truncated = failure(() -> client.task().create(create(s).build()));
                assertThat(truncated.getStatus().getCode()).as(truncated.toString()).isEqualTo(Code.INVALID_ARGUMENT);
                assertThat(truncated.getStatus().getDescription()).contains("config.json");

                Files.writeString(s.bundle().resolve("config.json"),
                        "{\"ociVersion\":\"1.0.2\",\"process\":{\"args\":\"true\",\"cwd\":\"/\"}}");
                StatusRuntimeException wrongType = failure(() -> client.task().create(create(s).build()));
                assertThat(wrongType.getStatus().getCode()).as(wrongType.toString()).isEqualTo(Code.INVALID_ARGUMENT);
                assertThat(wrongType.getStatus().getDescription()).contains("no process.args");

                Files.writeString(s.bundle().resolve("config.json"), VALID_SPEC);
                StatusRuntimeException options = failure(() -> client.task().create(create(s)
                        .setOptions(Any.newBuilder().setTypeUrl("example.com/acme.v1.Options")
                                .setValue(ByteString.copyFromUtf8("x"))).build()));
                assertThat(options.getStatus().getCode()).as(options.toString()).isEqualTo(Code.INVALID_ARGUMENT);
                assertThat(options.getStatus().getDescription())
                        .contains("unknown runtime options type example.com/acme.v1.Options");
            }
            assertThat(VmLeftovers.RUN_ROOT.resolve(s.id())).as("no sandbox for a Create rejected up front")
                    .doesNotExist();
            assertCleanedUp(s);
        }
    }

    @Test
    @Order(2)
    void aRootfsMountThatFailsFailsCreateAndTheVmGoesWithTheShim() throws Exception {
        try (DirectShim s = direct("bad-mount", VALID_SPEC)) {
            assertThat(s.start(new byte[0]).exitCode()).isZero();
            try (ShimTaskClient client = s.connect()) {
                StatusRuntimeException e = failure(() -> client.task().create(create(s)
                        .addRootfs(Mount.newBuilder().setType("capsa-no-such-fs").setSource("nowhere")
                                .addOptions("ro")).build()));
                System.out.println("BAD-MOUNT " + e.getStatus());
                assertThat(e.getStatus().getCode()).as(e.toString()).isNotEqualTo(Code.OK);
                assertThat(e.getStatus().getDescription()).as(e.toString()).contains("rootfs");
            }
            assertThat(VmLeftovers.mountsContaining(s.bundle().toString())).isEmpty();
            assertCleanedUp(s);
        }
    }

    @Test
    @Order(3)
    void startWithAMalformedConfigJsonFailsWithOneLineAndSpawnsNothing() throws Exception {
        try (DirectShim s = direct("bad-start", "{\"annotations\":")) {
            CommandResult started = s.start(new byte[0]);
            assertThat(started.exitCode()).as(started.describe()).isNotZero();
            assertThat(started.stdout()).isEmpty();
            assertThat(started.stderr()).as(started.describe()).contains("config.json");
            assertThat(s.daemonAlive()).isFalse();
            assertThat(s.socket()).doesNotExist();
            assertThat(s.bundle().resolve("address")).doesNotExist();
        }
    }

    @Test
    @Order(4)
    void aSocketPathOverTheSunPathLimitFailsStartAndCreatesNothing() throws Exception {
        Path socketDir = Path.of("/tmp/capsa-" + "s".repeat(60));
        try (DirectShim s = direct("bad-socket", VALID_SPEC)) {
            byte[] params = BootstrapParams.newBuilder().setInstanceId(s.id()).setNamespace("default")
                    .setSocketDir(socketDir.toString()).build().toByteArray();
            CommandResult started = s.start(params);
            assertThat(started.exitCode()).as(started.describe()).isNotZero();
            assertThat(started.stdout()).isEmpty();
            assertThat(started.stderr()).as(started.describe()).contains("106-byte limit");
            assertThat(socketDir).as("no socket dir made for an impossible socket").doesNotExist();
            assertThat(s.daemonAlive()).isFalse();
            assertThat(s.bundle().resolve("address")).doesNotExist();
        }
    }

    /** containerd's clean-up after a failed Create, then: no daemon, socket, sandbox dir, VM or mount. */
    private void assertCleanedUp(DirectShim s) throws Exception {
        CommandResult delete = s.shutdownAndDelete();
        assertThat(delete.exitCode()).as(delete.describe()).isZero();
        VmLeftovers.awaitTrue("shim daemon of " + s.id() + " exited; its log:\n" + s.log(), () -> !s.daemonAlive());
        VmLeftovers.awaitTrue("socket of " + s.id() + " removed", () -> !Files.exists(s.socket()));
        assertThat(capsa.shim.manager.GroupLock.lockFileFor(s.socket())).as("lock file of " + s.id()).doesNotExist();
        VmLeftovers.awaitTrue("no QEMU of " + s.id(), () -> VmLeftovers.processesNaming(
                VmLeftovers.RUN_ROOT.resolve(s.id()) + "/").isEmpty());
        VmLeftovers.awaitTrue("sandbox dir of " + s.id() + " removed",
                () -> !Files.exists(VmLeftovers.RUN_ROOT.resolve(s.id())));
        assertThat(VmLeftovers.mountsContaining(s.id())).isEmpty();
    }

    // ----------------------------------------------------------------------- one running task, started by ctr

    @Test
    @Order(10)
    void anUnknownExecIdIsNotFound() throws Exception {
        CommandResult kill = containerd.ctr(CTR, "task", "kill", "--exec-id", "nope", "-s", "SIGKILL", RUNNING);
        assertThat(kill.exitCode()).as(kill.describe()).isNotZero();
        assertThat(kill.stderr()).as(kill.describe()).contains("not found");
        try (ShimTaskClient client = ShimTaskClient.forBundle(VmLeftovers.bundle(containerd, RUNNING))) {
            StatusRuntimeException state = failure(() -> client.task().state(StateRequest.newBuilder()
                    .setId(RUNNING).setExecId("nope").build()));
            assertThat(state.getStatus().getCode()).as(state.toString()).isEqualTo(Code.NOT_FOUND);
            StatusRuntimeException killed = failure(() -> client.task().kill(KillRequest.newBuilder()
                    .setId(RUNNING).setExecId("nope").setSignal(SIGKILL).build()));
            assertThat(killed.getStatus().getCode()).as(killed.toString()).isEqualTo(Code.NOT_FOUND);
        }
    }

    @Test
    @Order(11)
    void killOfAnExecThatExitedIsNotFound() throws Exception {
        CommandResult exec = containerd.ctr(CTR, "task", "exec", "-d", "--exec-id", "done1", RUNNING, "true");
        assertThat(exec.exitCode()).as(exec.describe()).isZero();
        try (ShimTaskClient client = ShimTaskClient.forBundle(VmLeftovers.bundle(containerd, RUNNING))) {
            assertThat(client.task().wait(WaitRequest.newBuilder().setId(RUNNING).setExecId("done1").build())
                    .getExitStatus()).isZero();
            StatusRuntimeException e = failure(() -> client.task().kill(KillRequest.newBuilder().setId(RUNNING)
                    .setExecId("done1").setSignal(SIGKILL).build()));
            assertThat(e.getStatus().getCode()).as(e.toString()).isEqualTo(Code.NOT_FOUND);
            CommandResult kill = containerd.ctr(CTR, "task", "kill", "--exec-id", "done1", "-s", "SIGKILL", RUNNING);
            assertThat(kill.exitCode()).as(kill.describe()).isNotZero();
            assertThat(kill.stderr()).as(kill.describe()).contains("not found");
            client.task().delete(DeleteRequest.newBuilder().setId(RUNNING).setExecId("done1").build());
        }
    }

    @Test
    @Order(12)
    void deleteOfARunningInitIsAnErrorAndKillAfterItsExitIsNotFound() throws Exception {
        try (ShimTaskClient client = ShimTaskClient.forBundle(VmLeftovers.bundle(containerd, RUNNING))) {
            StatusRuntimeException e = failure(() -> client.task().delete(DeleteRequest.newBuilder()
                    .setId(RUNNING).build()));
            System.out.println("DELETE-RUNNING " + e.getStatus());
            assertThat(e.getStatus().getCode()).as(e.toString()).isIn(Code.FAILED_PRECONDITION, Code.UNKNOWN);
            assertThat(client.task().state(StateRequest.newBuilder().setId(RUNNING).build()).getStatus())
                    .as("still running after the refused Delete").isEqualTo(Status.RUNNING);

            client.task().kill(KillRequest.newBuilder().setId(RUNNING).setSignal(SIGKILL).build());
            assertThat(client.task().wait(WaitRequest.newBuilder().setId(RUNNING).build()).getExitStatus())
                    .isEqualTo(128 + SIGKILL);
            StatusRuntimeException again = failure(() -> client.task().kill(KillRequest.newBuilder()
                    .setId(RUNNING).setSignal(SIGKILL).build()));
            assertThat(again.getStatus().getCode()).as(again.toString()).isEqualTo(Code.NOT_FOUND);
        }
        CommandResult rm = containerd.ctr(CTR, "task", "rm", RUNNING);
        assertThat(rm.exitCode()).as(rm.describe()).isZero();
        containerd.ctr(CTR, "containers", "rm", RUNNING);
        VmLeftovers.awaitNoneFor(containerd, RUNNING);
    }
}
