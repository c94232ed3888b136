package halo.sim;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** A node's network interface on one segment, with its primary IPv4 address and IPv6 link-local address. */
public final class SimInterface {
    private final SimNode node;
    private final String name;
    private final Segment segment;
    private final int index;
    private final byte[] ipv4;
    private final byte[] ipv6;
    private boolean up = true;

    SimInterface(SimNode node, String name, int index, Segment segment, byte[] ipv4, byte[] ipv6) {
        this.node = node;
        this.index = index;
        this.name = name;
        this.segment = segment;
        this.ipv4 = ipv4;
        this.ipv6 = ipv6;
    }

    public SimNode node() {
        return node;
    }

    public String name() {
        return name;
    }

    /** Position among the node's interfaces, from 0 (for the node's software to index tables). */
    public int index() {
        return index;
    }

    public Segment segment() {
        return segment;
    }

    /** The primary IPv4 address (4 bytes; do not modify). */
    public byte[] ipv4() {
        return ipv4;
    }

    /** The IPv6 link-local address (16 bytes; do not modify). */
    public byte[] ipv6() {
        return ipv6;
    }

    public InetAddress ipv4Address() {
        return toInet(ipv4);
    }

    public boolean isUp() {
        return up;
    }

    void setUp(boolean up) {
        this.up = up;
    }

    /** Whether this interface owns {@code address} (unicast delivery). */
    boolean owns(byte[] address) {
        return java.util.Arrays.equals(address, ipv4) || java.util.Arrays.equals(address, ipv6);
    }

    static InetAddress toInet(byte[] a) {
        try {
            return InetAddress.getByAddress(a);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Override
    public String toString() {
        return node.name() + ":" + name;
    }
}
