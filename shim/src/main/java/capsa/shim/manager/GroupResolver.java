package capsa.shim.manager;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Decides which shim (and so which VM) a task joins, from the annotations in its bundle's {@code config.json}.
 *
 * <p>A CRI container ({@code io.kubernetes.cri.container-type = container}, or CRI-O's
 * {@code io.kubernetes.cri-o.ContainerType = container}) joins the shim of its sandbox
 * ({@code io.kubernetes.cri.sandbox-id} / {@code io.kubernetes.cri-o.SandboxID}). A sandbox, or a task without those
 * annotations ({@code ctr run}), gets a shim of its own: the group id is the task id. This is Kata's rule; runc's
 * shim differs only in also honouring its own group annotation, which means nothing to us.
 */
public final class GroupResolver {

    static final String CRI_CONTAINER_TYPE = "io.kubernetes.cri.container-type";
    static final String CRI_SANDBOX_ID = "io.kubernetes.cri.sandbox-id";
    static final String CRIO_CONTAINER_TYPE = "io.kubernetes.cri-o.ContainerType";
    static final String CRIO_SANDBOX_ID = "io.kubernetes.cri-o.SandboxID";
    static final String CONTAINER = "container";

    private static final JsonFactory JSON = new JsonFactory();

    private GroupResolver() {}

    /**
     * The group id for task {@code id} whose spec is {@code configJson}. A missing spec means "own group" (delete
     * may run after containerd removed it).
     *
     * @throws ShimCommandException if the spec exists but is not valid JSON
     */
    public static String groupId(Path configJson, String id) {
        Map<String, String> annotations;
        try {
            annotations = annotations(configJson);
        } catch (NoSuchFileException missing) {
            return id;
        } catch (IOException e) {
            throw new ShimCommandException("cannot read annotations from " + configJson, e);
        }
        return groupId(annotations, id);
    }

    static String groupId(Map<String, String> annotations, String id) {
        if (CONTAINER.equals(annotations.get(CRI_CONTAINER_TYPE))) {
            String sandbox = annotations.getOrDefault(CRI_SANDBOX_ID, "");
            if (!sandbox.isEmpty()) {
                return sandbox;
            }
        }
        if (CONTAINER.equals(annotations.get(CRIO_CONTAINER_TYPE))) {
            String sandbox = annotations.getOrDefault(CRIO_SANDBOX_ID, "");
            if (!sandbox.isEmpty()) {
                return sandbox;
            }
        }
        return id;
    }

    /** The top-level {@code annotations} object of an OCI spec; other members are skipped without building them. */
    static Map<String, String> annotations(Path configJson) throws IOException {
        Map<String, String> out = new HashMap<>();
        try (JsonParser p = JSON.createParser(Files.newInputStream(configJson))) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("config.json is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equals("annotations") && value == JsonToken.START_OBJECT) {
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String key = p.currentName();
                        if (p.nextToken() == JsonToken.VALUE_STRING) {
                            out.put(key, p.getText());
                        } else {
                            p.skipChildren();
                        }
                    }
                } else {
                    p.skipChildren();
                }
            }
        }
        return out;
    }
}
