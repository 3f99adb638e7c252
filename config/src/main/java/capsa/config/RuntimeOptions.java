package capsa.config;

import capsa.proto.runtimeoptions.v1.Options;
import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.Optional;

/**
 * What the containerd runtime handler's {@code options} table told us: {@code ConfigPath}, or (when that is empty)
 * the table itself re-encoded as TOML in {@code config_body}.
 *
 * @param configPath the {@code ConfigPath} option, or empty
 * @param configBody the {@code config_body} TOML, or empty
 */
public record RuntimeOptions(Optional<String> configPath, Optional<String> configBody) {

    /** The type URL containerd uses (bare, without {@code type.googleapis.com/}). */
    public static final String TYPE_URL = "runtimeoptions.v1.Options";

    public static RuntimeOptions none() {
        return new RuntimeOptions(Optional.empty(), Optional.empty());
    }

    /**
     * Decodes the runtime options {@code Any} the shim got on {@code start}; anything that is not a
     * {@code runtimeoptions.v1.Options} (e.g. runc's options) carries no configuration for us.
     *
     * @throws InvalidConfigException if it claims to be Options but does not decode
     */
    public static RuntimeOptions from(Optional<Any> any) {
        if (any.isEmpty() || !(any.get().getTypeUrl().equals(TYPE_URL)
                || any.get().getTypeUrl().endsWith("/" + TYPE_URL))) {
            return none();
        }
        try {
            Options o = Options.parseFrom(any.get().getValue());
            return new RuntimeOptions(
                    Optional.of(o.getConfigPath()).filter(s -> !s.isEmpty()),
                    Optional.of(o.getConfigBody().toStringUtf8()).filter(s -> !s.isBlank()));
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidConfigException("containerd runtime options",
                    java.util.List.of("not a runtimeoptions.v1.Options message: " + e.getMessage()), e);
        }
    }
}
