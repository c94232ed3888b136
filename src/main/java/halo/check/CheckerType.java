package halo.check;

import java.time.Duration;

/** The checker blocks keepalived knows, with the defaults keepalived gives each (check_api.c, check_*.c). */
public enum CheckerType {
    TCP_CHECK, HTTP_GET, SSL_GET, SMTP_CHECK, DNS_CHECK, MISC_CHECK, UDP_CHECK, PING_CHECK, FILE_CHECK;

    /** keepalived: retry defaults to 1, except MISC_CHECK (0) and DNS_CHECK (3). */
    public int defaultRetry() {
        return switch (this) {
            case MISC_CHECK -> 0;
            case DNS_CHECK -> 3;
            default -> 1;
        };
    }

    /** keepalived: delay_before_retry defaults to 3 s for HTTP_GET/SSL_GET, delay_loop for DNS_CHECK, else 1 s. */
    public Duration defaultDelayBeforeRetry(Duration delayLoop) {
        return switch (this) {
            case HTTP_GET, SSL_GET -> Duration.ofSeconds(3);
            case DNS_CHECK -> delayLoop;
            default -> Duration.ofSeconds(1);
        };
    }

    /**
     * keepalived's TCP and SMTP epilogs keep counting retries (spaced by delay_before_retry) even while the
     * checker is already down; the UDP, DNS, MISC and PING ones go straight back to delay_loop.
     */
    boolean retriesWhileDown() {
        return this == TCP_CHECK || this == SMTP_CHECK;
    }

    /** The protocol keepalived prints in "[ip]:tcp:port". */
    String protocolLabel() {
        return switch (this) {
            case UDP_CHECK, DNS_CHECK -> "udp";
            default -> "tcp";
        };
    }
}
