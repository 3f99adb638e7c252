package capsa.shim.sandbox;

import capsa.proto.containerd.events.TaskCreate;
import capsa.proto.containerd.events.TaskDelete;
import capsa.proto.containerd.events.TaskExecAdded;
import capsa.proto.containerd.events.TaskExecStarted;
import capsa.proto.containerd.events.TaskExit;
import capsa.proto.containerd.events.TaskIO;
import capsa.proto.containerd.events.TaskOOM;
import capsa.proto.containerd.events.TaskPaused;
import capsa.proto.containerd.events.TaskResumed;
import capsa.proto.containerd.events.TaskStart;
import capsa.proto.containerd.types.Mount;
import capsa.shim.events.EventPublisher;
import capsa.shim.rootfs.RootfsMount;
import com.google.protobuf.Timestamp;
import java.time.Instant;

/** Builds the task events and hands them to the publisher (which keeps their order). */
final class TaskEvents {

    private final EventPublisher publisher;

    TaskEvents(EventPublisher publisher) {
        this.publisher = publisher;
    }

    static Timestamp timestamp(Instant at) {
        return Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()).build();
    }

    void created(CreateTask t, int pid) {
        TaskCreate.Builder b = TaskCreate.newBuilder()
                .setContainerId(t.id())
                .setBundle(t.bundle().toString())
                .setIo(TaskIO.newBuilder().setStdin(t.stdio().stdin()).setStdout(t.stdio().stdout())
                        .setStderr(t.stdio().stderr()).setTerminal(t.stdio().terminal()))
                .setPid(pid);
        for (RootfsMount m : t.rootfs()) {
            b.addRootfs(Mount.newBuilder().setType(m.type()).setSource(m.source()).addAllOptions(m.options()));
        }
        publisher.publish(b.build());
    }

    void started(TaskProcess p, int pid) {
        if (p.isInit()) {
            publisher.publish(TaskStart.newBuilder().setContainerId(p.containerId()).setPid(pid).build());
        } else {
            publisher.publish(TaskExecStarted.newBuilder().setContainerId(p.containerId()).setExecId(p.id())
                    .setPid(pid).build());
        }
    }

    void execAdded(String containerId, String execId) {
        publisher.publish(TaskExecAdded.newBuilder().setContainerId(containerId).setExecId(execId).build());
    }

    /** {@code id} of an init exit is the container id (CRI tells init from exec exits by that). */
    void exited(TaskProcess p, int pid, ProcessState.Exited e) {
        publisher.publish(TaskExit.newBuilder().setContainerId(p.containerId()).setId(p.id()).setPid(pid)
                .setExitStatus(e.status()).setExitedAt(timestamp(e.at())).build());
    }

    void deleted(TaskProcess p, DeleteResult r) {
        publisher.publish(TaskDelete.newBuilder().setContainerId(p.containerId()).setPid(r.pid())
                .setExitStatus(r.exitStatus()).setExitedAt(timestamp(r.exitedAt()))
                .setId(p.isInit() ? "" : p.id()).build());
    }

    void oom(String containerId) {
        publisher.publish(TaskOOM.newBuilder().setContainerId(containerId).build());
    }

    void paused(String containerId) {
        publisher.publish(TaskPaused.newBuilder().setContainerId(containerId).build());
    }

    void resumed(String containerId) {
        publisher.publish(TaskResumed.newBuilder().setContainerId(containerId).build());
    }
}
