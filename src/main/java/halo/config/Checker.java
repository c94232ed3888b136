package halo.config;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

/**
 * A health checker block inside a real_server. Values inherited from the real and virtual server are resolved into
 * {@link Common}, so a checker is self-contained.
 */
public sealed interface Checker {

    Common common();

    /**
     * Keywords every checker takes, resolved (checker, else real server, else virtual server, else keepalived's default).
     *
     * @param connectIp        address to check (the real server's by default)
     * @param connectPort      port to check (the real server's by default; 0 when none)
     * @param bindTo           source address, or {@code null}
     * @param bindPort         source port (0 = any)
     * @param bindInterface    bind_if, or {@code null}
     * @param fwmark           fwmark set on check packets (0 = none)
     * @param connectTimeout   connect_timeout (5 s)
     * @param retry            retries after the first failure before the server is declared down
     *                         (1; MISC_CHECK 0; DNS_CHECK 3)
     * @param delayBeforeRetry delay between retries (HTTP/SSL 3 s; DNS = delay_loop; otherwise 1 s)
     * @param warmup           random delay before the first check (= delay_loop; 0 disables)
     * @param delayLoop        interval between checks (60 s; from the real or virtual server)
     * @param alpha            servers start DOWN until the first success (virtual server's alpha)
     * @param logAllFailures   log every failure, not only state changes
     */
    record Common(InetAddress connectIp, int connectPort, InetAddress bindTo, int bindPort, String bindInterface,
                  int fwmark, Duration connectTimeout, int retry, Duration delayBeforeRetry, Duration warmup,
                  Duration delayLoop, boolean alpha, boolean logAllFailures) {}

    /** TCP_CHECK: a TCP connect succeeds. */
    record Tcp(Common common) implements Checker {}

    /**
     * HTTP_GET / SSL_GET: GET each url; the response status (and digest / regex when given) must match.
     *
     * @param ssl          SSL_GET
     * @param httpProtocol http_protocol (1.0, 1.0C, 1.1, 1.0; "1.0" by default, sent as HTTP/1.0)
     * @param virtualhost  Host header (url > checker > real server > virtual server), or {@code null}
     * @param enableSni    send SNI (SSL_GET)
     * @param fastRecovery check again at once after a success while down
     */
    record Http(Common common, boolean ssl, List<Url> urls, String httpProtocol, String virtualhost, boolean enableSni,
                boolean fastRecovery) implements Checker {
        public Http {
            urls = List.copyOf(urls);
        }
    }

    /**
     * One url block.
     *
     * @param statusCodes accepted status codes (200-299 when none are given, and no digest)
     * @param digest      expected MD5 of the body (32 lower-case hex chars), or {@code null}
     * @param regex       regular expression the body must (or with regexNoMatch must not) match, or {@code null}
     */
    record Url(String path, String digest, List<StatusRange> statusCodes, String virtualhost, String regex,
               boolean regexNoMatch, List<RawSetting> otherSettings) {
        public Url {
            statusCodes = List.copyOf(statusCodes);
            otherSettings = List.copyOf(otherSettings);
        }
    }

    /** An inclusive range of HTTP status codes ({@code 200-299}, or a single code as {@code 200-200}). */
    record StatusRange(int from, int to) {}

    /** SMTP_CHECK: 220 greeting, HELO -> 250, QUIT -> 221. */
    record Smtp(Common common, String heloName) implements Checker {}

    /** DNS_CHECK: a query of {@code type} for {@code name} gets an answer. */
    record Dns(Common common, String type, String name) implements Checker {}

    /**
     * MISC_CHECK: a script's exit status decides.
     *
     * @param timeout misc_timeout (= delay_loop by default)
     * @param dynamic misc_dynamic: exit 2..255 sets weight exit-2
     */
    record Misc(Common common, ScriptCommand script, Duration timeout, boolean dynamic) implements Checker {}

    /**
     * UDP_CHECK: send payload; failure on ICMP unreachable (or no reply with require_reply).
     *
     * @param payload      payload as hex digits, or {@code null}
     * @param requireReply reply pattern as hex (X wildcards), empty string for "any reply", {@code null} for none required
     */
    record Udp(Common common, String payload, String requireReply, int minReplyLength, int maxReplyLength)
            implements Checker {}

    /** PING_CHECK: ICMP echo. */
    record Ping(Common common) implements Checker {}

    /** FILE_CHECK: a track file's value decides (weight times value). */
    record File(Common common, String trackFile, Integer weight, boolean reverse) implements Checker {}

    /** BFD_CHECK: the named bfd_instance's session state decides. */
    record Bfd(Common common, String name, Integer weight, boolean reverse) implements Checker {}
}
