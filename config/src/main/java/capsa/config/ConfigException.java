package capsa.config;

/** A configuration that cannot be used: a bad file, or a refused pod annotation. The message says what to fix. */
public abstract sealed class ConfigException extends RuntimeException
        permits InvalidConfigException, AnnotationRefusedException {

    ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
