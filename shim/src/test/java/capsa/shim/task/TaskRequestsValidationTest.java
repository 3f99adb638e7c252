package capsa.shim.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import capsa.proto.containerd.task.v2.CreateTaskRequest;
import capsa.shim.sandbox.TaskException;
import capsa.shim.spec.OciSpecReader;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Create is checked at the edge: runtime options of the types containerd sends for a VM runtime pass, anything else
 * is InvalidArgument; so is a spec without process args (it could never run, and a VM would boot for nothing).
 */
class TaskRequestsValidationTest {

    @TempDir
    Path bundle;

    private final TaskRequests requests = new TaskRequests(new OciSpecReader(new ObjectMapper()));

    @BeforeEach
    void spec() throws Exception {
        Files.writeString(bundle.resolve("config.json"),
                "{\"ociVersion\":\"1.0.2\",\"process\":{\"args\":[\"true\"],\"cwd\":\"/\"},\"root\":{\"path\":\"rootfs\"}}");
    }

    private CreateTaskRequest.Builder create() {
        return CreateTaskRequest.newBuilder().setId("c1").setBundle(bundle.toString());
    }

    @Test
    void noOptionsAndTheKnownTypesAreAccepted() {
        assertThat(requests.create(create().build()).id()).isEqualTo("c1");
        for (String url : new String[] {"runtimeoptions.v1.Options", "type.googleapis.com/runtimeoptions.v1.Options",
                "containerd.runc.v1.Options"}) {
            assertThat(requests.create(create().setOptions(Any.newBuilder().setTypeUrl(url)).build()).id())
                    .as(url).isEqualTo("c1");
        }
    }

    @Test
    void anUnknownOptionsTypeIsInvalidArgumentNamingIt() {
        CreateTaskRequest r = create().setOptions(Any.newBuilder().setTypeUrl("example.com/acme.v1.Options")
                .setValue(ByteString.copyFromUtf8("x"))).build();
        assertThatThrownBy(() -> requests.create(r)).isInstanceOf(TaskException.InvalidArgument.class)
                .hasMessageContaining("unknown runtime options type example.com/acme.v1.Options");
    }

    @Test
    void aSpecWithoutProcessArgsIsInvalidArgument() throws Exception {
        for (String spec : new String[] {"{\"ociVersion\":\"1.0.2\"}",
                "{\"ociVersion\":\"1.0.2\",\"process\":{\"args\":\"true\",\"cwd\":\"/\"}}",
                "{\"ociVersion\":\"1.0.2\",\"process\":{\"args\":[],\"cwd\":\"/\"}}"}) {
            Files.writeString(bundle.resolve("config.json"), spec);
            assertThatThrownBy(() -> requests.create(create().build())).as(spec)
                    .isInstanceOf(TaskException.InvalidArgument.class).hasMessageContaining("no process.args");
        }
    }
}
