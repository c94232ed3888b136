package halo.vrrp.wire;

import java.lang.foreign.MemorySegment;

/**
 * Writes adverts into a caller's buffer, as keepalived builds them (vrrp_build_vrrp_v2/v3, vrrp_build_ip4,
 * vrrp_build_ipsecah, vrrp_update_pkt). One encoder per thread; reusable, no allocation per advert.
 *
 * <p>Two forms: {@link #encodeMessage} writes the VRRP message alone, for sockets where the kernel builds the IP header
 * (IPv6, or IPv4 without IP_HDRINCL); {@link #encodeIpv4Datagram} writes IPv4 header (+ AH) + message, for IP_HDRINCL,
 * AF_PACKET and comparisons with captures.
 */
public final class AdvertEncoder {
    private final VrrpMessage message = new VrrpMessage();
    private final Ipv4Header ip = new Ipv4Header();
    private final IpsecAhHeader ah = new IpsecAhHeader();
    private final HmacMd5 hmac = new HmacMd5();
    private final byte[] digest = new byte[HmacMd5.DIGEST_LENGTH];
    private final byte[] headers = new byte[Ipv4Header.MIN_LENGTH + IpsecAhHeader.LENGTH];
    private static final byte[] ZERO_AUTH = new byte[VrrpMessage.AUTH_DATA_LENGTH];

    /**
     * Writes {@code instance}'s advert with {@code priority} at {@code offset} and returns its length.
     * {@code destination} (at {@code destinationOffset}) is where it goes, for the pseudo-header: null means the
     * instance's multicast group; pass the peer for unicast.
     */
    public int encodeMessage(WireInstance instance, int priority, MemorySegment segment, long offset,
            byte[] destination, int destinationOffset) {
        int length = instance.messageLength();
        IpFamily family = instance.family();
        message.wrap(segment, offset, length);
        message.versionAndType(instance.version(), VrrpMessage.TYPE_ADVERTISEMENT)
                .vrid(instance.vrid())
                .priority(priority)
                .addressCount(instance.addressCount());
        if (instance.version() == VrrpMessage.VERSION_2) {
            // RFC 3768 5.3.7: "The Advertisement interval indicates the time interval (in seconds) between ADVERTISEMENTS."
            message.authType(instance.authType()).advertIntervalSeconds(instance.advertIntervalCentis() / 100);
        } else {
            // RFC 5798 5.2.7: "The Maximum Advertisement Interval is a 12-bit field that indicates the time interval
            // (in centiseconds) between ADVERTISEMENTS." The 4 reserved bits before it are zero.
            message.maxAdvertIntervalCentis(instance.advertIntervalCentis());
        }
        message.checksum(0);
        byte[] addresses = instance.addressBytes();
        for (int i = 0; i < instance.addressCount(); i++) {
            message.address(i, family, addresses, i * family.addressLength);
        }
        if (instance.version() == VrrpMessage.VERSION_2 && family == IpFamily.IPV4) {
            // keepalived copies the password for PASS only; for none and AH the 8 bytes stay zero.
            message.authData(instance.authType() == VrrpMessage.AUTH_PASS ? instance.authData() : ZERO_AUTH);
        }
        byte[] dst = destination;
        int dstOffset = destinationOffset;
        if (dst == null || instance.checksumForm() == VrrpChecksum.Form.IPV4_PSEUDO_HEADER
                && instance.unicastChecksumCompat().usesOldForm()) {
            // keepalived 1.3.6 and earlier put the multicast group in the pseudo-header even when unicasting.
            dst = instance.multicastGroupBytes();
            dstOffset = 0;
        }
        // Everything in the sum but the priority is the instance's configuration: summed once, then cached.
        long sum = instance.cachedTxSum(dst, dstOffset);
        if (sum < 0) {
            sum = VrrpChecksum.pseudoHeaderSum(instance.checksumForm(), instance.sourceBytes(), 0, dst, dstOffset, length);
            sum = message.sumWithoutChecksumField(sum, length) - ((priority & 0xff) << 8);
            instance.cacheTxSum(dst, dstOffset, sum);
        }
        message.checksum(InternetChecksum.finish(sum + ((priority & 0xff) << 8)));
        return length;
    }

