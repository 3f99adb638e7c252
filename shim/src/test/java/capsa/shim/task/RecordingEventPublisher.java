package capsa.shim.task;

import capsa.shim.events.EventPublisher;
import com.google.protobuf.Message;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps published events in order. */
final class RecordingEventPublisher implements EventPublisher {

    final List<Message> events = new CopyOnWriteArrayList<>();

    @Override
    public void publish(Message event) {
        events.add(event);
    }

    List<String> names() {
        return events.stream().map(e -> e.getDescriptorForType().getName()).toList();
    }
}
