package halo.check;

import halo.os.NativeException;
import halo.os.ProbeSocket;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * UDP_CHECK (keepalived check_udp.c, layer4.c): sends the payload on a connected UDP socket with IP_RECVERR and
 * waits connect_timeout. Any ICMP unreachable (port, host, network) is a failure. Without require_reply, silence is success; with it, a reply must arrive, its length must lie in
 * [min_reply_length, max_reply_length] (default 0..255) and, when a pattern is given, its first octets must match.
 * Without payload keepalived sends 32 bytes of "keepalived check - ".
 */
public final class UdpProbe implements Probe {

    static final byte[] DEFAULT_PAYLOAD = defaultPayload();

    private final ConnectOptions options;
    private final byte[] payload;
    private final boolean requireReply;
    private final HexPattern reply;
    private final int minReplyLength;
    private final int maxReplyLength;

    /**
     * @param payload      octets to send, or null for keepalived's default
     * @param requireReply require_reply given
     * @param reply        require_reply's pattern, or null for "any reply"
     */
    public UdpProbe(ConnectOptions options, byte[] payload, boolean requireReply, HexPattern reply,
                    int minReplyLength, int maxReplyLength) {
        this.options = options;
        this.payload = payload == null ? DEFAULT_PAYLOAD : payload.clone();
        this.requireReply = requireReply;
        this.reply = reply;
        this.minReplyLength = minReplyLength;
        this.maxReplyLength = maxReplyLength;
    }

    private static byte[] defaultPayload() {
        byte[] s = "keepalived check - ".getBytes(StandardCharsets.US_ASCII);
        byte[] b = new byte[32];
        for (int i = 0; i < b.length; i++) b[i] = s[i % s.length];
        return b;
    }

    @Override
    public ProbeResult run() throws InterruptedException {
        String target = options.format("udp");
        long deadline = System.nanoTime() + options.timeout().toNanos();
        try (ProbeSocket s = ProbeSocket.udp(options.effectiveDestination(), options.effectiveBind(),
                bindInterfaceFor(options))) {
            s.send(payload);
            long sleep = PingProbe.POLL.toNanos();
            while (true) {
                byte[] d;
                try {
                    d = s.receive(maxReplyLength + 1);
                } catch (NativeException e) {
                    return ProbeResult.failure("UDP connection to " + target + " failed (" + PingProbe.receiveFailure(e) + ").");
                }
                if (d != null) {
                    if (requireReply && (d.length < minReplyLength || d.length > maxReplyLength
                            || (reply != null && !reply.matches(d, d.length)))) {
                        return ProbeResult.failure("UDP check to " + target + " reply data mismatch.");
                    }
                    return ProbeResult.success("UDP connection to " + target + " success.");
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    // keepalived: a read timeout is success unless a reply is required
                    return requireReply
                            ? ProbeResult.failure("UDP connection to " + target + " failed.")
                            : ProbeResult.success("UDP connection to " + target + " success.");
                }
                Thread.sleep(java.time.Duration.ofNanos(Math.min(left, sleep)));
                sleep = Math.min(sleep * 2, 20_000_000L);
            }
        } catch (IOException e) {
            return ProbeResult.failure("UDP connection to " + target + " failed.");
        }
    }

    /** bind_if goes to SO_BINDTODEVICE, except for link-local IPv6 where it is the address's scope. */
    private static String bindInterfaceFor(ConnectOptions o) {
        if (o.bindInterface() == null) return null;
        if (o.destination().getAddress() instanceof java.net.Inet6Address a && a.isLinkLocalAddress()) return null;
        return o.bindInterface();
    }
}
