package capsa.agent.container;

import capsa.agent.AgentException;

/**
 * The lifecycle of a container as runc sees it. Each state allows only its own transitions; anything else fails with
 * FailedPrecondition naming the operation and the state. Transitions return the next state.
 */
public sealed interface ContainerState
    permits ContainerState.Created, ContainerState.Running, ContainerState.Paused, ContainerState.Stopped {

  String name();

  default ContainerState start() {
    throw refuse("start");
  }

  default ContainerState pause() {
    throw refuse("pause");
  }

  default ContainerState resume() {
    throw refuse("resume");
  }

  /** New processes may join only a running container. */
  default void checkExec() {
    throw refuse("exec into");
  }

  /** The init process ended: every state becomes stopped. */
  default ContainerState initExited() {
    return new Stopped();
  }

  private AgentException refuse(String operation) {
    return new AgentException.FailedPrecondition("cannot " + operation + " a " + name() + " container");
  }

  record Created() implements ContainerState {
    @Override
    public String name() {
      return "created";
    }

    @Override
    public ContainerState start() {
      return new Running();
    }
  }

  record Running() implements ContainerState {
    @Override
    public String name() {
      return "running";
    }

    @Override
    public ContainerState pause() {
      return new Paused();
    }

    @Override
    public void checkExec() {}
  }

  record Paused() implements ContainerState {
    @Override
    public String name() {
      return "paused";
    }

    @Override
    public ContainerState resume() {
      return new Running();
    }
  }

  record Stopped() implements ContainerState {
    @Override
    public String name() {
      return "stopped";
    }
  }
}
