package capsa.config;

/** A pod annotation that may not override the configuration; sandbox creation fails with this message. */
public final class AnnotationRefusedException extends ConfigException {

    private final String annotation;

    public AnnotationRefusedException(String annotation, String reason) {
        super("annotation " + annotation + " refused: " + reason, null);
        this.annotation = annotation;
    }

    public String annotation() {
        return annotation;
    }
}
