package capsa.e2e.support;

import java.util.HashMap;
import java.util.Map;

/**
 * The fixture of the ctr-level shim tests: our shim installed where a private containerd 1.6 finds it, that containerd
 * started with the shim's environment plus the test's own settings, and the busybox image imported into
 * {@code default}. {@link #close()} stops containerd first (its shims get their Shutdown), then removes the shim.
 */
public final class ShimContainerd implements AutoCloseable {

    private final CapsaShimBinary shim;
    private final PrivateContainerd containerd;
    private final String image;
    private final Map<String, String> env;

    private ShimContainerd(CapsaShimBinary shim, PrivateContainerd containerd, String image,
            Map<String, String> env) {
        this.shim = shim;
        this.containerd = containerd;
        this.image = image;
        this.env = Map.copyOf(env);
    }

    /**
     * @param shimEnv settings for every shim daemon containerd starts (e.g. {@code CAPSA_GUEST_MANIFEST}); they win
     *     over the shim's defaults
     */
    public static ShimContainerd start(Map<String, String> shimEnv) {
        CapsaShimBinary shim = CapsaShimBinary.install();
        PrivateContainerd containerd = null;
        try {
            Map<String, String> env = new HashMap<>(shim.containerdEnv());
            env.putAll(shimEnv);
            containerd = PrivateContainerd.start(ContainerdConfig.plain().withEnv(env));
            String image = BusyboxImage.buildAndImport(containerd, "default");
            return new ShimContainerd(shim, containerd, image, env);
        } catch (RuntimeException | Error e) {
            try {
                if (containerd != null) {
                    containerd.close();
                }
            } finally {
                shim.close();
            }
            throw e;
        }
    }

    public CapsaShimBinary shim() {
        return shim;
    }

    public PrivateContainerd containerd() {
        return containerd;
    }

    /** The imported busybox image reference. */
    public String image() {
        return image;
    }

    /** The environment containerd passes to the shims (the shim's own plus the test's settings). */
    public Map<String, String> env() {
        return env;
    }

    @Override
    public void close() {
        try {
            containerd.close();
        } finally {
            shim.close();
        }
    }
}
