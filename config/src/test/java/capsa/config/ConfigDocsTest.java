package capsa.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The checked-in reference and default file are what the catalogue generates (else: scripts/gen-config-docs.sh). */
class ConfigDocsTest {

    private static Path repo() {
        Path d = Path.of("").toAbsolutePath();
        while (d != null && !Files.isDirectory(d.resolve("config/src"))) {
            d = d.getParent();
        }
        assertThat(d).as("repository root").isNotNull();
        return d;
    }

    @org.junit.jupiter.api.BeforeAll
    static void regenerateWhenAsked() throws IOException {
        if (Boolean.getBoolean("capsa.config.regenerate")) {
            ConfigDocs.main(new String[] {repo().toString()});
        }
    }

    @Test
    void docsConfigurationMdIsUpToDate() throws IOException {
        assertThat(Files.readString(repo().resolve(ConfigDocs.DOC), StandardCharsets.UTF_8))
                .as("docs/configuration.md is stale: run scripts/gen-config-docs.sh")
                .isEqualTo(ConfigDocs.markdown());
    }

    @Test
    void theDefaultConfigurationTomlIsUpToDateAndParsesToTheDefaults() throws IOException {
        String text = Files.readString(repo().resolve(ConfigDocs.DEFAULT_TOML), StandardCharsets.UTF_8);
        assertThat(text).as("config/configuration.toml is stale: run scripts/gen-config-docs.sh")
                .isEqualTo(ConfigDocs.defaultToml());
        EffectiveConfig c = new ConfigParser().parse(text, new Source.File(Path.of("configuration.toml")));
        assertThat(c.warnings()).isEmpty();
        assertThat(c.values()).extracting(ConfigValue::value)
                .isEqualTo(EffectiveConfig.defaults().values().stream().map(ConfigValue::value).toList());
    }

    @Test
    void everyOverridableKeyIsDocumentedWithItsAnnotation() {
        String md = ConfigDocs.markdown();
        for (ConfigKey k : ConfigKeys.of(Section.HYPERVISOR_QEMU)) {
            assertThat(md).contains("| `" + k.name() + "` |");
            if (k.overridable()) {
                assertThat(md).contains(k.capsaAnnotation());
            }
        }
    }

    @Test
    void theRuntimeClassOverheadIsTheDefaultVmPlusTheVmmAndShim() throws IOException {
        String rc = Files.readString(repo().resolve("deploy/runtimeclass.yaml"), StandardCharsets.UTF_8);
        assertThat(rc).contains("cpu: \"" + ConfigKeys.DEFAULT_VCPUS + "\"")
                .contains("memory: \"" + (ConfigKeys.DEFAULT_MEMORY_MIB + 128) + "Mi\"")
                .contains("default_vcpus = " + ConfigKeys.DEFAULT_VCPUS)
                .contains("default_memory = " + ConfigKeys.DEFAULT_MEMORY_MIB);
    }
}
