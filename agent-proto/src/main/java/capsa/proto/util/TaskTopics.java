package capsa.proto.util;

import com.google.protobuf.Descriptors.Descriptor;
import java.util.Map;

/**
 * The Envelope topic of each {@code containerd.events.Task*} event. containerd validates that the
 * topic starts with '/', but consumers match on these exact strings (CRI on "/tasks/oom",
 * moby on "/tasks/exit").
 */
public final class TaskTopics {

  public static final String CREATE = "/tasks/create";
  public static final String START = "/tasks/start";
  public static final String DELETE = "/tasks/delete";
  public static final String EXIT = "/tasks/exit";
  public static final String OOM = "/tasks/oom";
  public static final String EXEC_ADDED = "/tasks/exec-added";
  public static final String EXEC_STARTED = "/tasks/exec-started";
  public static final String PAUSED = "/tasks/paused";
  public static final String RESUMED = "/tasks/resumed";
  public static final String CHECKPOINTED = "/tasks/checkpointed";

  private static final Map<String, String> BY_TYPE_URL = Map.of(
      TypeUrls.TASK_CREATE, CREATE,
      TypeUrls.TASK_START, START,
      TypeUrls.TASK_DELETE, DELETE,
      TypeUrls.TASK_EXIT, EXIT,
      TypeUrls.TASK_OOM, OOM,
      TypeUrls.TASK_EXEC_ADDED, EXEC_ADDED,
      TypeUrls.TASK_EXEC_STARTED, EXEC_STARTED,
      TypeUrls.TASK_PAUSED, PAUSED,
      TypeUrls.TASK_RESUMED, RESUMED,
      TypeUrls.TASK_CHECKPOINTED, CHECKPOINTED);

  private TaskTopics() {}

  /**
   * The topic for an event type.
   *
   * @throws IllegalArgumentException if {@code eventType} is not one of the task events
   */
  public static String of(Descriptor eventType) {
    String topic = BY_TYPE_URL.get(TypeUrls.of(eventType));
    if (topic == null) {
      throw new IllegalArgumentException("Not a task event: " + eventType.getFullName() + ".");
    }
    return topic;
  }
}
