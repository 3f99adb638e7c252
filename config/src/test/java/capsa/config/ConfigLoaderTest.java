package capsa.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import capsa.proto.runtimeoptions.v1.Options;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @TempDir
    Path dir;
    private Path system;
    private Path fromEnv;
    private Path fromOption;
    private ConfigLoader loader;

    @BeforeEach
    void files() throws IOException {
        system = write("system.toml", 2);
        fromEnv = write("env.toml", 3);
        fromOption = write("option.toml", 4);
        loader = new ConfigLoader(new ConfigParser(), system);
    }

    private Path write(String name, int vcpus) throws IOException {
        return Files.writeString(dir.resolve(name), "[hypervisor.qemu]\ndefault_vcpus = " + vcpus + "\n");
    }

    private static RuntimeOptions option(String path, String body) {
        Any any = Any.newBuilder().setTypeUrl(RuntimeOptions.TYPE_URL).setValue(Options.newBuilder()
                .setConfigPath(path).setConfigBody(ByteString.copyFromUtf8(body)).build().toByteString()).build();
        return RuntimeOptions.from(Optional.of(any));
    }

    @Test
    void configPathOptionComesFirst() {
        EffectiveConfig c = loader.load(option(fromOption.toString(), ""), Map.of("CAPSA_CONFIG", fromEnv.toString()));
        assertThat(c.hypervisor().vcpus()).isEqualTo(4);
        assertThat(c.origin()).isEqualTo(new Source.File(fromOption));
    }

    @Test
    void configBodyIsReadWhenConfigPathIsEmpty() {
        EffectiveConfig c = loader.load(option("", "[hypervisor.qemu]\ndefault_vcpus = 5\n"),
                Map.of("CAPSA_CONFIG", fromEnv.toString()));
        assertThat(c.hypervisor().vcpus()).isEqualTo(5);
        assertThat(c.origin()).isEqualTo(new Source.Body());
    }

    @Test
    void thenTheEnvironmentVariable() {
        EffectiveConfig c = loader.load(RuntimeOptions.none(), Map.of("CAPSA_CONFIG", fromEnv.toString()));
        assertThat(c.hypervisor().vcpus()).isEqualTo(3);
    }

    @Test
    void thenTheNodeFile() {
        assertThat(loader.load(RuntimeOptions.none(), Map.of()).hypervisor().vcpus()).isEqualTo(2);
    }

    @Test
    void thenTheDefaults() {
        ConfigLoader none = new ConfigLoader(new ConfigParser(), dir.resolve("absent.toml"));
        EffectiveConfig c = none.load(RuntimeOptions.none(), Map.of());
        assertThat(c.origin()).isEqualTo(new Source.Default());
        assertThat(c.hypervisor().vcpus()).isEqualTo(1);
    }

    @Test
    void aFileNamedExplicitlyMustExist() {
        Path absent = dir.resolve("nope.toml");
        assertThatThrownBy(() -> loader.load(RuntimeOptions.none(), Map.of("CAPSA_CONFIG", absent.toString())))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageStartingWith(absent + ": invalid configuration: cannot read the file named by CAPSA_CONFIG");
        assertThatThrownBy(() -> loader.load(option(absent.toString(), ""), Map.of()))
                .hasMessageContaining("named by the runtime option ConfigPath");
    }

    @Test
    void otherRuntimesOptionsCarryNoConfiguration() {
        Any runc = Any.newBuilder().setTypeUrl("containerd.runc.v1.Options").build();
        assertThat(RuntimeOptions.from(Optional.of(runc))).isEqualTo(RuntimeOptions.none());
        Any prefixed = Any.newBuilder().setTypeUrl("type.googleapis.com/runtimeoptions.v1.Options")
                .setValue(Options.newBuilder().setConfigPath("/x.toml").build().toByteString()).build();
        assertThat(RuntimeOptions.from(Optional.of(prefixed)).configPath()).contains("/x.toml");
    }

    @Test
    void environmentVariablesOfTestsAndScriptsOverrideSingleKeys() {
        EffectiveConfig c = loader.load(RuntimeOptions.none(), Map.of(
                "CAPSA_GUEST_MANIFEST", "/build/guest-agent/manifest.properties",
                "CAPSA_RUN_ROOT", "/tmp/capsa-run"));
        assertThat(c.hypervisor().guestManifest()).contains(Path.of("/build/guest-agent/manifest.properties"));
        assertThat(c.runtime().runRoot()).isEqualTo(Path.of("/tmp/capsa-run"));
        assertThat(c.get(Section.RUNTIME, "run_root").source()).isEqualTo(new Source.Env("CAPSA_RUN_ROOT"));
        assertThatThrownBy(() -> loader.load(RuntimeOptions.none(), Map.of("CAPSA_RUN_ROOT", "relative")))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("env CAPSA_RUN_ROOT");
    }

    @Test
    void anInvalidNodeFileFailsNamingIt() throws IOException {
        Files.writeString(system, "[runtime]\nrun_root = 3\n");
        assertThatThrownBy(() -> loader.load(RuntimeOptions.none(), Map.of()))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessage(system + ": invalid configuration: [runtime] run_root: expected a path, got an integer "
                        + "(3)");
    }
}
