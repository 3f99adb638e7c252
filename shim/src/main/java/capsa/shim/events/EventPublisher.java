package capsa.shim.events;

import com.google.protobuf.Message;

/**
 * Publishes task events ({@code containerd.events.Task*}) to containerd. Events are delivered in the order they
 * were published; {@link #publish} never blocks on the network.
 */
public interface EventPublisher {

    /**
     * Queues {@code event} under its topic ({@code capsa.proto.util.TaskTopics}), stamped with the current time.
     *
     * @throws IllegalArgumentException if {@code event} is not a task event
     */
    void publish(Message event);
}
