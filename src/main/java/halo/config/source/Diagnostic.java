package halo.config.source;

/**
 * A message about the configuration that a user can act on: where, which token, what was expected.
 *
 * @param severity how bad it is (decides {@code halo check}'s exit status, as keepalived's --config-test)
 * @param location where it was found; {@code null} only for problems with no place in a file (a missing top-level file)
 * @param token    the offending token, or {@code null}
 * @param message  what is wrong and what was expected, in words an operator understands
 */
public record Diagnostic(Severity severity, SourceLocation location, String token, String message) {

    public enum Severity {
        /** Worth knowing, changes nothing (a deprecated spelling that is still honoured). */
        INFO,
        /** keepalived reports it and runs after correcting or ignoring it: the 2.2.7 binary's -t exits 5. */
        WARNING,
        /** The configuration cannot run: the 2.2.7 binary's -t exits 4. */
        FATAL,
        /**
         * keepalived stops reading at once and exits 2 (a keyword missing its parameter: lib/parser.c's null_strvec
         * calls exit(KEEPALIVED_EXIT_CONFIG)); the configuration cannot run.
         */
        STOP;

        /** Whether the configuration cannot run with it. */
        public boolean cannotRun() {
            return this == FATAL || this == STOP;
        }
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        if (location != null) {
            s.append(location).append(": ");
        }
        // a stop is an error the user reads as any other that keeps the configuration from running
        s.append(severity == Severity.STOP ? "fatal" : severity.name().toLowerCase()).append(": ").append(message);
        if (token != null && !message.contains(token)) {
            s.append(" (at '").append(token).append("')");
        }
        return s.toString();
    }
}
