package halo.vrrp.wire;

import halo.net.AddressText;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Flyweight over one VRRP message (the IP payload, starting with the version field) in a {@link MemorySegment}.
 * {@link #wrap} points it at bytes; getters and setters read and write fields in place. Nothing is copied or allocated.
 *
 * <pre>
 * RFC 3768 section 5.1 (VRRPv2)                     RFC 5798 section 5.1 (VRRPv3)
 * |Version| Type  | Virtual Rtr ID|   Priority    | Count IP Addrs|   same first word, "Count IPvX Addr"
 * |   Auth Type   |   Adver Int   |          Checksum             |   |(rsvd) | Max Adver Int (12 bits) | Checksum |
 * |                         IP Address (1..n)                     |   IPvX Address(es)
 * |                     Authentication Data (1), (2)              |   (no authentication data)
 * </pre>
 *
 * Addresses are 4 bytes over IPv4 and 16 over IPv6. Like keepalived, a v2 message carries the 8 bytes of
 * authentication data over IPv4 only ("Our implementation of IPv6 with VRRP version 2 doesn't include the 8 byte
 * auth field", vrrp.c).
 */
public final class VrrpMessage extends Flyweight {
    /** IP protocol number of VRRP (RFC 3768 section 5.2.4, RFC 5798 section 5.1.1.4). */
    public static final int IP_PROTOCOL = 112;
    /** Fixed part: version/type, VRID, priority, count, auth type/adver int (v2) or max adver int (v3), checksum. */
    public static final int HEADER_LENGTH = 8;
    /** VRRPv2 authentication data: "Authentication Data (1)" and "(2)", 8 bytes. */
    public static final int AUTH_DATA_LENGTH = 8;
    public static final int VERSION_2 = 2;
    public static final int VERSION_3 = 3;
    /** "The only packet type defined in this version of the protocol is: 1 ADVERTISEMENT" (RFC 3768 5.3.2, RFC 5798 5.2.2). */
    public static final int TYPE_ADVERTISEMENT = 1;
    /** RFC 3768 5.3.4: "The priority value for the VRRP router that owns the IP address(es) associated with the virtual router MUST be 255 (decimal)." */
    public static final int PRIORITY_OWNER = 255;
    /** RFC 3768 5.3.4: "The priority value zero (0) has special meaning indicating that the current Master has stopped participating in VRRP." */
    public static final int PRIORITY_STOP = 0;
    /** RFC 2338 auth types, kept by keepalived for v2: 0 none, 1 simple text password, 2 IP Authentication Header. */
    public static final int AUTH_NONE = 0;
    public static final int AUTH_PASS = 1;
    public static final int AUTH_AH = 2;
    /** RFC 5798 5.2.7: "The Maximum Advertisement Interval is a 12-bit field": at most 4095 centiseconds (40.95 s). */
    public static final int MAX_ADVERT_INTERVAL_CENTIS = 0x0fff;

    /** Points this flyweight at {@code length} bytes of {@code segment} from {@code offset}. Returns this. */
    public VrrpMessage wrap(MemorySegment segment, long offset, int length) {
        point(segment, offset, length);
        return this;
    }

    /** True when at least the 8-byte fixed part is there, so the header getters are safe. */
    public boolean hasHeader() {
        return length >= HEADER_LENGTH;
    }

    /** The VRRP version, the high 4 bits of the first byte (2 or 3 for real adverts). */
    public int version() {
        return u8(0) >>> 4;
    }

    /** The packet type, the low 4 bits of the first byte. */
    public int type() {
        return u8(0) & 0x0f;
    }

    public int vrid() {
        return u8(1);
    }

    public int priority() {
        return u8(2);
    }

    /** "Count IP Addrs" / "Count IPvX Addr": the number of addresses in the message. */
    public int addressCount() {
        return u8(3);
    }

    /** VRRPv2 Auth Type (byte 4). */
    public int authType() {
        return u8(4);
    }

    /** VRRPv2 Adver Int in seconds (byte 5). */
    public int advertIntervalSeconds() {
        return u8(5);
    }

    /** VRRPv3 Max Adver Int in centiseconds: the low 12 bits of bytes 4-5. */
    public int maxAdvertIntervalCentis() {
        return u16(4) & MAX_ADVERT_INTERVAL_CENTIS;
    }

    /** VRRPv3 reserved bits (high 4 bits of byte 4), RFC 5798 5.2.6: "This field MUST be set to zero on transmission and ignored on reception." */
    public int reservedBits() {
        return u8(4) >>> 4;
    }

    /** The advert interval in centiseconds whatever the version: v2 seconds x 100, v3 Max Adver Int. */
    public int advertIntervalCentis() {
        return version() == VERSION_2 ? advertIntervalSeconds() * 100 : maxAdvertIntervalCentis();
    }

    public int checksum() {
        return u16(6);
    }

    /** Length the message must have for its version and address count over {@code family} (RFC "complete VRRP packet"). */
    public int expectedLength(IpFamily family) {
        return expectedLength(version(), addressCount(), family);
    }

    /** Message length for a version, address count and family (v2 over IPv4 adds 8 bytes of authentication data). */
    public static int expectedLength(int version, int addressCount, IpFamily family) {
        int length = HEADER_LENGTH + addressCount * family.addressLength;
        if (version == VERSION_2 && family == IpFamily.IPV4) {
            length += AUTH_DATA_LENGTH;
        }
        return length;
    }

    /** Offset (from the message start) of address {@code index}. */
    public static int addressOffset(int index, IpFamily family) {
        return HEADER_LENGTH + index * family.addressLength;
    }

    /** Address {@code index} of an IPv4 message as a big-endian int. */
    public int ipv4Address(int index) {
        int at = addressOffset(index, IpFamily.IPV4);
        return (u16(at) << 16) | u16(at + 2);
    }

    /** Copies address {@code index} into {@code destination} at {@code destinationOffset}. */
    public void copyAddress(int index, IpFamily family, byte[] destination, int destinationOffset) {
        MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, offset + addressOffset(index, family),
                destination, destinationOffset, family.addressLength);
    }

    /** True when address {@code index} equals the {@code family.addressLength} bytes of {@code address} at {@code addressOffset}. */
    public boolean addressEquals(int index, IpFamily family, byte[] address, int addressOffset) {
        int at = addressOffset(index, family);
        for (int i = 0; i < family.addressLength; i++) {
            if ((byte) u8(at + i) != address[addressOffset + i]) {
                return false;
            }
        }
        return true;
    }

    /** True when any of the message's addresses equals {@code address} at {@code addressOffset}. */
    public boolean containsAddress(IpFamily family, byte[] address, int addressOffset) {
        int count = addressCount();
        for (int i = 0; i < count; i++) {
            if (addressEquals(i, family, address, addressOffset)) {
                return true;
            }
        }
        return false;
    }

    /** Offset (from the message start) of the v2 authentication data, after the addresses. */
    public int authDataOffset() {
        return addressOffset(addressCount(), IpFamily.IPV4);
    }

    /** Compares the 8 bytes of v2 authentication data with {@code expected}, in constant time like keepalived's memcmp_constant_time. */
    public boolean authDataEquals(byte[] expected) {
        int at = authDataOffset();
        int diff = 0;
        for (int i = 0; i < AUTH_DATA_LENGTH; i++) {
            diff |= u8(at + i) ^ (expected[i] & 0xff);
        }
        return diff == 0;
    }

    /** Copies the 8 bytes of v2 authentication data into {@code destination}. */
    public void copyAuthData(byte[] destination, int destinationOffset) {
        MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, offset + authDataOffset(), destination, destinationOffset, AUTH_DATA_LENGTH);
    }

    /** The VRID of the message at {@code offset} without wrapping (for dispatching to an instance); -1 when too short. */
    public static int peekVrid(MemorySegment segment, long offset, int length) {
        return length < 2 ? -1 : segment.get(ValueLayout.JAVA_BYTE, offset + 1) & 0xff;
    }

    // ---- setters (encoding) ----

    public VrrpMessage versionAndType(int version, int type) {
        u8(0, (version << 4) | (type & 0x0f));
        return this;
    }

    public VrrpMessage vrid(int vrid) {
        u8(1, vrid);
        return this;
    }

    public VrrpMessage priority(int priority) {
        u8(2, priority);
        return this;
    }

    public VrrpMessage addressCount(int count) {
        u8(3, count);
        return this;
    }

    public VrrpMessage authType(int authType) {
        u8(4, authType);
        return this;
    }

    public VrrpMessage advertIntervalSeconds(int seconds) {
        u8(5, seconds);
        return this;
    }

    /** Writes the v3 Max Adver Int with the reserved bits zero ("MUST be set to zero on transmission"). */
    public VrrpMessage maxAdvertIntervalCentis(int centis) {
        u16(4, centis & MAX_ADVERT_INTERVAL_CENTIS);
        return this;
    }

    public VrrpMessage checksum(int checksum) {
        u16(6, checksum);
        return this;
    }

    /** Writes address {@code index} from {@code source} at {@code sourceOffset}. */
    public VrrpMessage address(int index, IpFamily family, byte[] source, int sourceOffset) {
        MemorySegment.copy(source, sourceOffset, segment, ValueLayout.JAVA_BYTE, offset + addressOffset(index, family), family.addressLength);
        return this;
    }

    /** Writes the 8 bytes of v2 authentication data after the addresses (set {@link #addressCount(int)} first). */
    public VrrpMessage authData(byte[] authData) {
        MemorySegment.copy(authData, 0, segment, ValueLayout.JAVA_BYTE, offset + authDataOffset(), AUTH_DATA_LENGTH);
        return this;
    }

    /** Sum of the message for the checksum, with the checksum field taken as zero ("For computing the checksum, the checksum field is set to zero"). */
    long sumWithoutChecksumField(long sum, int messageLength) {
        sum = InternetChecksum.add(sum, segment, offset, 6);
        return InternetChecksum.add(sum, segment, offset + HEADER_LENGTH, messageLength - HEADER_LENGTH);
    }

    /** Sum of the whole message including the checksum field, for verification. */
    long sumAll(long sum, int messageLength) {
        return InternetChecksum.add(sum, segment, offset, messageLength);
    }

    /**
     * The message in tcpdump's words, for logs and test failures (allocates), e.g.
     * {@code VRRPv3, Advertisement, vrid 53, prio 200, intvl 100cs, length 20, addrs(3): 192.0.2.120,...}
     * (the same text tcpdump -v prints, which the capture tests check).
     */
    public String format(IpFamily family) {
        if (!hasHeader()) {
            return "VRRP, truncated, length " + length;
        }
        StringBuilder sb = new StringBuilder("VRRPv").append(version()).append(", ")
                .append(type() == TYPE_ADVERTISEMENT ? "Advertisement" : "type " + type())
                .append(", vrid ").append(vrid()).append(", prio ").append(priority());
        if (version() == VERSION_2) {
            sb.append(", authtype ").append(switch (authType()) {
                case AUTH_NONE -> "none";
                case AUTH_PASS -> "simple";
                case AUTH_AH -> "ah";
                default -> String.valueOf(authType());
            }).append(", intvl ").append(advertIntervalSeconds()).append('s');
        } else {
            sb.append(", intvl ").append(maxAdvertIntervalCentis()).append("cs");
        }
        int count = addressCount();
        sb.append(", length ").append(length).append(count > 1 ? ", addrs(" + count + "):" : ", addrs:");
        int shown = Math.min(count, Math.max(0, length - HEADER_LENGTH) / family.addressLength);
        byte[] a = new byte[family.addressLength];
        for (int i = 0; i < shown; i++) {
            copyAddress(i, family, a, 0);
            sb.append(i == 0 ? " " : ",").append(AddressText.format(a, 0, family.addressLength));
        }
        if (version() == VERSION_2 && authType() == AUTH_PASS && family == IpFamily.IPV4
                && length >= authDataOffset() + AUTH_DATA_LENGTH) {
            sb.append(" auth \"");
            for (int i = 0; i < AUTH_DATA_LENGTH; i++) {
                int c = u8(authDataOffset() + i);
                if (c == 0) {
                    break;
                }
                sb.append(c >= 0x20 && c < 0x7f ? (char) c : '.');
            }
            sb.append('"');
        }
        return sb.toString();
    }
}
