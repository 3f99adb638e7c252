package capsa.vsock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** CID probing against {@link FakeVhostVsockDevice}: our machines have no /dev/vhost-vsock. */
class VhostVsockCidAllocatorTest {

  private final FakeVhostVsockDevice device = new FakeVhostVsockDevice();

  private VhostVsockCidAllocator startingAt(long start) {
    return new VhostVsockCidAllocator(device, () -> start - VhostVsockCidAllocator.FIRST_GUEST_CID, 1000);
  }

  @Test
  void freeStartIsTakenAndTheFdStaysOpenUntilClose() throws IOException {
    try (CidReservation r = startingAt(1000).reserve()) {
      assertThat(r.cid()).isEqualTo(1000);
      assertThat(device.open).containsExactly(r.fd());
    }
    assertThat(device.open).isEmpty();
  }

  @Test
  void takenCidsAreSkippedUpward() throws IOException {
    device.taken.addAll(List.of(1000L, 1001L));
    try (CidReservation r = startingAt(1000).reserve()) {
      assertThat(r.cid()).isEqualTo(1002);
      assertThat(device.probed).containsExactly(1000L, 1001L, 1002L);
    }
  }

  @Test
  void atTheTopItTurnsDownward() throws IOException {
    long last = VhostVsockCidAllocator.LAST_GUEST_CID;
    device.taken.add(last);
    try (CidReservation r = startingAt(last).reserve()) {
      assertThat(r.cid()).isEqualTo(last - 1);
      assertThat(device.probed).containsExactly(last, last - 1);
    }
  }

  @Test
  void afterTheTopItSearchesDownwardFromBelowTheStart() throws IOException {
    long last = VhostVsockCidAllocator.LAST_GUEST_CID;
    device.taken.addAll(List.of(last - 1, last));
    try (CidReservation r = startingAt(last - 1).reserve()) {
      assertThat(r.cid()).isEqualTo(last - 2);
      assertThat(device.probed).containsExactly(last - 1, last, last - 2);
    }
  }

  @Test
  void probesAreBoundedAndTheFdIsClosedOnFailure() {
    device.taken.addAll(List.of(5L, 6L, 7L, 8L, 9L, 10L, 11L));
    VhostVsockCidAllocator allocator = new VhostVsockCidAllocator(device, () -> 2, 6);
    assertThatThrownBy(allocator::reserve)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("No free guest CID found after 6 probes from 5");
    assertThat(device.probed).containsExactly(5L, 6L, 7L, 8L, 9L, 10L);
    assertThat(device.open).isEmpty();
  }

  @Test
  void twoReservationsNeverShareACid() throws IOException {
    try (CidReservation a = startingAt(77).reserve(); CidReservation b = startingAt(77).reserve()) {
      assertThat(a.cid()).isEqualTo(77);
      assertThat(b.cid()).isEqualTo(78);
      assertThat(a.fd()).isNotEqualTo(b.fd());
    }
  }

  @Test
  void otherErrorsStopTheSearchAndCloseTheFd() {
    device.failWith = 19; // ENODEV
    assertThatThrownBy(() -> startingAt(500).reserve())
        .isInstanceOf(IOException.class)
        .hasMessageContaining("errno 19");
    assertThat(device.probed).containsExactly(500L);
    assertThat(device.open).isEmpty();
  }

  @Test
  void anyRandomValueLandsInTheGuestRange() throws IOException {
    for (long random : new long[] {Long.MIN_VALUE, -1, 0, 1, 0xFFFF_FFFFL, Long.MAX_VALUE}) {
      FakeVhostVsockDevice fresh = new FakeVhostVsockDevice();
      try (CidReservation r = new VhostVsockCidAllocator(fresh, () -> random, 10).reserve()) {
        assertThat(r.cid()).isBetween(VhostVsockCidAllocator.FIRST_GUEST_CID, VhostVsockCidAllocator.LAST_GUEST_CID);
      }
    }
  }

  @Test
  void closeIsIdempotent() throws IOException {
    CidReservation r = startingAt(9).reserve();
    r.close();
    r.close();
    assertThat(device.open).isEmpty();
  }

  @Test
  void hostDeviceAbsenceIsAClearError() {
    assumeFalse(Files.exists(Path.of(HostVhostVsockDevice.PATH)), "this host has /dev/vhost-vsock");
    assertThatThrownBy(() -> VhostVsockDevice.host().open())
        .isInstanceOf(IOException.class)
        .hasMessageContaining("/dev/vhost-vsock")
        .hasMessageContaining("errno 2");
  }
}
