package capsa.admin;

import capsa.hypervisor.pci.GpuListing;
import capsa.hypervisor.pci.PciSysfs;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code capsa gpu list}: passthrough candidates and whether each is ready for VFIO (capsa.hypervisor.pci). */
@Command(name = "gpu", description = "GPU passthrough", subcommands = GpuCommand.List.class)
final class GpuCommand {

    @Command(name = "list", description = "List GPUs and vfio-pci devices with IOMMU group and VFIO readiness")
    static final class List implements Callable<Integer> {

        private final CliContext ctx;

        @Option(names = "--all", description = "every PCI function, not only display controllers and vfio-pci ones")
        boolean all;

        List(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            ctx.out().print(new GpuListing(new PciSysfs(ctx.host("/sys")), all).render());
            ctx.out().flush();
            return 0;
        }
    }
}
