package capsa.agent.spec;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.function.Supplier;

/**
 * The agent's one Jackson {@link ObjectMapper}, made on first use. Building it loads and initialises a few hundred
 * Jackson classes (~0.8 s under TCG), and nothing before the first CreateContainer needs JSON, so the agent announces
 * itself first and warms this up afterwards ({@link #get()} from a background thread).
 */
public final class LazyMapper implements Supplier<ObjectMapper> {
  private volatile ObjectMapper mapper;

  /** A holder for an existing mapper (tests). */
  public static LazyMapper of(ObjectMapper mapper) {
    LazyMapper m = new LazyMapper();
    m.mapper = mapper;
    return m;
  }

  @Override
  public ObjectMapper get() {
    ObjectMapper m = mapper;
    if (m == null) {
      synchronized (this) {
        m = mapper;
        if (m == null) {
          m = new ObjectMapper();
          mapper = m;
        }
      }
    }
    return m;
  }
}
