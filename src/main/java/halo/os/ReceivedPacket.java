package halo.os;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * What {@link VrrpSocket#receive} learnt about the last packet, reused from call to call so that receiving
 * allocates nothing: source and destination addresses, TTL (IPv4 header) or hop limit (IPV6_HOPLIMIT), the
 * interface it came in on. Call {@link #source()} / {@link #destination()} only when an InetAddress is wanted.
 */
public final class ReceivedPacket {
    boolean ipv6;
    final byte[] source = new byte[16];
    final byte[] destination = new byte[16];
    int ttl = -1;
    int trafficClass = -1;
    int interfaceIndex;
    int length;
    boolean truncated;

    void reset(boolean ipv6) {
        this.ipv6 = ipv6;
        ttl = -1;
        trafficClass = -1;
        interfaceIndex = 0;
        java.util.Arrays.fill(source, (byte) 0);
        java.util.Arrays.fill(destination, (byte) 0);
        length = 0;
        truncated = false;
    }

    public boolean isIpv6() {
        return ipv6;
    }

    /** TTL (IPv4) or hop limit (IPv6) the packet arrived with; -1 if the kernel did not say. */
    public int ttl() {
        return ttl;
    }

    /** The IPv4 TOS or IPv6 traffic class byte (keepalived sends 0xc0); -1 if the kernel did not say. */
    public int trafficClass() {
        return trafficClass;
    }

    /** The interface the packet arrived on (from IP_PKTINFO / IPV6_PKTINFO). */
    public int interfaceIndex() {
        return interfaceIndex;
    }

    /** Length of the VRRP payload (after the IPv4 header) as received; may exceed what was copied if truncated. */
    public int length() {
        return length;
    }

    /** True when the caller's buffer (or the socket's) was too small for the whole packet. */
    public boolean truncated() {
        return truncated;
    }

    public int addressLength() {
        return ipv6 ? 16 : 4;
    }

    /** The source address bytes (4 or 16 valid bytes); the array is reused by the next receive. */
    public byte[] sourceBytes() {
        return source;
    }

    /** The destination address bytes (4 or 16 valid bytes); the array is reused by the next receive. */
    public byte[] destinationBytes() {
        return destination;
    }

    public InetAddress source() {
        return address(source);
    }

    public InetAddress destination() {
        return address(destination);
    }

    /** Whether the source equals ADDRESS (no allocation beyond getAddress's copy). */
    public boolean sourceEquals(InetAddress address) {
        byte[] a = address.getAddress();
        if (a.length != addressLength()) {
            return false;
        }
        for (int i = 0; i < a.length; i++) {
            if (a[i] != source[i]) {
                return false;
            }
        }
        return true;
    }

    private InetAddress address(byte[] bytes) {
        try {
            return InetAddress.getByAddress(java.util.Arrays.copyOf(bytes, addressLength()));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "ReceivedPacket[" + source().getHostAddress() + " -> " + destination().getHostAddress() + " ttl=" + ttl
                + " ifindex=" + interfaceIndex + " length=" + length + (truncated ? " truncated" : "") + "]";
    }
}
