package capsa.shim.events;

import java.time.Duration;
import java.util.Objects;

/**
 * Tuning of {@link TtrpcEventForwarder}.
 *
 * @param queueCapacity events kept while containerd is unreachable; beyond it the oldest is dropped
 * @param attemptTimeout deadline of one Forward call (containerd's shims use 5 s)
 * @param initialBackoff wait after the first failed attempt; doubles per failure
 * @param maxBackoff longest wait between attempts
 */
public record ForwarderSettings(int queueCapacity, Duration attemptTimeout, Duration initialBackoff,
        Duration maxBackoff) {

    public static final ForwarderSettings DEFAULT =
            new ForwarderSettings(2048, Duration.ofSeconds(5), Duration.ofMillis(100), Duration.ofSeconds(2));

    public ForwarderSettings {
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("queueCapacity must be positive: " + queueCapacity);
        }
        Objects.requireNonNull(attemptTimeout, "attemptTimeout");
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
    }
}
