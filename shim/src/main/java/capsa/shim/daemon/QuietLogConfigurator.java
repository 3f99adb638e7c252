package capsa.shim.daemon;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * logback's first configurator (found through {@code META-INF/services}): all logging off, no appender. Without
 * it logback's fallback is a console appender on stdout, and {@code start}'s and {@code delete}'s stdout is their
 * protocol reply to containerd. The daemon then adds its own appender ({@link DaemonLogging}).
 *
 * <p>When a {@code logback-test.xml} is on the classpath (our test runs) it defers to logback's usual search.
 */
public final class QuietLogConfigurator extends ContextAwareBase implements Configurator {

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (QuietLogConfigurator.class.getClassLoader().getResource("logback-test.xml") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        context.getLogger(ch.qos.logback.classic.Logger.ROOT_LOGGER_NAME).setLevel(Level.OFF);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
