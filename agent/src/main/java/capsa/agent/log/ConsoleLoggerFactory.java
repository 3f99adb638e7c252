package capsa.agent.log;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;

/** Hands out {@link ConsoleLogger}s that share one output stream and one level. */
public final class ConsoleLoggerFactory implements ILoggerFactory {

  /** The lowest level written; lower ones are dropped. */
  public enum Threshold {
    TRACE, DEBUG, INFO, WARN, ERROR, OFF;

    /** {@code debug}, {@code INFO}...; anything else is INFO. */
    public static Threshold parse(String name) {
      try {
        return valueOf(name.strip().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException | NullPointerException e) {
        return INFO;
      }
    }
  }

  private final PrintStream out;
  private final ConcurrentMap<String, ConsoleLogger> loggers = new ConcurrentHashMap<>();
  private volatile Threshold threshold;

  public ConsoleLoggerFactory(PrintStream out, Threshold threshold) {
    this.out = out;
    this.threshold = threshold;
  }

  @Override
  public Logger getLogger(String name) {
    return loggers.computeIfAbsent(name, n -> new ConsoleLogger(n, this));
  }

  public void setThreshold(Threshold t) {
    threshold = t;
  }

  boolean enabled(Threshold level) {
    return level.ordinal() >= threshold.ordinal();
  }

  void write(String line) {
    out.print(line);
  }
}
