package halo.check;

import halo.os.NativeException;
import halo.os.ProbeSocket;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * PING_CHECK (keepalived check_ping.c): one ICMP echo request (RFC 792) or ICMPv6 echo request (RFC 4443
 * section 4.1) to the destination; success when the matching echo reply arrives within connect_timeout.
 * keepalived uses a ping socket (and may widen net.ipv4.ping_group_range so root can open one);
 * Halo leaves the sysctl alone and uses a raw socket when the ping socket is not allowed.
 */
public final class PingProbe implements Probe {

    /** keepalived sends ICMP_BUFSIZE (128) bytes of "keepalived check - " after the header. */
    static final int PAYLOAD = 128;
    /** Room for an echo reply with its IPv4 header (raw sockets deliver it) and any options. */
    private static final int MAX_REPLY = 2048;
    private static final AtomicInteger SEQUENCE = new AtomicInteger(ThreadLocalRandom.current().nextInt(0x10000));
    /** Waiting for the reply: the virtual thread sleeps in short steps between non-blocking reads. */
    static final Duration POLL = Duration.ofMillis(2);

    private final ConnectOptions options;

    public PingProbe(ConnectOptions options) {
        this.options = options;
    }

    @Override
    public ProbeResult run() throws InterruptedException {
        InetAddress dst;
        try {
            dst = options.effectiveDestination().getAddress();
        } catch (IOException e) {
            return ProbeResult.failure("PING_CHECK " + e.getMessage());
        }
        String target = options.format("tcp");
        boolean v6 = dst instanceof Inet6Address;
        int id = ThreadLocalRandom.current().nextInt(0x10000);
        int seq = SEQUENCE.incrementAndGet() & 0xffff;
        long deadline = System.nanoTime() + options.timeout().toNanos();
        try (ProbeSocket s = ProbeSocket.icmp(dst)) {
            s.send(echoRequest(v6, id, seq));
            long sleep = POLL.toNanos();
            while (true) {
                byte[] d;
                while ((d = s.receive(MAX_REPLY)) != null) {
                    if (isReply(d, s.raw(), v6, id, seq)) {
                        return ProbeResult.success("ICMP connection to " + target + " success.");
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) return ProbeResult.failure("ICMP connection to address " + target + " timeout.");
                Thread.sleep(Duration.ofNanos(Math.min(left, sleep)));
                sleep = Math.min(sleep * 2, 20_000_000L);
            }
        } catch (NativeException e) {
            return ProbeResult.failure("ICMP connection to " + target + " failed: " + failure(e));
        }
    }

    /** A failed call in the words the ICMP check logs. */
    private static String failure(NativeException e) {
        return switch (e.syscall()) {
            case "socket" -> "cannot open an ICMP socket (errno " + e.errnoNumber()
                    + "): neither ping_group_range nor CAP_NET_RAW allows it";
            case "recv" -> receiveFailure(e);
            default -> e.syscall() + ": errno " + e.errnoNumber();
        };
    }

    /** An ICMP error reported on a connected socket (IP_RECVERR), in the words the ICMP and UDP checks log. */
    static String receiveFailure(NativeException e) {
        return switch (e.errno()) {
            case ECONNREFUSED, EHOSTUNREACH, ENETUNREACH -> e.errno().description();
            default -> "errno " + e.errnoNumber();
        };
    }

    /** Type 8 (v4) / 128 (v6), code 0, checksum, identifier, sequence, payload. */
    static byte[] echoRequest(boolean v6, int id, int seq) {
        byte[] p = new byte[8 + PAYLOAD];
        p[0] = (byte) (v6 ? 128 : 8);
        p[4] = (byte) (id >> 8);
        p[5] = (byte) id;
        p[6] = (byte) (seq >> 8);
        p[7] = (byte) seq;
        byte[] text = "keepalived check - ".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        for (int i = 8; i < p.length; i++) p[i] = text[(i - 8) % text.length];
        if (!v6) { // the kernel computes the ICMPv6 checksum (pseudo-header); for v4 raw sockets we must
            int sum = checksum(p);
            p[2] = (byte) (sum >> 8);
            p[3] = (byte) sum;
        }
        return p;
    }

    /** RFC 1071 Internet checksum. */
    static int checksum(byte[] b) {
        long sum = 0;
        for (int i = 0; i + 1 < b.length; i += 2) sum += ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
        if ((b.length & 1) != 0) sum += (b[b.length - 1] & 0xff) << 8;
        while ((sum >> 16) != 0) sum = (sum & 0xffff) + (sum >> 16);
        return (int) (~sum & 0xffff);
    }

    /**
     * An echo reply for our request. Raw IPv4 sockets deliver the IP header first; ping sockets rewrite the
     * identifier to their own, so only the sequence is compared there.
     */
    static boolean isReply(byte[] d, boolean raw, boolean v6, int id, int seq) {
        int off = 0;
        if (raw && !v6) {
            if (d.length < 20) return false;
            off = (d[0] & 0x0f) * 4;
        }
        if (d.length < off + 8) return false;
        int type = d[off] & 0xff;
        if (type != (v6 ? 129 : 0)) return false;
        int rid = ((d[off + 4] & 0xff) << 8) | (d[off + 5] & 0xff);
        int rseq = ((d[off + 6] & 0xff) << 8) | (d[off + 7] & 0xff);
        return rseq == seq && (!raw || rid == id);
    }
}
