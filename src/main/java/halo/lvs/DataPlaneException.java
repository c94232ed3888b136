package halo.lvs;

import java.util.List;

/** A data plane could not apply some changes; {@link #failures()} says which, one line each, in the plane's words. */
public final class DataPlaneException extends Exception {
    private final List<String> failures;

    public DataPlaneException(List<String> failures) {
        super(String.join("; ", failures));
        this.failures = List.copyOf(failures);
    }

    public DataPlaneException(String failure, Throwable cause) {
        super(failure, cause);
        this.failures = List.of(failure);
    }

    public List<String> failures() {
        return failures;
    }
}
