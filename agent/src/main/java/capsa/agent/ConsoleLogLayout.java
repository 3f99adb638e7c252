package capsa.agent;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;

/**
 * {@code capsa-agent LEVEL [thread] Logger: message} plus the stack trace, written by hand: logback's pattern layout
 * parses its pattern and loads ~100 converter classes at start-up, which costs the guest a noticeable part of a second
 * under TCG for one fixed format.
 */
final class ConsoleLogLayout extends LayoutBase<ILoggingEvent> {

  @Override
  public String doLayout(ILoggingEvent event) {
    StringBuilder sb = new StringBuilder(128);
    String level = event.getLevel().toString();
    sb.append("capsa-agent ").append(level);
    for (int i = level.length(); i < 5; i++) {
      sb.append(' ');
    }
    String logger = event.getLoggerName();
    sb.append(" [").append(event.getThreadName()).append("] ")
        .append(logger, logger.lastIndexOf('.') + 1, logger.length())
        .append(": ").append(event.getFormattedMessage()).append(CoreConstants.LINE_SEPARATOR);
    for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
      sb.append(t == event.getThrowableProxy() ? "" : "Caused by: ")
          .append(t.getClassName()).append(": ").append(t.getMessage()).append(CoreConstants.LINE_SEPARATOR);
      StackTraceElementProxy[] frames = t.getStackTraceElementProxyArray();
      int shown = Math.max(0, frames.length - t.getCommonFrames());
      for (int i = 0; i < shown; i++) {
        sb.append("\tat ").append(frames[i].getStackTraceElement()).append(CoreConstants.LINE_SEPARATOR);
      }
    }
    return sb.toString();
  }
}
