package capsa.admin;

/** One row of {@code capsa check}. */
public record CheckResult(String check, Status status, String detail) {

    /** FAIL is reserved for what keeps this node from running pods; everything degraded is WARN. */
    public enum Status { PASS, WARN, FAIL }

    static CheckResult pass(String check, String detail) {
        return new CheckResult(check, Status.PASS, detail);
    }

    static CheckResult warn(String check, String detail) {
        return new CheckResult(check, Status.WARN, detail);
    }

    static CheckResult fail(String check, String detail) {
        return new CheckResult(check, Status.FAIL, detail);
    }
}
