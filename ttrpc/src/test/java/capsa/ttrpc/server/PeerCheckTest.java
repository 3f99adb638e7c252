package capsa.ttrpc.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PeerCheckTest {

  @Test
  void uidCheckComparesTheUidOnly() {
    PeerCheck check = PeerCheck.uid(1000);
    assertThat(check.permits(new PeerIdentity(42, 1000, 5))).isTrue();
    assertThat(check.permits(new PeerIdentity(42, 0, 1000))).isFalse();
    assertThat(check.permits(new PeerIdentity(42, 65534, 65534))).isFalse();
  }

  @Test
  void sameUserMeansOurEffectiveUid() throws Exception {
    int ours = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    assertThat(PeerCheck.sameUser().permits(new PeerIdentity(1, ours, 0))).isTrue();
    assertThat(PeerCheck.sameUser().permits(new PeerIdentity(1, ours + 1, 0))).isFalse();
  }

  @Test
  void uidAndGidCheckNeedsBoth() {
    PeerCheck check = PeerCheck.uidAndGid(0, 0);
    assertThat(check.permits(new PeerIdentity(1, 0, 0))).isTrue();
    assertThat(check.permits(new PeerIdentity(1, 0, 5))).isFalse();
    assertThat(check.permits(new PeerIdentity(1, 5, 0))).isFalse();
  }

  @Test
  void allowAllAllowsAnyone() {
    assertThat(PeerCheck.allowAll().permits(new PeerIdentity(1, 12345, 12345))).isTrue();
  }
}
