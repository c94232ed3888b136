package halo.vrrp.wire;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Flyweight over an IPv4 header (RFC 791), for raw sockets that deliver the header, AF_PACKET and captures.
 * keepalived builds its IPv4 adverts with IP_HDRINCL: version 4, IHL 5, TOS 0xc0 ("internet network control"),
 * an identification counter that skips 0, no fragment bits, TTL 255, protocol 112 (or 51 with AH), source = the
 * instance's address, destination = 224.0.0.18 or the unicast peer.
 */
public final class Ipv4Header extends Flyweight {
    /** Length of a header without options. */
    public static final int MIN_LENGTH = 20;
    /** "set tos to internet network control" (keepalived vrrp_build_ip4). */
    public static final int TOS_NETWORK_CONTROL = 0xc0;
    /** RFC 3768 5.2.3 / RFC 5798 5.1.1.3: "The TTL MUST be set to 255." */
    public static final int VRRP_TTL = 255;

    public Ipv4Header wrap(MemorySegment segment, long offset, int length) {
        point(segment, offset, length);
        return this;
    }

    /** True when the bytes can hold a header: at least 20 bytes, version 4, and IHL within the bytes. */
    public boolean isValid() {
        return length >= MIN_LENGTH && version() == 4 && headerLength() >= MIN_LENGTH && headerLength() <= length;
    }

    public int version() {
        return u8(0) >>> 4;
    }

    /** Header length in bytes (IHL x 4). */
    public int headerLength() {
        return (u8(0) & 0x0f) << 2;
    }

    public int tos() {
        return u8(1);
    }

    public int totalLength() {
        return u16(2);
    }

    public int identification() {
        return u16(4);
    }

    /** Flags and fragment offset (16 bits). */
    public int fragmentField() {
        return u16(6);
    }

    public int ttl() {
        return u8(8);
    }

    public int protocol() {
        return u8(9);
    }

    public int headerChecksum() {
        return u16(10);
    }

    /** Source address as a big-endian int. */
    public int source() {
        return u32(12);
    }

    /** Destination address as a big-endian int. */
    public int destination() {
        return u32(16);
    }

    public void copySource(byte[] destination, int destinationOffset) {
        MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, offset + 12, destination, destinationOffset, 4);
    }

    public void copyDestination(byte[] destination, int destinationOffset) {
        MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, offset + 16, destination, destinationOffset, 4);
    }

    /** True when the header checksum over {@link #headerLength()} bytes is right. */
    public boolean headerChecksumValid() {
        return InternetChecksum.fold(InternetChecksum.add(0, segment, offset, headerLength())) == 0xffff;
    }

    /**
     * Writes a 20-byte header as keepalived's vrrp_build_ip4 does, with the header checksum computed (the kernel
     * recomputes it for IP_HDRINCL sockets, so this matters for AF_PACKET and captures).
     */
    public Ipv4Header write(int totalLength, int identification, int ttl, int protocol, byte[] source, int sourceOffset,
            byte[] destination, int destinationOffset) {
        u8(0, 0x45);
        u8(1, TOS_NETWORK_CONTROL);
        u16(2, totalLength);
        u16(4, identification);
        u16(6, 0);
        u8(8, ttl);
        u8(9, protocol);
        u16(10, 0);
        MemorySegment.copy(source, sourceOffset, segment, ValueLayout.JAVA_BYTE, offset + 12, 4);
        MemorySegment.copy(destination, destinationOffset, segment, ValueLayout.JAVA_BYTE, offset + 16, 4);
        u16(10, InternetChecksum.finish(InternetChecksum.add(0, segment, offset, MIN_LENGTH)));
        return this;
    }

    public Ipv4Header ttl(int ttl) {
        u8(8, ttl);
        return this;
    }

    public Ipv4Header identification(int id) {
        u16(4, id);
        return this;
    }

    public Ipv4Header headerChecksum(int checksum) {
        u16(10, checksum);
        return this;
    }

    public Ipv4Header source(int address) {
        u32(12, address);
        return this;
    }

    public Ipv4Header destination(int address) {
        u32(16, address);
        return this;
    }

    /** Recomputes the header checksum after fields changed. */
    public Ipv4Header updateHeaderChecksum() {
        u16(10, 0);
        u16(10, InternetChecksum.finish(InternetChecksum.add(0, segment, offset, headerLength())));
        return this;
    }
}
