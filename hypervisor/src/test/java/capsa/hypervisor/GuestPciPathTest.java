package capsa.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class GuestPciPathTest {

  @Test
  void formatsTwoHexDigitsPerSlot() {
    assertThat(new GuestPciPath(List.of(2, 0)).toString()).isEqualTo("02/00");
    assertThat(new GuestPciPath(List.of(0x1f)).toString()).isEqualTo("1f");
  }

  @Test
  void parsesWhatItPrints() {
    assertThat(GuestPciPath.parse("0a/01").slots()).containsExactly(10, 1);
  }

  @Test
  void rejectsBadForms() {
    assertThatThrownBy(() -> GuestPciPath.parse("2/0")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> GuestPciPath.parse("20/")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new GuestPciPath(List.of(32))).isInstanceOf(IllegalArgumentException.class);
  }
}