    /**
     * Writes an IPv4 datagram as keepalived sends it with IP_HDRINCL: a 20-byte header (TOS 0xc0, {@code identification},
     * no fragment bits, the instance's TTL, protocol 112 or 51), for {@code auth_type AH} the IPSEC-AH header with the
     * next sequence number and the HMAC-MD5-96 ICV, then the message. Returns the total length.
     * {@code destination} null means the multicast group.
     */
    public int encodeIpv4Datagram(WireInstance instance, int priority, int identification, MemorySegment segment, long offset,
            byte[] destination, int destinationOffset) {
        if (instance.family() != IpFamily.IPV4) {
            throw new IllegalArgumentException("not an IPv4 instance");
        }
        boolean withAh = instance.version() == VrrpMessage.VERSION_2 && instance.authType() == VrrpMessage.AUTH_AH;
        int headerLength = Ipv4Header.MIN_LENGTH + (withAh ? IpsecAhHeader.LENGTH : 0);
        byte[] dst = destination == null ? instance.multicastGroupBytes() : destination;
        int dstOffset = destination == null ? 0 : destinationOffset;
        int messageLength = encodeMessage(instance, priority, segment, offset + headerLength, dst, dstOffset);
        int total = headerLength + messageLength;
        ip.wrap(segment, offset, total).write(total, identification, instance.ttl(),
                withAh ? IpsecAhHeader.IP_PROTOCOL : VrrpMessage.IP_PROTOCOL, instance.sourceBytes(), 0, dst, dstOffset);
        if (withAh) {
            // "Cycled assumed if 0xFFFFFFFD reached ... we stop sending adverts and become BACKUP" (vrrp_update_pkt).
            long sequence = instance.ahSequence();
            if (sequence > 0xFFFFFFFDL) {
                instance.ahCycled(true);
            } else {
                instance.ahSequence(++sequence);
            }
            ah.wrap(segment, offset + Ipv4Header.MIN_LENGTH).write(ip.source(), instance.ahSequence());
            computeIcv(segment, offset, Ipv4Header.MIN_LENGTH, messageLength, instance);
            ah.icv(digest);
        }
        return total;
    }

    /**
     * keepalived's ICV (RFC 2402 3.3.3.1): HMAC-MD5 over the IP header with its mutable fields zeroed (TOS, fragment
     * field, header checksum, and TTL when unicasting), the AH header with a zero ICV, and the VRRP message.
     */
    private void computeIcv(MemorySegment segment, long offset, int ipHeaderLength, int messageLength, WireInstance instance) {
        int headerBytes = ipHeaderLength + IpsecAhHeader.LENGTH;
        MemorySegment.copy(segment, java.lang.foreign.ValueLayout.JAVA_BYTE, offset, headers, 0, headerBytes);
        zeroMutableFields(headers, ipHeaderLength, instance.unicast());
        hmac.key(instance.authData(), 0, VrrpMessage.AUTH_DATA_LENGTH)
                .start()
                .update(headers, 0, headerBytes)
                .update(segment, offset + headerBytes, messageLength)
                .finish(digest, 0);
    }

    /** Zeroes TOS, fragment field, header checksum, TTL (unicast only) and the AH ICV in a copy of IP + AH headers. */
    static void zeroMutableFields(byte[] headers, int ipHeaderLength, boolean unicast) {
        headers[1] = 0;
        headers[6] = 0;
        headers[7] = 0;
        headers[10] = 0;
        headers[11] = 0;
        if (unicast) {
            headers[8] = 0;
        }
        for (int i = 0; i < IpsecAhHeader.ICV_LENGTH; i++) {
            headers[ipHeaderLength + IpsecAhHeader.ICV_OFFSET + i] = 0;
        }
    }

    /** The next IPv4 identification after {@code previous}, skipping 0 ("kernel will fill in ID if left to 0, so we overflow to 1"). */
    public static int nextIdentification(int previous) {
        int next = (previous + 1) & 0xffff;
        return next == 0 ? 1 : next;
    }
}
