package halo.vrrp.wire;

/**
 * VRRP checksums.
 *
 * <p>VRRPv2, RFC 3768 section 5.3.8: "The checksum is the 16-bit one's complement of the one's complement sum of the
 * entire VRRP message starting with the version field. For computing the checksum, the checksum field is set to zero."
 *
 * <p>VRRPv3, RFC 5798 section 5.2.8: "The checksum is the 16-bit one's complement of the one's complement sum of the
 * entire VRRP message starting with the version field and a "pseudo-header" as defined in Section 8.1 of [RFC2460].
 * The next header field in the "pseudo-header" should be set to 112 (decimal) for VRRP. For computing the checksum,
 * the checksum field is set to zero."
 *
 * <p>Over IPv4, keepalived reads that as an IPv4 pseudo-header {source, destination, zero byte, protocol 112, 16-bit
 * VRRP length} (its {@code ipv4_phdr_t}); Cisco and others leave it out, which keepalived's {@code v3_checksum_as_v2}
 * selects ({@link Form#MESSAGE_ONLY}). Over IPv6 the pseudo-header is RFC 8200's {source, destination, 32-bit length,
 * 24 zero bits, next header 112}, which the kernel also computes for a raw socket with IPV6_CHECKSUM.
 */
public final class VrrpChecksum {
    private VrrpChecksum() {}

    /** What the sum covers besides the message. */
    public enum Form {
        /** The message alone: VRRPv2, and VRRPv3 over IPv4 with {@code v3_checksum_as_v2}. */
        MESSAGE_ONLY,
        /** keepalived's IPv4 pseudo-header (VRRPv3 over IPv4 by default). */
        IPV4_PSEUDO_HEADER,
        /** RFC 8200 section 8.1 pseudo-header (VRRP over IPv6). */
        IPV6_PSEUDO_HEADER
    }

    /** Sum of the pseudo-header for {@code form} (0 for {@link Form#MESSAGE_ONLY}). */
    public static long pseudoHeaderSum(Form form, byte[] source, int sourceOffset, byte[] destination, int destinationOffset, int messageLength) {
        return switch (form) {
            case MESSAGE_ONLY -> 0;
            case IPV4_PSEUDO_HEADER -> {
                long sum = InternetChecksum.add(0, source, sourceOffset, 4);
                sum = InternetChecksum.add(sum, destination, destinationOffset, 4);
                sum = InternetChecksum.addWord(sum, VrrpMessage.IP_PROTOCOL); // zero byte, then protocol
                yield InternetChecksum.addWord(sum, messageLength);
            }
            case IPV6_PSEUDO_HEADER -> {
                long sum = InternetChecksum.add(0, source, sourceOffset, 16);
                sum = InternetChecksum.add(sum, destination, destinationOffset, 16);
                sum = InternetChecksum.addWord(sum, messageLength >>> 16);
                sum = InternetChecksum.addWord(sum, messageLength);
                yield InternetChecksum.addWord(sum, VrrpMessage.IP_PROTOCOL); // 24 zero bits, then next header
            }
        };
    }

    /** The checksum to write into the first {@code messageLength} bytes of {@code message} (its checksum field taken as zero). */
    public static int compute(VrrpMessage message, int messageLength, Form form,
            byte[] source, int sourceOffset, byte[] destination, int destinationOffset) {
        long sum = pseudoHeaderSum(form, source, sourceOffset, destination, destinationOffset, messageLength);
        return InternetChecksum.finish(message.sumWithoutChecksumField(sum, messageLength));
    }

    /** True when the message's checksum is right for {@code form}: the sum over everything, checksum included, is all ones (RFC 1071). */
    public static boolean verify(VrrpMessage message, int messageLength, Form form,
            byte[] source, int sourceOffset, byte[] destination, int destinationOffset) {
        long sum = pseudoHeaderSum(form, source, sourceOffset, destination, destinationOffset, messageLength);
        return InternetChecksum.fold(message.sumAll(sum, messageLength)) == 0xffff;
    }
}
