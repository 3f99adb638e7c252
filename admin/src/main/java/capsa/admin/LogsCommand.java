package capsa.admin;

import capsa.config.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code capsa logs <sandbox>}: the guest's serial console log (kernel messages, the agent's start). */
@Command(name = "logs", description = "Print the guest console log of a sandbox")
final class LogsCommand implements Callable<Integer> {

    private final CliContext ctx;

    @Mixin
    ConfigOption config = new ConfigOption();

    @Parameters(paramLabel = "SANDBOX", description = "sandbox id (see capsa ps)")
    String sandbox;

    @Option(names = {"-n", "--tail"}, paramLabel = "LINES", description = "only the last LINES lines")
    Integer tail;

    LogsCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        try {
            SandboxDirs dirs = new SandboxDirs(ctx.loadConfig(config.file()).runtime().runRoot());
            Optional<Path> dir = dirs.dir(sandbox);
            if (dir.isEmpty()) {
                return error("no sandbox " + sandbox + " in " + dirs.runRoot());
            }
            Path log = dir.get().resolve("console.log");
            if (!Files.exists(log)) {
                return error("sandbox " + sandbox + " has no console log yet (" + log + ")");
            }
            // The console may carry any bytes; ISO-8859-1 passes every one through.
            List<String> lines = Files.readString(log, StandardCharsets.ISO_8859_1).lines().toList();
            int from = tail == null ? 0 : Math.max(0, lines.size() - tail);
            lines.subList(from, lines.size()).forEach(ctx.out()::println);
            ctx.out().flush();
            return 0;
        } catch (ConfigException | IOException e) {
            return error(e.getMessage());
        }
    }

    private int error(String message) {
        ctx.err().println("capsa logs: " + message);
        ctx.err().flush();
        return 1;
    }
}
