package capsa.shim.sandbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;

/**
 * {@code <run root>/<sandbox id>/sandbox.json}: what {@code capsa ps} shows about a running sandbox (the rest it
 * reads from the directory: containers are the {@code shared/<id>/rootfs} entries, the log is {@code console.log}).
 * Written once the agent answers, removed with the directory.
 *
 * @param id sandbox id
 * @param vmPid the VMM's process id
 * @param hypervisor {@code qemu} or {@code clh}
 * @param vcpus vCPUs at boot
 * @param memoryMib RAM at boot
 * @param startedAt when the agent first answered
 * @param configSource where the configuration came from
 */
public record SandboxStateFile(String id, long vmPid, String hypervisor, int vcpus, int memoryMib, Instant startedAt,
        String configSource) {

    public static final String NAME = "sandbox.json";

    /** Writes atomically (rename), so a reader never sees half a file. */
    public void write(Path sandboxDir, ObjectMapper mapper) throws IOException {
        Path tmp = sandboxDir.resolve(NAME + ".tmp");
        Files.writeString(tmp, mapper.writeValueAsString(new Json(id, vmPid, hypervisor, vcpus, memoryMib,
                startedAt.toString(), configSource)));
        Files.move(tmp, sandboxDir.resolve(NAME), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    public static SandboxStateFile read(Path sandboxDir, ObjectMapper mapper) throws IOException {
        Json j = mapper.readValue(sandboxDir.resolve(NAME).toFile(), Json.class);
        return new SandboxStateFile(j.id(), j.vmPid(), j.hypervisor(), j.vcpus(), j.memoryMib(),
                Instant.parse(j.startedAt()), j.configSource());
    }

    /** The JSON shape (plain types: no Java-time module needed). */
    record Json(String id, long vmPid, String hypervisor, int vcpus, int memoryMib, String startedAt,
            String configSource) {}
}
