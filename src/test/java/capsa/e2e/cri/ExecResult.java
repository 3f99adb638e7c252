package capsa.e2e.cri;

/** What an ExecSync returned: the command's exit code and its captured stdout and stderr (UTF-8). */
public record ExecResult(int exitCode, String stdout, String stderr) {}
