package capsa.agent.device;

import capsa.agent.AgentException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One VFIO device option, {@code "<host BDF>=<guest PCI path>"}, e.g. {@code "0000:41:00.0=02/00"}: the function the
 * host passed and the slots leading to it from the guest's root bus.
 */
public record VfioOption(String hostBdf, String guestPath) {

  private static final Pattern FORM =
      Pattern.compile("([0-9a-fA-F]{4}:[0-9a-fA-F]{2}:[0-1][0-9a-fA-F]\\.[0-7])=([0-9a-fA-F]{2}(?:/[0-9a-fA-F]{2})*)");

  public static VfioOption parse(String option) {
    Matcher m = FORM.matcher(option);
    if (!m.matches()) {
      throw new AgentException.InvalidArgument(
          "VFIO device option must be \"<host BDF>=<guest PCI path>\" like 0000:41:00.0=02/00, got \"" + option
              + "\"");
    }
    return new VfioOption(m.group(1).toLowerCase(java.util.Locale.ROOT), m.group(2).toLowerCase(
        java.util.Locale.ROOT));
  }
}
