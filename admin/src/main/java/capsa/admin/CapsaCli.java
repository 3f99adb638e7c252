package capsa.admin;

import capsa.hypervisor.qemu.HostFacts;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code capsa}: the node administrator's command (check, env, ps, logs, gpu list, version). */
@Command(name = "capsa", mixinStandardHelpOptions = true, versionProvider = CapsaCli.Version.class,
        description = "Capsa node administration: pods in lightweight VMs behind containerd.")
public final class CapsaCli implements Runnable {

    private final CommandLine.Model.CommandSpec spec;

    private CapsaCli(CommandLine.Model.CommandSpec spec) {
        this.spec = spec;
    }

    public CapsaCli() {
        this(null);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this), "a command is required (see capsa --help)");
    }

    /** The command line with every subcommand bound to {@code ctx}. */
    public static CommandLine commandLine(CliContext ctx) {
        CommandLine.IFactory factory = new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                for (var c : cls.getDeclaredConstructors()) {
                    if (c.getParameterCount() == 1 && c.getParameterTypes()[0] == CliContext.class) {
                        c.setAccessible(true);
                        return cls.cast(c.newInstance(ctx));
                    }
                }
                return CommandLine.defaultFactory().create(cls);
            }
        };
        CommandLine cl = new CommandLine(CapsaCli.class, factory);
        for (Class<?> sub : new Class<?>[] {CheckCommand.class, EnvCommand.class, PsCommand.class, LogsCommand.class,
            GpuCommand.class, VersionCommand.class}) {
            cl.addSubcommand(new CommandLine(sub, factory));
        }
        cl.setOut(ctx.out());
        cl.setErr(ctx.err());
        return cl;
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        CliContext ctx = new CliContext(System.getenv(), capsa.config.ConfigLoader.SYSTEM_CONFIG, Path.of("/"), out,
                err, Clock.systemUTC(), qemu -> HostFacts.probe(qemu).kvm(), CommandRunner.system());
        System.exit(commandLine(ctx).execute(args));
    }

    /** {@code capsa --version}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            var p = VersionCommand.build();
            return new String[] {"capsa " + p.getProperty("version", "unknown") + " (" + p.getProperty("revision",
                    "unknown") + ")"};
        }
    }
}
