package capsa.admin;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code capsa check}: is this node ready to run pods in VMs? Exit 1 only if something blocks pods. */
@Command(name = "check", description = "Check that this node can run Capsa pods (pass/warn/fail table; exit 1 on "
        + "fail)")
final class CheckCommand implements Callable<Integer> {

    private final CliContext ctx;

    @Mixin
    ConfigOption config = new ConfigOption();

    CheckCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        List<CheckResult> results = new HostChecks(ctx).run(config.file());
        Table t = new Table("STATUS", "CHECK", "DETAIL");
        results.forEach(r -> t.add(r.status().name(), r.check(), r.detail()));
        ctx.out().print(t.render());
        long failed = results.stream().filter(r -> r.status() == CheckResult.Status.FAIL).count();
        long warned = results.stream().filter(r -> r.status() == CheckResult.Status.WARN).count();
        ctx.out().println(failed > 0 ? failed + " check(s) failed: this node cannot run Capsa pods"
                : "ready" + (warned > 0 ? " (" + warned + " warning(s))" : ""));
        ctx.out().flush();
        return failed > 0 ? 1 : 0;
    }
}
