package halo.lvs.proxy;

import java.time.Duration;

/**
 * How long a connection may stay idle, as IPVS's timeouts ({@code ipvsadm --set tcp tcpfin udp}): TCP established,
 * TCP after the first FIN, UDP flows. The proxy reads them at each check, so a change applies to running
 * connections too.
 */
public record ProxyTimeouts(Duration tcp, Duration tcpFin, Duration udp) {
    /** IPVS's defaults: 900 s, 120 s, 300 s. */
    public static final ProxyTimeouts IPVS_DEFAULTS =
            new ProxyTimeouts(Duration.ofSeconds(900), Duration.ofSeconds(120), Duration.ofSeconds(300));

    public ProxyTimeouts {
        for (Duration d : new Duration[] {tcp, tcpFin, udp}) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("timeouts must be positive: " + tcp + " " + tcpFin + " " + udp);
            }
        }
    }
}
