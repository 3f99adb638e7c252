package capsa.shim.task;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class ProcessDetailsTest {

    @Test
    void execIdIsFieldOneOfRuncsProcessDetails() {
        var any = ProcessDetails.pack("e1");

        assertThat(any.getTypeUrl()).isEqualTo("containerd.runc.v1.ProcessDetails");
        // tag 0x0a (field 1, length-delimited), length 2, "e1"
        assertThat(HexFormat.of().formatHex(any.getValue().toByteArray())).isEqualTo("0a026531");
    }
}
