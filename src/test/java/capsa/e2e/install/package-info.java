/**
 * The release as an operator gets it: scripts/release.sh builds the tarball, its install.sh installs it into a
 * scratch prefix and registers it with a (scratch) containerd configuration, and ctr runs a container through the
 * installed copy (its jlinked Java, its guest image, its default configuration); uninstall.sh removes it all.
 *
 * <p>Threading: JUnit's; one class, methods in order.
 */
package capsa.e2e.install;
