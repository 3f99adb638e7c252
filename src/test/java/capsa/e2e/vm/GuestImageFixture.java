package capsa.e2e.vm;

import capsa.e2e.guest.AgentGuestImage;
import java.nio.file.Path;

/**
 * The guest image with the agent ({@code build/guest-agent}), built on demand by {@link AgentGuestImage} from the
 * agent jar the reactor build packaged.
 */
record GuestImageFixture(Path manifest, String kernelRelease) {

    /** Builds the image if needed (never skips: a missing image is a failure of the build, not of this test). */
    static GuestImageFixture require() {
        AgentGuestImage image = AgentGuestImage.get();
        return new GuestImageFixture(image.manifestFile(), image.manifest().getProperty("kernelRelease"));
    }
}
