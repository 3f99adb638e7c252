package capsa.agent.log;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/** {@code capsa-agent LEVEL [thread] SimpleName: message}, then the stack trace if there is one. */
final class ConsoleLogger extends LegacyAbstractLogger {
  private static final long serialVersionUID = 1L;

  private final transient ConsoleLoggerFactory factory;
  private final String simpleName;

  ConsoleLogger(String name, ConsoleLoggerFactory factory) {
    this.name = name;
    this.factory = factory;
    this.simpleName = name.substring(name.lastIndexOf('.') + 1);
  }

  @Override
  public boolean isTraceEnabled() {
    return factory.enabled(ConsoleLoggerFactory.Threshold.TRACE);
  }

  @Override
  public boolean isDebugEnabled() {
    return factory.enabled(ConsoleLoggerFactory.Threshold.DEBUG);
  }

  @Override
  public boolean isInfoEnabled() {
    return factory.enabled(ConsoleLoggerFactory.Threshold.INFO);
  }

  @Override
  public boolean isWarnEnabled() {
    return factory.enabled(ConsoleLoggerFactory.Threshold.WARN);
  }

  @Override
  public boolean isErrorEnabled() {
    return factory.enabled(ConsoleLoggerFactory.Threshold.ERROR);
  }

  @Override
  protected String getFullyQualifiedCallerName() {
    return null;
  }

  @Override
  protected void handleNormalizedLoggingCall(
      Level level, Marker marker, String pattern, Object[] args, Throwable thrown) {
    StringBuilder sb = new StringBuilder(128).append("capsa-agent ").append(level);
    for (int i = level.toString().length(); i < 5; i++) {
      sb.append(' ');
    }
    sb.append(" [").append(Thread.currentThread().getName()).append("] ").append(simpleName).append(": ")
        .append(MessageFormatter.basicArrayFormat(pattern, args)).append(System.lineSeparator());
    if (thrown != null) {
      StringWriter trace = new StringWriter();
      thrown.printStackTrace(new PrintWriter(trace));
      sb.append(trace);
    }
    factory.write(sb.toString());
  }
}
