package capsa.hypervisor.clh.standin;

import java.util.List;

/** What the stand-in answers: a status and an optional JSON body (a record, a tree, or the error chain). */
record StandInReply(int status, Object body) {

  static StandInReply noContent() {
    return new StandInReply(204, null);
  }

  static StandInReply ok(Object body) {
    return new StandInReply(200, body);
  }

  /** An error with Cloud Hypervisor's body shape: a JSON array of strings, outermost context first. */
  static StandInReply error(int status, String... chain) {
    return new StandInReply(status, List.of(chain));
  }
}
