package halo.check;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * UDP_CHECK (keepalived check_udp.c, layer4.c): sends the payload on a connected UDP socket and waits
 * connect_timeout. An ICMP unreachable (seen by Java as PortUnreachableException on the connected socket) is a
 * failure. Without require_reply, silence is success; with it, a reply must arrive, its length must lie in
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
    public ProbeResult run() {
        String target = options.format("udp");
        try (DatagramSocket s = new DatagramSocket((InetSocketAddress) null)) {
            s.bind(options.effectiveBind());
            s.connect(options.effectiveDestination());
            s.send(new DatagramPacket(payload, payload.length));
            s.setSoTimeout(options.timeoutMillis());
            byte[] buf = new byte[Math.max(1, maxReplyLength + 1)];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                s.receive(p);
            } catch (SocketTimeoutException e) {
                return requireReply
                        ? ProbeResult.failure("UDP connection to " + target + " failed.")
                        : ProbeResult.success("UDP connection to " + target + " success.");
            }
            if (requireReply) {
                int len = p.getLength();
                if (len < minReplyLength || len > maxReplyLength || (reply != null && !reply.matches(buf, len))) {
                    return ProbeResult.failure("UDP check to " + target + " reply data mismatch.");
                }
            }
            return ProbeResult.success("UDP connection to " + target + " success.");
        } catch (PortUnreachableException e) {
            return ProbeResult.failure("UDP connection to " + target + " failed.");
        } catch (IOException e) {
            return ProbeResult.failure("UDP connection to " + target + " failed.");
        }
    }
}
