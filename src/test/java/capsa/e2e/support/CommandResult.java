package capsa.e2e.support;

import java.util.List;

/** What a finished command did: its exit code and everything it printed. */
public record CommandResult(List<String> command, int exitCode, String stdout, String stderr) {

    public boolean succeeded() {
        return exitCode == 0;
    }

    /** Throws unless the command exited 0; the message carries the output so a failing test explains itself. */
    public CommandResult requireSuccess() {
        if (!succeeded()) {
            throw new IllegalStateException(describe());
        }
        return this;
    }

    public String describe() {
        return String.join(" ", command) + " exited " + exitCode
                + "\n--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr;
    }
}
