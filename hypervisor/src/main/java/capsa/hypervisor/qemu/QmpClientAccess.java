package capsa.hypervisor.qemu;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Unwraps future exceptions to the typed cause. */
final class QmpClientAccess {
  private QmpClientAccess() {}

  static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
