package capsa.agent;

/**
 * A token bucket for log lines the guest's workload can trigger at will (failing RPCs, channel errors): at most
 * {@code burst} lines, refilled at {@code perSecond}. Suppressed lines are counted and reported with the next one.
 */
public final class LogRateLimiter {
  private final double perSecond;
  private final double burst;
  private double tokens;
  private long last = System.nanoTime();
  private long suppressed;

  public LogRateLimiter(double perSecond, double burst) {
    this.perSecond = perSecond;
    this.burst = burst;
    this.tokens = burst;
  }

  /** -1 when the line must be dropped, else how many were dropped before it. */
  public synchronized long tryAcquire() {
    long now = System.nanoTime();
    tokens = Math.min(burst, tokens + (now - last) / 1e9 * perSecond);
    last = now;
    if (tokens < 1) {
      suppressed++;
      return -1;
    }
    tokens -= 1;
    long s = suppressed;
    suppressed = 0;
    return s;
  }
}
