package halo.check;

import java.util.Objects;

/**
 * What to check and how often: one checker block of one real server.
 *
 * @param key    the caller's identity for this checker (e.g. virtual server, real server, index); handed back in
 *               events
 * @param type   checker type (for keepalived's per-type retry rules and log wording)
 * @param timing resolved timing
 * @param target the checked endpoint, for log lines ("[ip]:tcp:port"); may be null for MISC_CHECK
 * @param probe  one probe, or null when {@code http} is set
 * @param http   HTTP_GET/SSL_GET probe (one url per probe), or null
 * @param fastRecovery HTTP_GET fast_recovery
 * @param configuredWeight the real server's configured weight (MISC_CHECK misc_dynamic arithmetic)
 * @param file   FILE_CHECK's tracked file, or null
 */
public record CheckerSpec(Object key, CheckerType type, CheckTiming timing, ConnectOptions target, Probe probe,
                          HttpProbe http, boolean fastRecovery, long configuredWeight, TrackedFile file) {

    public CheckerSpec {
        Objects.requireNonNull(key);
        Objects.requireNonNull(type);
        Objects.requireNonNull(timing);
        int kinds = (probe != null ? 1 : 0) + (http != null ? 1 : 0) + (file != null ? 1 : 0);
        if (kinds != 1) throw new IllegalArgumentException("exactly one of probe, http and file");
    }

    /**
     * FILE_CHECK's file: keepalived's track_file {@code file}, with the FILE_CHECK's weight (else the track_file's)
     * and reverse.
     */
    public record TrackedFile(java.nio.file.Path path, int weight, boolean reverse) {}

    public static CheckerSpec file(Object key, TrackedFile file) {
        return new CheckerSpec(key, CheckerType.FILE_CHECK, CheckTiming.defaults(CheckerType.FILE_CHECK), null, null,
                null, false, 1, file);
    }

    public static CheckerSpec tcp(Object key, CheckTiming timing, ConnectOptions options) {
        return new CheckerSpec(key, CheckerType.TCP_CHECK, timing, options, new TcpProbe(options), null, false, 1, null);
    }

    public static CheckerSpec http(Object key, CheckTiming timing, HttpProbe http, boolean ssl, boolean fastRecovery,
                                   ConnectOptions options) {
        return new CheckerSpec(key, ssl ? CheckerType.SSL_GET : CheckerType.HTTP_GET, timing, options, null, http,
                fastRecovery, 1, null);
    }

    public static CheckerSpec of(Object key, CheckerType type, CheckTiming timing, ConnectOptions target,
                                 Probe probe) {
        return new CheckerSpec(key, type, timing, target, probe, null, false, 1, null);
    }

    /** MISC_CHECK; {@code configuredWeight} is the real server's weight, used for misc_dynamic. */
    public static CheckerSpec misc(Object key, CheckTiming timing, MiscProbe probe, long configuredWeight) {
        return new CheckerSpec(key, CheckerType.MISC_CHECK, timing, null, probe, null, false, configuredWeight, null);
    }
}
