package capsa.shim.manager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroupResolverTest {

    @TempDir
    Path dir;

    private String groupOf(String json, String id) throws IOException {
        Path config = dir.resolve("config.json");
        Files.writeString(config, json);
        return GroupResolver.groupId(config, id);
    }

    @Test
    void criContainerJoinsItsSandbox() throws IOException {
        String json = """
                {"ociVersion":"1.0.2","process":{"args":["sh"],"env":["A=B"]},
                 "annotations":{"io.kubernetes.cri.container-type":"container",
                                "io.kubernetes.cri.sandbox-id":"sandbox-123",
                                "io.kubernetes.cri.container-name":"app"},
                 "linux":{"namespaces":[{"type":"pid"}]}}""";
        assertThat(groupOf(json, "container-9")).isEqualTo("sandbox-123");
    }

    @Test
    void criSandboxGetsItsOwnShim() throws IOException {
        String json = """
                {"annotations":{"io.kubernetes.cri.container-type":"sandbox",
                                "io.kubernetes.cri.sandbox-id":"sandbox-123"}}""";
        assertThat(groupOf(json, "sandbox-123")).isEqualTo("sandbox-123");
        // Even if a sandbox carried some other sandbox id, a sandbox starts a new VM.
        assertThat(groupOf(json.replace("sandbox-123\"}", "other\"}"), "sandbox-123")).isEqualTo("sandbox-123");
    }

    @Test
    void crioContainerJoinsItsSandbox() throws IOException {
        String json = """
                {"annotations":{"io.kubernetes.cri-o.ContainerType":"container",
                                "io.kubernetes.cri-o.SandboxID":"crio-sb"}}""";
        assertThat(groupOf(json, "c1")).isEqualTo("crio-sb");
    }

    @Test
    void unannotatedTaskIsItsOwnGroup() throws IOException {
        assertThat(groupOf("{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"rootfs\"}}", "c1")).isEqualTo("c1");
        assertThat(groupOf("{\"annotations\":{}}", "c1")).isEqualTo("c1");
    }

    @Test
    void containerWithoutSandboxIdIsItsOwnGroup() throws IOException {
        assertThat(groupOf("{\"annotations\":{\"io.kubernetes.cri.container-type\":\"container\"}}", "c1"))
                .isEqualTo("c1");
    }

    @Test
    void nonStringAnnotationValuesAreIgnored() throws IOException {
        String json = "{\"annotations\":{\"weird\":{\"a\":[1,2]},\"io.kubernetes.cri.container-type\":\"container\","
                + "\"io.kubernetes.cri.sandbox-id\":\"sb\"}}";
        assertThat(groupOf(json, "c1")).isEqualTo("sb");
    }

    @Test
    void missingSpecMeansOwnGroup() {
        assertThat(GroupResolver.groupId(dir.resolve("absent.json"), "c1")).isEqualTo("c1");
    }

    @Test
    void invalidJsonIsAClearError() {
        assertThatThrownBy(() -> groupOf("{\"annotations\": {", "c1"))
                .isInstanceOf(ShimCommandException.class)
                .hasMessageContaining("config.json");
        assertThatThrownBy(() -> groupOf("[1]", "c1")).isInstanceOf(ShimCommandException.class);
    }
}
