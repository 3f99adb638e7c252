package capsa.e2e.cri;

import static org.assertj.core.api.Assertions.assertThat;

import capsa.e2e.cri.v1.ContainerStatus;
import capsa.e2e.support.BusyboxImage;
import capsa.e2e.support.BusyboxImageExtension;
import capsa.e2e.support.ContainerdConfig;
import capsa.e2e.support.CriPlugin;
import capsa.e2e.support.HostBinaries;
import capsa.e2e.support.RuntimeHandler;
import capsa.e2e.support.ScratchDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * How a shim test switches from runc to its own handler: a {@code capsa} handler ({@code io.containerd.capsa.v2})
 * whose {@code containerd-shim-capsa-v2} containerd finds in a directory put on its PATH. Until our shim exists the
 * binary there is a stand-in: a link to the runc shim, which does not care what it is called.
 */
@ExtendWith(BusyboxImageExtension.class)
@Timeout(300)
class CriHandlerSwitchTest {

    @Test
    void aPodOfTheCapsaHandlerRunsTheShimFoundOnContainerdsPath(BusyboxImage image) throws Exception {
        try (ScratchDir shimDir = ScratchDir.create()) {
            Path standIn = Files.createSymbolicLink(shimDir.resolve("containerd-shim-capsa-v2"),
                    HostBinaries.require(HostBinaries.RUNC_SHIM));
            // Not used for a pod: only proves that containerd 1.6 accepts runtime_path, pod annotations and options.
            Path configPath = shimDir.resolve("capsa.toml");
            RuntimeHandler configured = RuntimeHandler.of("capsa-configured", "io.containerd.capsa.v2")
                    .withRuntimePath(standIn)
                    .withPodAnnotations(List.of("io.katacontainers.*"))
                    .withConfigPath(configPath);
            ContainerdConfig config = ContainerdConfig.withCri(CriPlugin.runcOnly()
                            .withRuntime(RuntimeHandler.of("capsa", "io.containerd.capsa.v2"))
                            .withRuntime(configured))
                    .withShimDir(shimDir.path());

            try (CriHarness harness = CriHarness.start(image, config);
                    CriPod pod = harness.runHostNetworkPod("switch", "capsa")) {
                String container = pod.startContainer("c1", BusyboxImage.REF, "sh", "-c", "echo via capsa; exit 4");
                ContainerStatus status = harness.cri().waitForContainerExit(container, Duration.ofSeconds(60));

                assertThat(status.getExitCode()).isEqualTo(4);
                assertThat(harness.cri().podSandboxStatus(pod.id(), false).getStatus().getRuntimeHandler())
                        .isEqualTo("capsa");
                String podInfo = harness.cri().podSandboxStatus(pod.id(), true).getInfoMap().get("info");
                assertThat(podInfo).contains("\"runtimeType\":\"io.containerd.capsa.v2\"");
                Path bundle = harness.containerd().dir().resolve("state/io.containerd.runtime.v2.task/k8s.io")
                        .resolve(pod.id());
                assertThat(Files.readString(bundle.resolve("shim-binary-path"))).isEqualTo(standIn.toString());
                CriLog.await(pod.logFile("c1"), l -> l.text().equals("via capsa"), Duration.ofSeconds(60));

                String criConfig = harness.cri().status(true).getInfoMap().get("config");
                assertThat(criConfig).contains("capsa-configured", standIn.toString(), configPath.toString(),
                        "io.katacontainers.*");
            }
        }
    }
}
