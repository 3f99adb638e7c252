package capsa.agent.log;

import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/** Applies the configured level to whichever provider SLF4J bound: this package's, or logback off the guest. */
public final class LogLevels {
  private LogLevels() {}

  public static void apply(String level) {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (factory instanceof ConsoleLoggerFactory console) {
      console.setThreshold(ConsoleLoggerFactory.Threshold.parse(level));
    } else if (factory.getClass().getName().startsWith("ch.qos.logback.")) {
      LogbackLevel.apply(level);
    }
  }

  /** Separate class: logback's classes load only when logback is the provider. */
  private static final class LogbackLevel {
    static void apply(String level) {
      ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
          .setLevel(ch.qos.logback.classic.Level.toLevel(level, ch.qos.logback.classic.Level.INFO));
    }
  }
}
