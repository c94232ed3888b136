package halo.lvs.sched;

/**
 * What a scheduler may look at in a connection's first packet: client (source) and service (destination) address as
 * bytes (4 for IPv4, 16 for IPv6, network order) and ports. Mutable and reused by the data plane (no allocation per
 * connection); a scheduler must not keep it.
 */
public final class Flow {
    private byte[] sourceAddress = new byte[4];
    private int sourcePort;
    private byte[] destinationAddress = new byte[4];
    private int destinationPort;

    public Flow set(byte[] sourceAddress, int sourcePort, byte[] destinationAddress, int destinationPort) {
        this.sourceAddress = sourceAddress;
        this.sourcePort = sourcePort;
        this.destinationAddress = destinationAddress;
        this.destinationPort = destinationPort;
        return this;
    }

    public byte[] sourceAddress() {
        return sourceAddress;
    }

    public int sourcePort() {
        return sourcePort;
    }

    public byte[] destinationAddress() {
        return destinationAddress;
    }

    public int destinationPort() {
        return destinationPort;
    }

    public boolean isIpv6() {
        return sourceAddress.length == 16;
    }
}
