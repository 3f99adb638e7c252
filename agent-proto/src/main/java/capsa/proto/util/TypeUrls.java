package capsa.proto.util;

import com.google.protobuf.Descriptors.Descriptor;

/**
 * The type URLs found in containerd's {@code Any} fields. Protobuf payloads use the bare full
 * proto name; the OCI runtime-spec payloads are JSON and use containerd's own URL scheme.
 */
public final class TypeUrls {

  /** What Java's {@code Any.pack} would prepend; containerd 1.6 cannot resolve it. */
  public static final String GOOGLE_PREFIX = "type.googleapis.com/";

  /** ExecProcessRequest.spec: an OCI {@code Process}, JSON. */
  public static final String OCI_PROCESS =
      "types.containerd.io/opencontainers/runtime-spec/1/Process";
  /** UpdateTaskRequest.resources: OCI {@code LinuxResources}, JSON. */
  public static final String OCI_LINUX_RESOURCES =
      "types.containerd.io/opencontainers/runtime-spec/1/LinuxResources";
  /** RuntimeInfo.features: an OCI runtime-spec Features document, JSON. */
  public static final String OCI_FEATURES =
      "types.containerd.io/opencontainers/runtime-spec/1/features/Features";

  /** Options of every non-runc CRI runtime handler (ours included). */
  public static final String RUNTIME_OPTIONS = "runtimeoptions.v1.Options";
  /** Options containerd builds for io.containerd.runc.v2; not declared by us. */
  public static final String RUNC_OPTIONS = "containerd.runc.v1.Options";
  /** Checkpoint options of the runc shim; not declared by us. */
  public static final String RUNC_CHECKPOINT_OPTIONS = "containerd.runc.v1.CheckpointOptions";
  /** ProcessInfo.info of an exec process in the runc shim; not declared by us. */
  public static final String RUNC_PROCESS_DETAILS = "containerd.runc.v1.ProcessDetails";

  /** StatsResponse.stats: the only two payloads the CRI plugin can decode. */
  public static final String CGROUPS_V1_METRICS = "io.containerd.cgroups.v1.Metrics";
  public static final String CGROUPS_V2_METRICS = "io.containerd.cgroups.v2.Metrics";

  public static final String TASK_CREATE = "containerd.events.TaskCreate";
  public static final String TASK_START = "containerd.events.TaskStart";
  public static final String TASK_DELETE = "containerd.events.TaskDelete";
  public static final String TASK_EXIT = "containerd.events.TaskExit";
  public static final String TASK_OOM = "containerd.events.TaskOOM";
  public static final String TASK_EXEC_ADDED = "containerd.events.TaskExecAdded";
  public static final String TASK_EXEC_STARTED = "containerd.events.TaskExecStarted";
  public static final String TASK_PAUSED = "containerd.events.TaskPaused";
  public static final String TASK_RESUMED = "containerd.events.TaskResumed";
  public static final String TASK_CHECKPOINTED = "containerd.events.TaskCheckpointed";

  private TypeUrls() {}

  /** The bare type URL of a message type: its full proto name. */
  public static String of(Descriptor type) {
    return type.getFullName();
  }

  /**
   * The message name a type URL designates: the part after the last '/', which is how Go's
   * protobuf registry and protobuf-java both resolve URLs. Bare URLs come back unchanged.
   */
  public static String messageName(String typeUrl) {
    return typeUrl.substring(typeUrl.lastIndexOf('/') + 1);
  }
}
