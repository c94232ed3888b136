package halo.vrrp.wire;

import halo.net.AddressText;

/**
 * What the IP layer knows about a received advert: source and destination address, TTL or hop limit (-1 when the
 * socket did not report it), and whether it arrived by multicast. Filled by the host layer (or by
 * {@link AdvertValidator#validateIpv4Datagram} from the IPv4 header) into one reusable object; the state machine
 * reads the sender's address from it without allocation.
 */
public final class PacketInfo {
    private IpFamily family = IpFamily.IPV4;
    private final byte[] source = new byte[16];
    private final byte[] destination = new byte[16];
    private boolean destinationKnown;
    private int ttl = -1;
    private boolean multicast;

    /** Sets everything; {@code destination} may be null when unknown (IPv6 without IPV6_PKTINFO), which skips the IPv6 checksum check. */
    public PacketInfo set(IpFamily family, byte[] source, int sourceOffset, byte[] destination, int destinationOffset,
            int ttlOrHopLimit, boolean multicast) {
        this.family = family;
        System.arraycopy(source, sourceOffset, this.source, 0, family.addressLength);
        this.destinationKnown = destination != null;
        if (destination != null) {
            System.arraycopy(destination, destinationOffset, this.destination, 0, family.addressLength);
        }
        this.ttl = ttlOrHopLimit;
        this.multicast = multicast;
        return this;
    }

    /** Sets an IPv4 packet from big-endian ints; multicast is derived from the destination (224.0.0.0/4). */
    public PacketInfo setIpv4(int source, int destination, int ttl) {
        this.family = IpFamily.IPV4;
        putInt(this.source, source);
        putInt(this.destination, destination);
        this.destinationKnown = true;
        this.ttl = ttl;
        this.multicast = (destination >>> 28) == 0xe;
        return this;
    }

    private static void putInt(byte[] b, int v) {
        b[0] = (byte) (v >>> 24);
        b[1] = (byte) (v >>> 16);
        b[2] = (byte) (v >>> 8);
        b[3] = (byte) v;
    }

    public IpFamily family() {
        return family;
    }

    /** TTL (IPv4) or hop limit (IPv6), -1 when unknown. */
    public int ttl() {
        return ttl;
    }

    public boolean multicast() {
        return multicast;
    }

    public boolean destinationKnown() {
        return destinationKnown;
    }

    /** The sender's address bytes (first {@code family().addressLength} are valid). Do not modify. */
    byte[] sourceBytes() {
        return source;
    }

    byte[] destinationBytes() {
        return destination;
    }

    /** The IPv4 source as a big-endian int. */
    public int sourceIpv4() {
        return (source[0] & 0xff) << 24 | (source[1] & 0xff) << 16 | (source[2] & 0xff) << 8 | (source[3] & 0xff);
    }

    /** Copies the sender's address into {@code destination} at {@code offset}. */
    public void copySource(byte[] destination, int offset) {
        System.arraycopy(source, 0, destination, offset, family.addressLength);
    }

    public void copyDestination(byte[] destination, int offset) {
        System.arraycopy(this.destination, 0, destination, offset, family.addressLength);
    }

    /** True when the sender's address equals {@code address} at {@code offset}. */
    public boolean sourceEquals(byte[] address, int offset) {
        return compareSource(address, offset) == 0;
    }

    /**
     * Compares the sender's address with {@code address} as unsigned big-endian numbers: negative, zero or positive
     * when the sender's is lower, equal or higher. For the tie-break "the primary IP address of the sender is greater
     * than the local primary IP address" (RFC 3768 6.4.3, RFC 5798 6.4.3).
     */
    public int compareSource(byte[] address, int offset) {
        for (int i = 0; i < family.addressLength; i++) {
            int c = Integer.compare(source[i] & 0xff, address[offset + i] & 0xff);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    /** The sender's address as text (allocates; for log lines). */
    public String sourceString() {
        return AddressText.format(source, 0, family.addressLength);
    }
}
