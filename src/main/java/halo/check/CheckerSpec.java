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
 */
public record CheckerSpec(Object key, CheckerType type, CheckTiming timing, ConnectOptions target, Probe probe,
                          HttpProbe http, boolean fastRecovery, long configuredWeight) {

    public CheckerSpec {
        Objects.requireNonNull(key);
        Objects.requireNonNull(type);
        Objects.requireNonNull(timing);
        if ((probe == null) == (http == null)) throw new IllegalArgumentException("exactly one of probe and http");
    }

    public static CheckerSpec tcp(Object key, CheckTiming timing, ConnectOptions options) {
        return new CheckerSpec(key, CheckerType.TCP_CHECK, timing, options, new TcpProbe(options), null, false, 1);
    }

    public static CheckerSpec http(Object key, CheckTiming timing, HttpProbe http, boolean ssl, boolean fastRecovery,
                                   ConnectOptions options) {
        return new CheckerSpec(key, ssl ? CheckerType.SSL_GET : CheckerType.HTTP_GET, timing, options, null, http,
                fastRecovery, 1);
    }

    public static CheckerSpec of(Object key, CheckerType type, CheckTiming timing, ConnectOptions target,
                                 Probe probe) {
        return new CheckerSpec(key, type, timing, target, probe, null, false, 1);
    }

    /** MISC_CHECK; {@code configuredWeight} is the real server's weight, used for misc_dynamic. */
    public static CheckerSpec misc(Object key, CheckTiming timing, MiscProbe probe, long configuredWeight) {
        return new CheckerSpec(key, CheckerType.MISC_CHECK, timing, null, probe, null, false, configuredWeight);
    }
}
