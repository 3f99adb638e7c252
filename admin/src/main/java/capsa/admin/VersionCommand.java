package capsa.admin;

import capsa.shim.manager.ShimVersion;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code capsa version}: this build, the shim's, the Java runtime, QEMU and containerd. */
@Command(name = "version", description = "Print versions")
final class VersionCommand implements Callable<Integer> {

    private final CliContext ctx;

    VersionCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    static Properties build() {
        Properties p = new Properties();
        try (InputStream in = VersionCommand.class.getResourceAsStream("/capsa/admin/version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // unknown
        }
        return p;
    }

    @Override
    public Integer call() {
        Properties p = build();
        ShimVersion shim = ShimVersion.load();
        ctx.out().println("capsa:      " + p.getProperty("version", "unknown") + " (" + p.getProperty("revision",
                "unknown") + ")");
        ctx.out().println("shim:       " + shim.version() + " (" + shim.revision() + ")");
        ctx.out().println("java:       " + System.getProperty("java.version") + " (" + System.getProperty("java.home")
                + ")");
        ctx.out().println("qemu:       " + ctx.commands().firstLine(List.of("qemu-system-x86_64", "--version"))
                .orElse("not found"));
        ctx.out().println("containerd: " + ctx.commands().firstLine(List.of("containerd", "--version"))
                .orElse("not found"));
        ctx.out().flush();
        return 0;
    }
}
