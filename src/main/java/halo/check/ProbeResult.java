package halo.check;

import java.util.OptionalLong;

/**
 * Outcome of one probe.
 *
 * @param success whether the service answered as required
 * @param detail  keepalived-style wording of what happened (for the log), e.g. "HTTP status code error"
 * @param weight  for MISC_CHECK with misc_dynamic: the weight the exit status asks for (exit - 2); else empty
 */
public record ProbeResult(boolean success, String detail, OptionalLong weight) {

    public static ProbeResult success(String detail) {
        return new ProbeResult(true, detail, OptionalLong.empty());
    }

    public static ProbeResult failure(String detail) {
        return new ProbeResult(false, detail, OptionalLong.empty());
    }

    public static ProbeResult successWithWeight(String detail, long weight) {
        return new ProbeResult(true, detail, OptionalLong.of(weight));
    }
}
