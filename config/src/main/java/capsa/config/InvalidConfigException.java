package capsa.config;

import java.util.List;

/**
 * A configuration file that does not parse or does not validate. The message names the file and, per problem, the
 * key ({@code [hypervisor.qemu] default_vcpus: expected an integer in [1, 255], got a string ("two")}).
 */
public final class InvalidConfigException extends ConfigException {

    private final String file;
    private final List<String> problems;

    public InvalidConfigException(String file, List<String> problems, Throwable cause) {
        super(file + ": invalid configuration: " + String.join("; ", problems), cause);
        this.file = file;
        this.problems = List.copyOf(problems);
    }

    /** The file (or other source) that was read. */
    public String file() {
        return file;
    }

    /** One entry per problem, each naming its key. */
    public List<String> problems() {
        return problems;
    }
}
