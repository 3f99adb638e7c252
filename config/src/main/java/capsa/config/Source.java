package capsa.config;

import java.nio.file.Path;

/** Where an effective configuration value came from (what {@code capsa env} prints next to it). */
public sealed interface Source {

    String describe();

    /** The model's built-in default. */
    record Default() implements Source {
        @Override
        public String describe() {
            return "default";
        }
    }

    /** A configuration file. */
    record File(Path path) implements Source {
        @Override
        public String describe() {
            return path.toString();
        }
    }

    /** containerd's runtime options {@code config_body} (the handler's options table re-encoded as TOML). */
    record Body() implements Source {
        @Override
        public String describe() {
            return "containerd runtime options (config_body)";
        }
    }

    /** An environment variable of the shim. */
    record Env(String variable) implements Source {
        @Override
        public String describe() {
            return "env " + variable;
        }
    }

    /** A pod annotation. */
    record Annotation(String name) implements Source {
        @Override
        public String describe() {
            return "annotation " + name;
        }
    }
}
