package capsa.shim.manager;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Parses containerd's Go {@code flag}-style command lines leniently: {@code -name value}, {@code --name value},
 * {@code -name=value}, boolean flags as {@code -debug} or {@code -debug=true}, flags and the action word in any
 * order, and unknown flags skipped (with their value when they look like they have one).
 *
 * <p>A hand-written parser rather than picocli: Go treats {@code -namespace} and {@code --namespace} alike and
 * unknown flags must pass silently, and this keeps picocli's reflective set-up out of a start-up path that
 * containerd waits on.
 */
public final class ShimFlagsParser {

    private static final Set<String> VALUE_FLAGS = Set.of(
            "namespace", "address", "publish-binary", "id", "bundle", "socket", "debug-socket", "ttrpc-address",
            "runtime-options");
    private static final Set<String> BOOLEAN_FLAGS = Set.of("debug", "v", "version", "info");

    private ShimFlagsParser() {}

    /** @throws ShimCommandException if no action is given, or a flag that needs a value has none */
    public static ShimFlags parse(List<String> args) {
        Builder b = new Builder();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--")) {
                for (int j = i + 1; j < args.size(); j++) {
                    b.word(args.get(j));
                }
                break;
            }
            if (!arg.startsWith("-") || arg.equals("-")) {
                b.word(arg);
                continue;
            }
            String body = arg.startsWith("--") ? arg.substring(2) : arg.substring(1);
            int eq = body.indexOf('=');
            String name = eq < 0 ? body : body.substring(0, eq);
            Optional<String> inline = eq < 0 ? Optional.empty() : Optional.of(body.substring(eq + 1));
            if (BOOLEAN_FLAGS.contains(name)) {
                b.bool(name, inline.map(ShimFlagsParser::parseBool).orElse(true));
            } else if (VALUE_FLAGS.contains(name)) {
                if (inline.isPresent()) {
                    b.value(name, inline.get());
                } else if (i + 1 < args.size()) {
                    b.value(name, args.get(++i));
                } else {
                    throw new ShimCommandException("flag needs an argument: -" + name);
                }
            } else if (inline.isEmpty() && i + 1 < args.size() && takesValue(args.get(i + 1))) {
                i++; // an unknown flag from a newer containerd: skip it and what is probably its value
            }
        }
        return b.build();
    }

    private static boolean takesValue(String next) {
        return !next.startsWith("-") && actionOf(next).isEmpty();
    }

    private static boolean parseBool(String text) {
        // Go's strconv.ParseBool spellings.
        switch (text) {
            case "1", "t", "T", "true", "TRUE", "True":
                return true;
            case "0", "f", "F", "false", "FALSE", "False":
                return false;
            default:
                throw new ShimCommandException("invalid boolean value \"" + text + "\"");
        }
    }

    private static Optional<ShimAction> actionOf(String word) {
        switch (word) {
            case "start":
                return Optional.of(ShimAction.START);
            case "delete":
                return Optional.of(ShimAction.DELETE);
            case "serve":
                return Optional.of(ShimAction.SERVE);
            default:
                return Optional.empty();
        }
    }

    private static final class Builder {
        private ShimAction action;
        private String namespace = "";
        private String id = "";
        private String address = "";
        private String publishBinary = "";
        private Path bundle;
        private boolean debug;
        private Path socket;
        private String ttrpcAddress;
        private String runtimeOptions = "";
        private boolean version;
        private boolean info;

        void word(String word) {
            Optional<ShimAction> a = actionOf(word);
            if (a.isEmpty()) {
                throw new ShimCommandException("unknown action \"" + word + "\" (want start, delete)");
            }
            if (action == null) {
                action = a.get();
            }
        }

        void bool(String name, boolean value) {
            switch (name) {
                case "debug" -> debug = value;
                case "v", "version" -> version = value;
                case "info" -> info = value;
                default -> throw new AssertionError(name);
            }
        }

        void value(String name, String value) {
            switch (name) {
                case "namespace" -> namespace = value;
                case "address" -> address = value;
                case "publish-binary" -> publishBinary = value;
                case "id" -> id = value;
                case "bundle" -> bundle = Path.of(value);
                case "socket" -> socket = Path.of(value);
                case "ttrpc-address" -> ttrpcAddress = value;
                case "runtime-options" -> runtimeOptions = value;
                case "debug-socket" -> { } // the runc shim's pprof socket; we have none
                default -> throw new AssertionError(name);
            }
        }

        ShimFlags build() {
            // -v and -info win over an action word, as the Go shims check them first.
            ShimAction chosen = version ? ShimAction.VERSION : info ? ShimAction.INFO : action;
            if (chosen == null) {
                throw new ShimCommandException("missing action: want start or delete (or -v, -info)");
            }
            return new ShimFlags(chosen, namespace, id, address.isEmpty() ? ShimFlags.DEFAULT_ADDRESS : address,
                    publishBinary, Optional.ofNullable(bundle), debug, Optional.ofNullable(socket),
                    Optional.ofNullable(ttrpcAddress), runtimeOptions);
        }
    }
}
