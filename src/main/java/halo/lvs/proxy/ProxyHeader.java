package halo.lvs.proxy;

import halo.net.AddressText;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The PROXY protocol header the proxy writes to a real server before the client's bytes, so the server learns the
 * client's address (haproxy's doc/proxy-protocol.txt, versions 1 and 2). Source is the client, destination the
 * virtual service the client connected to.
 */
public final class ProxyHeader {
    /** v2: "\x0D\x0A\x0D\x0A\x00\x0D\x0A\x51\x55\x49\x54\x0A" */
    static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
    /** v2: "\x2" version in the high nibble, "\x1" PROXY command in the low one. */
    static final int V2_VERSION_PROXY = 0x21;
    /** v2 address family and transport: "\x11" TCP over IPv4, "\x21" TCP over IPv6. */
    static final int V2_TCP4 = 0x11;
    static final int V2_TCP6 = 0x21;
    /** v2 address block lengths: 2 × 4 + 2 × 2 for IPv4, 2 × 16 + 2 × 2 for IPv6. */
    static final int V2_IPV4_LENGTH = 12;
    static final int V2_IPV6_LENGTH = 36;

    private ProxyHeader() {
    }

    /** The header's bytes, or an empty array for {@link ProxyProtocol#NONE}. */
    public static byte[] encode(ProxyProtocol version, InetSocketAddress source, InetSocketAddress destination) {
        return switch (version) {
            case NONE -> new byte[0];
            case V1 -> v1(source, destination);
            case V2 -> v2(source, destination);
        };
    }

    static ByteBuf encode(ByteBufAllocator alloc, ProxyProtocol version, InetSocketAddress source,
                          InetSocketAddress destination) {
        byte[] bytes = encode(version, source, destination);
        return alloc.buffer(bytes.length).writeBytes(bytes);
    }

    /**
     * v1: "PROXY TCP4 255.255.255.255 255.255.255.255 65535 65535\r\n", or TCP6; "PROXY UNKNOWN\r\n" when the two
     * addresses are not of one family ("the receiver must ignore anything presented before the CRLF").
     */
    static byte[] v1(InetSocketAddress source, InetSocketAddress destination) {
        InetAddress src = unmapped(source.getAddress());
        InetAddress dst = unmapped(destination.getAddress());
        String line;
        if (src instanceof Inet4Address && dst instanceof Inet4Address) {
            line = "PROXY TCP4 " + AddressText.format(src) + " " + AddressText.format(dst) + " "
                    + source.getPort() + " " + destination.getPort() + "\r\n";
        } else if (src instanceof Inet6Address && dst instanceof Inet6Address) {
            line = "PROXY TCP6 " + AddressText.format(src) + " " + AddressText.format(dst) + " "
                    + source.getPort() + " " + destination.getPort() + "\r\n";
        } else {
            line = "PROXY UNKNOWN\r\n";
        }
        return line.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * v2: signature, version/command, family/transport, length (network order), then source address, destination
     * address, source port, destination port, all in network order. Mixed families cannot be expressed; they are
     * sent as IPv6 with the IPv4 address mapped (::ffff:a.b.c.d), as the spec allows a sender to do.
     */
    static byte[] v2(InetSocketAddress source, InetSocketAddress destination) {
        InetAddress src = unmapped(source.getAddress());
        InetAddress dst = unmapped(destination.getAddress());
        boolean ipv4 = src instanceof Inet4Address && dst instanceof Inet4Address;
        int addressLength = ipv4 ? V2_IPV4_LENGTH : V2_IPV6_LENGTH;
        byte[] out = new byte[16 + addressLength];
        System.arraycopy(V2_SIGNATURE, 0, out, 0, 12);
        out[12] = (byte) V2_VERSION_PROXY;
        out[13] = (byte) (ipv4 ? V2_TCP4 : V2_TCP6);
        out[14] = (byte) (addressLength >>> 8);
        out[15] = (byte) addressLength;
        byte[] s = ipv4 ? src.getAddress() : ipv6Bytes(src);
        byte[] d = ipv4 ? dst.getAddress() : ipv6Bytes(dst);
        int at = 16;
        System.arraycopy(s, 0, out, at, s.length);
        at += s.length;
        System.arraycopy(d, 0, out, at, d.length);
        at += d.length;
        out[at++] = (byte) (source.getPort() >>> 8);
        out[at++] = (byte) source.getPort();
        out[at++] = (byte) (destination.getPort() >>> 8);
        out[at] = (byte) destination.getPort();
        return out;
    }

    /** An IPv4-mapped IPv6 address (a dual-stack socket's view of an IPv4 peer) as the IPv4 address it is. */
    private static InetAddress unmapped(InetAddress a) {
        if (a instanceof Inet6Address) {
            byte[] b = a.getAddress();
            boolean mapped = b[10] == (byte) 0xff && b[11] == (byte) 0xff;
            for (int i = 0; i < 10 && mapped; i++) {
                mapped = b[i] == 0;
            }
            if (mapped) {
                try {
                    return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
                } catch (java.net.UnknownHostException e) {
                    throw new AssertionError(e);
                }
            }
        }
        return a;
    }

    private static byte[] ipv6Bytes(InetAddress a) {
        if (a instanceof Inet6Address) {
            return a.getAddress();
        }
        byte[] v4 = a.getAddress();
        byte[] out = new byte[16];
        out[10] = (byte) 0xff;
        out[11] = (byte) 0xff;
        System.arraycopy(v4, 0, out, 12, 4);
        return out;
    }
}
