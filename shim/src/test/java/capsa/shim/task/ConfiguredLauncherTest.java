package capsa.shim.task;

import static org.assertj.core.api.Assertions.assertThat;

import capsa.config.ConfigParser;
import capsa.config.EffectiveConfig;
import capsa.config.InvalidConfigException;
import capsa.config.Source;
import capsa.proto.containerd.task.v2.CreateTaskRequest;
import capsa.proto.containerd.types.Mount;
import capsa.shim.daemon.ShutdownService;
import capsa.shim.spec.OciSpecReader;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.Status.Code;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Create of a pod sandbox goes through the configuration: annotations allowed, refused, or a broken file. */
class ConfiguredLauncherTest {

    private static final String SPEC = """
            {"ociVersion":"1.0.2","process":{"args":["sh"],"cwd":"/","user":{"uid":0,"gid":0}},
             "root":{"path":"rootfs"},"hostname":"c1","annotations":%s,
             "linux":{"namespaces":[{"type":"pid"},{"type":"network"},{"type":"mount"}]}}
            """;
    private static final Path FILE = Path.of("/etc/capsa/configuration.toml");

    @TempDir
    Path tmp;

    private final FakeSandboxLauncher fake = new FakeSandboxLauncher();
    private final List<EffectiveConfig> configs = new CopyOnWriteArrayList<>();
    private final ExecutorService blocking = Executors.newCachedThreadPool();

    @AfterEach
    void tearDown() throws Exception {
        blocking.shutdownNow();
        blocking.awaitTermination(5, TimeUnit.SECONDS);
    }

    private TaskService service(Supplier<EffectiveConfig> node) {
        ConfiguredLauncher launcher = new ConfiguredLauncher(node, c -> {
            configs.add(c);
            return fake;
        });
        SandboxHost host = new SandboxHost("sb1", tmp.resolve("run/sb1/shared"), new RecordingMounter(), launcher,
                new RecordingEventPublisher(), blocking, Clock.systemUTC());
        return new TaskService(host, new TaskRequests(new OciSpecReader(new ObjectMapper())), new ShutdownService());
    }

    private CreateTaskRequest create(String annotationsJson) throws Exception {
        Path b = Files.createDirectories(tmp.resolve("bundles/c1"));
        Files.writeString(b.resolve("config.json"), SPEC.formatted(annotationsJson));
        return CreateTaskRequest.newBuilder().setId("c1").setBundle(b.toString())
                .addRootfs(Mount.newBuilder().setType("overlay").setSource("overlay").addOptions("lowerdir=/x"))
                .build();
    }

    private static EffectiveConfig node(String toml) {
        return new ConfigParser().parse(toml, new Source.File(FILE));
    }

    @Test
    void anAllowedAnnotationShapesTheVm() throws Exception {
        TaskService service = service(() -> node("[hypervisor.qemu]\nenable_annotations = [\"default_vcpus\"]\n"));
        Rpc.ok(service::create, create("{\"io.capsa.config.hypervisor.default_vcpus\":\"2\","
                + "\"io.kubernetes.cri.sandbox-memory\":\"134217728\"}"));
        assertThat(fake.launches).hasValue(1);
        assertThat(configs).singleElement().satisfies(c -> {
            assertThat(c.hypervisor().vcpus()).isEqualTo(2);
            assertThat(c.hypervisor().memoryMib()).isEqualTo(512 + 128);
        });
    }

    @Test
    void aRefusedAnnotationFailsCreateNamingItAndStartsNothing() throws Exception {
        TaskService service = service(() -> node(""));
        CreateTaskRequest req = create("{\"io.katacontainers.config.hypervisor.default_memory\":\"8192\"}");
        assertThat(Rpc.code(service::create, req)).isEqualTo(Code.INVALID_ARGUMENT);
        assertThat(Rpc.message(service::create, req))
                .contains("annotation io.katacontainers.config.hypervisor.default_memory refused");
        assertThat(fake.launches).hasValue(0);
        assertThat(tmp.resolve("run/sb1")).doesNotExist();
    }

    @Test
    void aBrokenConfigurationFileFailsCreateNamingFileAndKey() throws Exception {
        TaskService service = service(() -> {
            throw new InvalidConfigException(FILE.toString(), List.of("[agent] dial_timeout: expected an integer"),
                    null);
        });
        CreateTaskRequest req = create("{}");
        assertThat(Rpc.code(service::create, req)).isEqualTo(Code.INVALID_ARGUMENT);
        assertThat(Rpc.message(service::create, req)).contains(FILE.toString()).contains("[agent] dial_timeout");
        assertThat(fake.launches).hasValue(0);
    }
}
