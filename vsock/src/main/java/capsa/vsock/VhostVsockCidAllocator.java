package capsa.vsock;

import java.io.IOException;
import java.util.function.LongSupplier;

/**
 * Reserves a guest CID the way Kata does: open {@code /dev/vhost-vsock}, then try {@code VHOST_VSOCK_SET_GUEST_CID}
 * from a random start upward to the highest CID, then downward from just below the start to 3, skipping CIDs other
 * VMs hold ({@code EADDRINUSE}). The open descriptor is the reservation. A random start keeps concurrent allocators
 * from racing for the same numbers.
 *
 * <p>Thread-safe: every call opens its own descriptor.
 */
public final class VhostVsockCidAllocator {

  /** The lowest guest CID: 0 hypervisor, 1 local, 2 host are reserved. */
  public static final long FIRST_GUEST_CID = 3;

  /** The highest guest CID; 0xFFFFFFFF is VMADDR_CID_ANY. */
  public static final long LAST_GUEST_CID = 0xFFFF_FFFEL;

  private final VhostVsockDevice device;
  private final LongSupplier randomStart;
  private final long maxProbes;

  /**
   * @param randomStart yields candidates anywhere in [3, 2^32-2]; values outside are folded into that range
   * @param maxProbes bound on ioctl attempts so a misbehaving device cannot make one call spin for hours
   */
  public VhostVsockCidAllocator(VhostVsockDevice device, LongSupplier randomStart, long maxProbes) {
    this.device = device;
    this.randomStart = randomStart;
    this.maxProbes = maxProbes;
  }

  /** The real device with a secure random start and up to 65536 probes. */
  public static VhostVsockCidAllocator forHost() {
    java.security.SecureRandom random = new java.security.SecureRandom();
    return new VhostVsockCidAllocator(VhostVsockDevice.host(), random::nextLong, 65536);
  }

  public CidReservation reserve() throws IOException {
    long span = LAST_GUEST_CID - FIRST_GUEST_CID + 1;
    long start = FIRST_GUEST_CID + Math.floorMod(randomStart.getAsLong(), span);
    int fd = device.open();
    boolean done = false;
    try {
      long probes = 0;
      for (long cid = start; cid <= LAST_GUEST_CID && probes < maxProbes; cid++, probes++) {
        if (tryCid(fd, cid)) {
          done = true;
          return new CidReservation(device, fd, cid);
        }
      }
      for (long cid = start - 1; cid >= FIRST_GUEST_CID && probes < maxProbes; cid--, probes++) {
        if (tryCid(fd, cid)) {
          done = true;
          return new CidReservation(device, fd, cid);
        }
      }
      throw new IOException("No free guest CID found after " + probes + " probes from " + start);
    } finally {
      if (!done) {
        device.close(fd);
      }
    }
  }

  /** True when the CID is ours; false when taken; any other error ends the search. */
  private boolean tryCid(int fd, long cid) throws IOException {
    int errno = device.setGuestCid(fd, cid);
    if (errno == 0) {
      return true;
    }
    if (errno == VsockLibC.EADDRINUSE) {
      return false;
    }
    throw new IOException("VHOST_VSOCK_SET_GUEST_CID " + cid + " failed with errno " + errno);
  }
}
