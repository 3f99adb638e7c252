package capsa.admin;

import capsa.config.ConfigException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code capsa ps}: the sandboxes on this node, from the shim's run root. */
@Command(name = "ps", description = "List the sandboxes (VMs) on this node")
final class PsCommand implements Callable<Integer> {

    private final CliContext ctx;

    @Mixin
    ConfigOption config = new ConfigOption();

    PsCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        Path runRoot;
        try {
            runRoot = ctx.loadConfig(config.file()).runtime().runRoot();
        } catch (ConfigException e) {
            ctx.err().println("capsa ps: " + e.getMessage());
            ctx.err().flush();
            return 2;
        }
        List<SandboxDirs.Entry> entries;
        try {
            entries = new SandboxDirs(runRoot).list();
        } catch (IOException e) {
            ctx.err().println("capsa ps: cannot list " + runRoot + ": " + e.getMessage());
            ctx.err().flush();
            return 1;
        }
        Table t = new Table("SANDBOX", "VM PID", "STATE", "VCPUS", "MEMORY", "UPTIME", "CONTAINERS");
        for (SandboxDirs.Entry e : entries) {
            String containers = e.containers().isEmpty() ? "-" : String.join(",", e.containers());
            if (e.state().isEmpty()) {
                t.add(e.id(), "-", "booting", "-", "-", "-", containers);
                continue;
            }
            var s = e.state().get();
            boolean alive = ProcessHandle.of(s.vmPid()).map(ProcessHandle::isAlive).orElse(false);
            t.add(e.id(), Long.toString(s.vmPid()), alive ? "running" : "vm gone", Integer.toString(s.vcpus()),
                    s.memoryMib() + "MiB", uptime(Duration.between(s.startedAt(), ctx.clock().instant())),
                    containers);
        }
        if (t.size() == 0) {
            ctx.out().println("no sandboxes in " + runRoot);
        } else {
            ctx.out().print(t.render());
        }
        ctx.out().flush();
        return 0;
    }

    static String uptime(Duration d) {
        long s = Math.max(0, d.getSeconds());
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return (s / 60) + "m" + (s % 60) + "s";
        }
        return (s / 3600) + "h" + (s % 3600 / 60) + "m";
    }
}
