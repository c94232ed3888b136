package halo.check;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * DNS_CHECK (keepalived check_dns.c): one query over UDP (RD set, class IN) for {@code name} and {@code type}
 * (default SOA for "."); success when a response (QR set) with the query's id and RCODE 0 arrives within
 * connect_timeout. Datagrams with another id, queries, or shorter than a header are ignored; ICMP port
 * unreachable on the connected socket is a failure.
 */
public final class DnsProbe implements Probe {

    /** RFC 1035 section 3.2.2 / RFC 3596 / RFC 4034 type codes keepalived knows. */
    public static final Map<String, Integer> TYPES = Map.of("A", 1, "NS", 2, "CNAME", 5, "SOA", 6, "MX", 15,
            "TXT", 16, "AAAA", 28, "RRSIG", 46, "DNSKEY", 48);
    public static final String DEFAULT_TYPE = "SOA";
    public static final String DEFAULT_NAME = ".";

    private final ConnectOptions options;
    private final int type;
    private final String name;

    public DnsProbe(ConnectOptions options, String type, String name) {
        this.options = options;
        Integer t = TYPES.get((type == null ? DEFAULT_TYPE : type).toUpperCase(Locale.ROOT));
        if (t == null) throw new IllegalArgumentException("Unknown DNS check type " + type);
        this.type = t;
        this.name = name == null ? DEFAULT_NAME : name;
    }

    /** RFC 1035 section 4.1: header (id, flags RD, QDCOUNT 1), QNAME as labels, QTYPE, QCLASS IN. */
    static byte[] query(int id, String name, int type) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(id >> 8);
        b.write(id);
        b.write(0x01); // RD
        b.write(0x00);
        b.writeBytes(new byte[] {0, 1, 0, 0, 0, 0, 0, 0});
        if (!name.equals(".")) {
            for (String label : name.split("\\.")) {
                if (label.isEmpty()) continue;
                byte[] l = label.getBytes(StandardCharsets.US_ASCII);
                b.write(l.length);
                b.writeBytes(l);
            }
        }
        b.write(0);
        b.write(type >> 8);
        b.write(type);
        b.write(0);
        b.write(1); // IN
        return b.toByteArray();
    }

    @Override
    public ProbeResult run() {
        String target = options.format("udp");
        int id = ThreadLocalRandom.current().nextInt(0x10000);
        byte[] q = query(id, name, type);
        long deadline = System.nanoTime() + options.timeout().toNanos();
        try (DatagramSocket s = new DatagramSocket((InetSocketAddress) null)) {
            InetSocketAddress bind = options.effectiveBind();
            s.bind(bind);
            s.connect(options.effectiveDestination());
            s.send(new DatagramPacket(q, q.length));
            byte[] buf = new byte[1024];
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return ProbeResult.failure("DNS_CHECK (" + target + ") read timeout from socket");
                s.setSoTimeout((int) Math.max(1, left / 1_000_000));
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                s.receive(p);
                if (p.getLength() < 12) continue;
                int rid = ((buf[0] & 0xff) << 8) | (buf[1] & 0xff);
                if (rid != id) continue;
                if ((buf[2] & 0x80) == 0) continue; // not a response
                int rcode = buf[3] & 0x0f;
                if (rcode != 0) {
                    return ProbeResult.failure("DNS_CHECK (" + target + ") read error occurred. (rcode = " + rcode
                            + ")");
                }
                return ProbeResult.success("DNS_CHECK (" + target + ") succeed on service.");
            }
        } catch (SocketTimeoutException e) {
            return ProbeResult.failure("DNS_CHECK (" + target + ") read timeout from socket");
        } catch (PortUnreachableException e) {
            return ProbeResult.failure("DNS_CHECK (" + target + ") failed to read socket; errno 111 (Connection refused)");
        } catch (IOException e) {
            return ProbeResult.failure("DNS_CHECK (" + target + ") failed to read socket; " + e.getMessage());
        }
    }
}
