package capsa.agent.log;

import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/** Found by SLF4J through {@code -Dslf4j.provider}; never registered as a service, so other modules keep logback. */
public final class ConsoleLogProvider implements SLF4JServiceProvider {
  private ConsoleLoggerFactory factory;
  private IMarkerFactory markers;
  private MDCAdapter mdc;

  @Override
  public void initialize() {
    factory = new ConsoleLoggerFactory(System.err, ConsoleLoggerFactory.Threshold.INFO);
    markers = new BasicMarkerFactory();
    mdc = new NOPMDCAdapter();
  }

  @Override
  public ILoggerFactory getLoggerFactory() {
    return factory;
  }

  @Override
  public IMarkerFactory getMarkerFactory() {
    return markers;
  }

  @Override
  public MDCAdapter getMDCAdapter() {
    return mdc;
  }

  @Override
  public String getRequestedApiVersion() {
    return "2.0.99";
  }
}
