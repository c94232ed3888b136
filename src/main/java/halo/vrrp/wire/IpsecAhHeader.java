package halo.vrrp.wire;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Flyweight over the IPSEC Authentication Header as keepalived builds it for VRRPv2 {@code auth_type AH}
 * (RFC 2402 section 2, keepalived's {@code ipsec_ah_t}), placed between the IPv4 header and the VRRP message:
 *
 * <pre>
 * | Next Header=112 | Payload Len=4 |          Reserved=0           |
 * |        Security Parameters Index = the IPv4 source address    |
 * |                    Sequence Number (from 1)                   |
 * |         ICV: HMAC-MD5 truncated to 96 bits (12 bytes)          |
 * </pre>
 *
 * "The SPI value is filled with the ip header source address" (vrrp_build_ipsecah); Payload Len is the AH length in
 * 32-bit words minus 2 (24 / 4 - 2 = 4, RFC 2402 2.2).
 */
public final class IpsecAhHeader extends Flyweight {
    /** IP protocol number of AH (RFC 2402 section 2). */
    public static final int IP_PROTOCOL = 51;
    public static final int LENGTH = 24;
    /** keepalived's IPSEC_AH_PLEN. */
    public static final int PAYLOAD_LENGTH = 4;
    /** Offset of the ICV within the header. */
    public static final int ICV_OFFSET = 12;
    /** HMAC_MD5_TRUNC: "MD5 digest truncate value: 96-bit" (RFC 2403 section 2). */
    public static final int ICV_LENGTH = 12;

    public IpsecAhHeader wrap(MemorySegment segment, long offset) {
        point(segment, offset, LENGTH);
        return this;
    }

    public int nextHeader() {
        return u8(0);
    }

    public int payloadLength() {
        return u8(1);
    }

    /** The SPI, as a big-endian int (keepalived: the sender's IPv4 address). */
    public int spi() {
        return u32(4);
    }

    /** The sequence number as an unsigned value. */
    public long sequenceNumber() {
        return u32(8) & 0xffffffffL;
    }

    /** Compares the 12-byte ICV with the first 12 bytes of {@code digest}, in constant time. */
    public boolean icvEquals(byte[] digest) {
        int diff = 0;
        for (int i = 0; i < ICV_LENGTH; i++) {
            diff |= u8(ICV_OFFSET + i) ^ (digest[i] & 0xff);
        }
        return diff == 0;
    }

    /** Writes next header 112, payload length 4, reserved 0, the SPI and sequence number, and a zero ICV. */
    public IpsecAhHeader write(int spi, long sequenceNumber) {
        u8(0, VrrpMessage.IP_PROTOCOL);
        u8(1, PAYLOAD_LENGTH);
        u8(2, 0);
        u8(3, 0);
        u32(4, spi);
        u32(8, (int) sequenceNumber);
        for (int i = 0; i < ICV_LENGTH; i++) {
            u8(ICV_OFFSET + i, 0);
        }
        return this;
    }

    /** Writes the first 12 bytes of {@code digest} as the ICV. */
    public IpsecAhHeader icv(byte[] digest) {
        MemorySegment.copy(digest, 0, segment, ValueLayout.JAVA_BYTE, offset + ICV_OFFSET, ICV_LENGTH);
        return this;
    }
}
