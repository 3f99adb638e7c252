package capsa.admin;

import capsa.config.AnnotationOverrides;
import capsa.config.ConfigException;
import capsa.config.ConfigValue;
import capsa.config.EffectiveConfig;
import capsa.config.Section;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code capsa env}: the effective configuration, every key with where its value came from; with
 * {@code --annotation}s, what a pod with those annotations would get (or why it would be refused).
 */
@Command(name = "env", description = "Print the effective configuration and where each value came from")
final class EnvCommand implements Callable<Integer> {

    private final CliContext ctx;

    @Mixin
    ConfigOption config = new ConfigOption();

    @Option(names = {"-a", "--annotation"}, paramLabel = "KEY=VALUE",
            description = "a pod annotation to apply (repeatable): shows that pod's configuration")
    Map<String, String> annotations = new LinkedHashMap<>();

    EnvCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        EffectiveConfig c;
        try {
            c = ctx.loadConfig(config.file());
            c = annotations.isEmpty() ? c : AnnotationOverrides.forPod(c, annotations);
        } catch (ConfigException e) {
            ctx.err().println("capsa env: " + e.getMessage());
            ctx.err().flush();
            return 2;
        }
        ctx.out().println("# configuration: " + c.origin().describe() + "; active hypervisor: ["
                + c.hypervisorSection().table() + "]");
        c.warnings().forEach(w -> ctx.out().println("# warning: " + w));
        Section current = null;
        for (ConfigValue v : c.values()) {
            if (v.key().section() != current) {
                current = v.key().section();
                ctx.out().println();
                ctx.out().println("[" + current.table() + "]");
            }
            ctx.out().println(v.key().name() + " = " + v.rendered() + "  # " + v.source().describe());
        }
        ctx.out().flush();
        return 0;
    }
}
