package halo.vrrp.wire;

import static halo.vrrp.wire.Bytes.addr;
import static halo.vrrp.wire.Bytes.inet;
import static halo.vrrp.wire.Bytes.seg;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each drop reason, made to happen alone, moves exactly its counter; accepted adverts move the received counter. */
class ValidationTest {
    private static final byte[] A4 = addr("192.0.2.1");
    private static final byte[] B4 = addr("192.0.2.2");
    private static final int VRRP_AT = 20;

    private final AdvertEncoder encoder = new AdvertEncoder();
    private final AdvertValidator validator = new AdvertValidator();
    private final RxStatistics stats = new RxStatistics();
    private final PacketInfo info = new PacketInfo();

    private static WireInstance v2() {
        return new WireInstance().version(2).vrid(10).advertIntervalCentis(100)
                .addresses(List.of(inet("192.0.2.10"), inet("192.0.2.11"))).source(inet("192.0.2.1"));
    }

    private static WireInstance v3() {
        return new WireInstance().version(3).vrid(10).advertIntervalCentis(100)
                .addresses(List.of(inet("192.0.2.10"), inet("192.0.2.11"))).source(inet("192.0.2.1"));
    }

    private byte[] datagram(WireInstance sender, int priority) {
        return datagram(sender, priority, null);
    }

    private byte[] datagram(WireInstance sender, int priority, byte[] destination) {
        byte[] out = new byte[200];
        int n = encoder.encodeIpv4Datagram(sender, priority, 1, seg(out), 0, destination, 0);
        return java.util.Arrays.copyOf(out, n);
    }

    private RxVerdict receive(WireInstance receiver, byte[] packet) {
        return validator.validateIpv4Datagram(receiver, stats, seg(packet), 0, packet.length, info);
    }

    /** Recomputes the VRRP checksum after a field was changed on purpose (so only the intended check fails). */
    private static void refreshChecksum(byte[] packet, int at, VrrpChecksum.Form form, byte[] destination) {
        VrrpMessage m = new VrrpMessage().wrap(seg(packet), at, packet.length - at);
        m.checksum(VrrpChecksum.compute(m, packet.length - at, form, A4, 0, destination, 0));
    }

    private void assertOnly(RxCounter... counters) {
        Map<RxCounter, Long> expected = new EnumMap<>(RxCounter.class);
        for (RxCounter c : RxCounter.values()) {
            expected.put(c, 0L);
        }
        for (RxCounter c : counters) {
            expected.merge(c, 1L, Long::sum);
        }
        assertThat(stats.toMap()).isEqualTo(expected);
    }

    @Test
    void aValidAdvertIsAcceptedAndCounted() {
        assertThat(receive(v2(), datagram(v2(), 100))).isEqualTo(RxVerdict.ACCEPT);
        assertOnly(RxCounter.RCVD_ADVERTISEMENTS);
        assertThat(validator.message().priority()).isEqualTo(100);
        assertThat(validator.message().advertIntervalCentis()).isEqualTo(100);
        assertThat(info.sourceEquals(A4, 0)).isTrue();
        assertThat(info.compareSource(B4, 0)).isNegative();
        assertThat(validator.describe("VI_1", v2())).isNull();
    }

    @Test
    void ttlOtherThan255IsDroppedOnMulticastOnly() {
        byte[] packet = datagram(v2(), 100);
        packet[8] = (byte) 254;
        assertThat(receive(v2(), packet)).isEqualTo(RxVerdict.TTL);
        assertOnly(RxCounter.IP_TTL_ERRORS);
        assertThat(validator.describe("VI_1", v2())).isEqualTo("(VI_1) invalid TTL/HL. Received 254 and expect 255");

        stats.reset();
        byte[] unicast = datagram(v2().unicast(true), 100, B4);
        unicast[8] = 64;
        assertThat(receive(v2().unicast(true), unicast)).as("keepalived does not check TTL for unicast").isEqualTo(RxVerdict.ACCEPT);
        assertOnly(RxCounter.RCVD_ADVERTISEMENTS);
    }

    @Test
    void ipv6HopLimitOtherThan255IsDropped() {
        WireInstance v6 = new WireInstance().family(IpFamily.IPV6).version(3).vrid(9).advertIntervalCentis(50)
                .addresses(List.of(inet("2001:db8::9"))).source(inet("fe80::1"));
        byte[] out = new byte[v6.messageLength()];
        encoder.encodeMessage(v6, 100, seg(out), 0, null, 0);
        info.set(IpFamily.IPV6, addr("fe80::1"), 0, WireInstance.IPV6_GROUP, 0, 64, true);
        assertThat(validator.validateMessage(v6, stats, seg(out), 0, out.length, info)).isEqualTo(RxVerdict.TTL);
        assertOnly(RxCounter.IP_TTL_ERRORS);
        stats.reset();
        info.set(IpFamily.IPV6, addr("fe80::1"), 0, WireInstance.IPV6_GROUP, 0, 255, true);
        assertThat(validator.validateMessage(v6, stats, seg(out), 0, out.length, info)).isEqualTo(RxVerdict.ACCEPT);
        assertOnly(RxCounter.RCVD_ADVERTISEMENTS);
    }

    @Test
    void ipTotalLengthMismatchIsAPacketLengthError() {
        byte[] packet = datagram(v2(), 100);
        packet[3] = (byte) (packet[3] + 4);
        assertThat(receive(v2(), packet)).isEqualTo(RxVerdict.IP_LENGTH);
        assertOnly(RxCounter.PACKET_LENGTH_ERRORS);
        stats.reset();
        assertThat(validator.validateIpv4Datagram(v2(), stats, seg(packet), 0, 12, info)).isEqualTo(RxVerdict.IP_LENGTH);
        assertOnly(RxCounter.PACKET_LENGTH_ERRORS);
    }

    @Test
    void messageNotMatchingItsAddressCountIsAPacketLengthError() {
        byte[] packet = datagram(v2(), 100);
        byte[] longer = java.util.Arrays.copyOf(packet, packet.length + 4);
        longer[3] = (byte) longer.length; // keep the IP total length right: only the VRRP length is wrong
        assertThat(receive(v2(), longer)).isEqualTo(RxVerdict.PACKET_LENGTH);
        assertOnly(RxCounter.PACKET_LENGTH_ERRORS);
        assertThat(validator.describe("VI_1", v2())).isEqualTo("(VI_1) vrrp packet too long, length 48 and expect 44");

        stats.reset();
        packet[VRRP_AT + 3] = 3; // claims 3 addresses, carries 2
        assertThat(receive(v2(), packet)).isEqualTo(RxVerdict.PACKET_LENGTH);
        assertOnly(RxCounter.PACKET_LENGTH_ERRORS);
    }

    @Test
    void wrongVersionIsAVersionError() {
        assertThat(receive(v2(), datagram(v3(), 100))).isEqualTo(RxVerdict.VERSION);
        assertOnly(RxCounter.VERSION_ERRORS);
        assertThat(validator.describe("VI_1", v2())).isEqualTo("(VI_1) wrong version. Received 3 and expect 2");
    }

    @Test
    void unknownTypeIsAnInvalidTypePacket() {
        byte[] packet = datagram(v2(), 100);
        packet[VRRP_AT] = 0x22;
        refreshChecksum(packet, VRRP_AT, VrrpChecksum.Form.MESSAGE_ONLY, null);
        assertThat(receive(v2(), packet)).isEqualTo(RxVerdict.INVALID_TYPE);
        assertOnly(RxCounter.RCVD_INVALID_TYPE);
    }

    @Test
    void badChecksumIsAChecksumError() {
        byte[] packet = datagram(v2(), 100);
        packet[VRRP_AT + 7] ^= 1;
        assertThat(receive(v2(), packet)).isEqualTo(RxVerdict.CHECKSUM);
        assertOnly(RxCounter.CHECKSUM_ERRORS);
        assertThat(validator.describe("VI_1", v2())).isEqualTo("(VI_1) Invalid VRRPv2 checksum");

        stats.reset();
        byte[] v3 = datagram(v3(), 100);
        v3[VRRP_AT + 2] = 99; // priority changed after the checksum was computed
        assertThat(receive(v3(), v3)).isEqualTo(RxVerdict.CHECKSUM);
        assertOnly(RxCounter.CHECKSUM_ERRORS);
    }

    @Test
    void otherVridIsAVridError() {
        byte[] packet = datagram(v2().vrid(11), 100);
        assertThat(receive(v2(), packet)).isEqualTo(RxVerdict.VRID);
        assertOnly(RxCounter.VRID_ERRORS);
        assertThat(VrrpMessage.peekVrid(seg(packet), VRRP_AT, 8)).isEqualTo(11);
    }

    @Test
    void unknownAuthTypeIsAnInvalidAuthType() {
        byte[] packet = datagram(v2(), 100);
        packet[VRRP_AT + 4] = 3;
        refreshChecksum(packet, VRRP_AT, VrrpChecksum.Form.MESSAGE_ONLY, null);
        assertThat(receive(v2(), packet)).isEqualTo(RxVerdict.INVALID_AUTH_TYPE);
        assertOnly(RxCounter.INVALID_AUTH_TYPE);
        assertThat(validator.describe("VI_1", v2())).isEqualTo("(VI_1) Invalid auth type: 3");
    }

    @Test
    void otherAuthTypeIsAnAuthTypeMismatch() {
        WireInstance pass = v2().authentication(VrrpMessage.AUTH_PASS, "secret");
        assertThat(receive(pass, datagram(v2(), 100))).isEqualTo(RxVerdict.AUTH_TYPE_MISMATCH);
        assertOnly(RxCounter.AUTH_TYPE_MISMATCH);
        assertThat(validator.describe("VI_1", pass)).isEqualTo("(VI_1) received a 0 auth, expecting 1!");
    }

    @Test
    void wrongPasswordIsAnAuthFailure() {
        byte[] packet = datagram(v2().authentication(VrrpMessage.AUTH_PASS, "secret"), 100);
        assertThat(receive(v2().authentication(VrrpMessage.AUTH_PASS, "secrets"), packet)).isEqualTo(RxVerdict.AUTH_PASSWORD);
        assertOnly(RxCounter.AUTH_FAILURES);
        stats.reset();
        // Only the first 8 bytes count: both truncate to "secret12".
        byte[] long1 = datagram(v2().authentication(VrrpMessage.AUTH_PASS, "secret12-a"), 100);
        assertThat(receive(v2().authentication(VrrpMessage.AUTH_PASS, "secret12-b"), long1)).isEqualTo(RxVerdict.ACCEPT);
        assertOnly(RxCounter.RCVD_ADVERTISEMENTS);
    }

    private static WireInstance ah() {
        return v2().authentication(VrrpMessage.AUTH_AH, "ah-key");
    }

    /** Recomputes the AH ICV of {@code packet} with the key, as a sender holding the key would. */
    private static void resignAh(byte[] packet, String key) {
        byte[] headers = java.util.Arrays.copyOf(packet, 44);
        AdvertEncoder.zeroMutableFields(headers, 20, false);
        byte[] digest = new byte[16];
        byte[] k = AuthData.fromPassword(key);
        new HmacMd5().key(k, 0, 8).start().update(headers, 0, 44).update(packet, 44, packet.length - 44).finish(digest, 0);
        System.arraycopy(digest, 0, packet, 20 + IpsecAhHeader.ICV_OFFSET, IpsecAhHeader.ICV_LENGTH);
    }

    @Test
    void ahIcvMismatchIsAnAuthFailure() {
        byte[] packet = datagram(ah(), 100);
        packet[44 + 2] = 101; // priority changed, VRRP checksum fixed, ICV not
        refreshChecksum(packet, 44, VrrpChecksum.Form.MESSAGE_ONLY, null);
        assertThat(receive(ah(), packet)).isEqualTo(RxVerdict.AUTH_AH_ICV);
        assertOnly(RxCounter.AUTH_FAILURES);
        stats.reset();
        resignAh(packet, "ah-key");
        assertThat(receive(ah(), packet)).isEqualTo(RxVerdict.ACCEPT);
        assertThat(validator.message().priority()).isEqualTo(101);
    }

    @Test
    void ahSpiOtherThanTheSourceIsAnAuthFailure() {
        byte[] packet = datagram(ah(), 100);
        packet[20 + 7] = 9; // SPI 192.0.2.9
        resignAh(packet, "ah-key");
        assertThat(receive(ah(), packet)).isEqualTo(RxVerdict.AUTH_AH_SPI);
        assertOnly(RxCounter.AUTH_FAILURES);
    }

    @Test
    void ahReplayIsAnAuthFailure() {
        WireInstance receiver = ah();
        byte[] packet = datagram(ah(), 100);
        assertThat(receive(receiver, packet)).isEqualTo(RxVerdict.ACCEPT);
        assertThat(receiver.ahSequence()).isEqualTo(1);
        assertThat(receive(receiver, packet)).isEqualTo(RxVerdict.AUTH_AH_SEQUENCE);
        assertOnly(RxCounter.RCVD_ADVERTISEMENTS, RxCounter.AUTH_FAILURES);
        assertThat(validator.describe("VI_1", receiver))
                .isEqualTo("(VI_1) IPSEC-AH : sequence number 1 already processed. Packet dropped. Local(1)");
    }

    @Test
    void ahPresenceMustMatchTheConfiguration() {
        assertThat(receive(v2(), datagram(ah(), 100))).isEqualTo(RxVerdict.AUTH_TYPE_MISMATCH);
        assertOnly(RxCounter.AUTH_TYPE_MISMATCH);
        stats.reset();
        assertThat(receive(ah(), datagram(v2(), 100))).isEqualTo(RxVerdict.AUTH_TYPE_MISMATCH);
        assertOnly(RxCounter.AUTH_TYPE_MISMATCH);
    }

    @Test
    void ahForAnotherProtocolOrAnotherIpProtocolIsNotVrrp() {
        byte[] packet = datagram(ah(), 100);
        packet[20] = 6;
        assertThat(receive(ah(), packet)).isEqualTo(RxVerdict.NOT_VRRP);
        assertOnly(RxCounter.OTHER_DISCARDS);
        stats.reset();
        byte[] udp = datagram(v2(), 100);
        udp[9] = 17;
        assertThat(receive(v2(), udp)).isEqualTo(RxVerdict.NOT_VRRP);
        assertOnly(RxCounter.OTHER_DISCARDS);
    }

    @Test
    void v2IntervalMismatchIsAnAdvIntervalError() {
        assertThat(receive(v2(), datagram(v2().advertIntervalCentis(200), 100))).isEqualTo(RxVerdict.ADVERT_INTERVAL);
        assertOnly(RxCounter.ADV_INTERVAL_ERRORS);
        assertThat(validator.describe("VI_1", v2())).isEqualTo("(VI_1) advertisement interval mismatch mine=1 sec rcv'd=2 sec");
        stats.reset();
        // v3 does not drop: a backup adopts the master's interval.
        assertThat(receive(v3(), datagram(v3().advertIntervalCentis(7), 100))).isEqualTo(RxVerdict.ACCEPT);
        assertThat(validator.message().advertIntervalCentis()).isEqualTo(7);
        assertOnly(RxCounter.RCVD_ADVERTISEMENTS);
    }

    @Test
    void unicastAdvertToAMulticastInstanceIsAnAddressListError() {
        assertThat(receive(v2(), datagram(v2(), 100, B4))).isEqualTo(RxVerdict.MULTICAST_UNICAST_MISMATCH);
        assertOnly(RxCounter.ADDRESS_LIST_ERRORS);
        assertThat(validator.describe("VI_1", v2())).isEqualTo("(VI_1) Expected multicast packet but received unicast packet");
    }

    @Test
    void addressCountMismatchIsAnAddressListError() {
        WireInstance one = v2().addresses(List.of(inet("192.0.2.10")));
        assertThat(receive(v2(), datagram(one, 100))).isEqualTo(RxVerdict.ADDRESS_COUNT);
        assertOnly(RxCounter.ADDRESS_LIST_ERRORS);
        assertThat(validator.describe("VI_1", v2())).isEqualTo("(VI_1) received an unexpected ip number count 1, expected 2!");
    }

    @Test
    void theSameAddressesInAnotherOrderAreAccepted() {
        WireInstance reordered = v2().addresses(List.of(inet("192.0.2.11"), inet("192.0.2.10")));
        assertThat(receive(v2(), datagram(reordered, 100))).isEqualTo(RxVerdict.ACCEPT);
        assertOnly(RxCounter.RCVD_ADVERTISEMENTS);
    }

    @Test
    void addressListMismatchIsAnAddressListErrorUnlessFromTheOwner() {
        WireInstance other = v2().addresses(List.of(inet("192.0.2.10"), inet("192.0.2.12")));
        assertThat(receive(v2(), datagram(other, 100))).isEqualTo(RxVerdict.ADDRESS_LIST);
        assertOnly(RxCounter.ADDRESS_LIST_ERRORS);
        assertThat(validator.describe("VI_1", v2()))
                .isEqualTo("(VI_1) ip address associated with VRID 10 not present in MASTER advert : 192.0.2.11");

        stats.reset();
        assertThat(receive(v2(), datagram(other, 255))).isEqualTo(RxVerdict.ACCEPT_OWNER_ADDRESS_MISMATCH);
        assertThat(RxVerdict.ACCEPT_OWNER_ADDRESS_MISMATCH.accepted()).isTrue();
        assertOnly(RxCounter.ADDRESS_LIST_ERRORS, RxCounter.RCVD_ADVERTISEMENTS);
        assertThat(validator.describe("VI_1", v2())).endsWith("192.0.2.11 - accepted from the address owner");

        stats.reset();
        // keepalived 2.2.7's behaviour: the owner's mismatching advert is dropped too.
        assertThat(receive(v2().acceptOwnerAddressMismatch(false), datagram(other, 255))).isEqualTo(RxVerdict.ADDRESS_LIST);
        assertOnly(RxCounter.ADDRESS_LIST_ERRORS);
    }

    @Test
    void skipCheckAdvAddrSkipsTheCheckForTheMasterAlreadyHeard() {
        WireInstance receiver = v2().skipCheckAdvAddr(true);
        WireInstance other = v2().addresses(List.of(inet("192.0.2.10"), inet("192.0.2.12")));
        // First advert from this master: checked (no master known yet).
        assertThat(receive(receiver, datagram(other, 100))).isEqualTo(RxVerdict.ADDRESS_LIST);
        receiver.lastMaster(info);
        stats.reset();
        assertThat(receive(receiver, datagram(other, 100))).isEqualTo(RxVerdict.ACCEPT);
        assertOnly(RxCounter.RCVD_ADVERTISEMENTS);
        stats.reset();
        // Another sender is checked again.
        assertThat(receive(receiver, datagram(other.source(inet("192.0.2.3")), 100))).isEqualTo(RxVerdict.ADDRESS_LIST);
        assertOnly(RxCounter.ADDRESS_LIST_ERRORS);
    }

    @Test
    void priorityZeroIsAcceptedAndCounted() {
        assertThat(receive(v2(), datagram(v2(), 0))).isEqualTo(RxVerdict.ACCEPT);
        assertOnly(RxCounter.RCVD_ADVERTISEMENTS, RxCounter.RCVD_PRI_ZERO);
    }

    @Test
    void checksAreMadeInRfcOrder() {
        byte[] packet = datagram(v3(), 100);
        packet[8] = 1; // TTL 1
        packet[VRRP_AT + 7] ^= 1; // and a bad checksum
        assertThat(receive(v2(), packet)).as("TTL comes first").isEqualTo(RxVerdict.TTL);
        packet[8] = (byte) 255;
        assertThat(receive(v2(), packet)).as("then the version, before the checksum").isEqualTo(RxVerdict.VERSION);
        assertThat(receive(v3(), packet)).as("then the checksum").isEqualTo(RxVerdict.CHECKSUM);
        assertOnly(RxCounter.IP_TTL_ERRORS, RxCounter.VERSION_ERRORS, RxCounter.CHECKSUM_ERRORS);
    }

    @Test
    void oldUnicastChecksumIsDetectedAndAdoptedAsKeepalivedDoes() {
        // A keepalived 1.3.6 peer sums 224.0.0.18 in the pseudo-header although it unicasts to us.
        WireInstance oldPeer = v3().unicast(true).unicastChecksumCompat(WireInstance.UnicastChecksumCompat.CONFIG);
        byte[] packet = datagram(oldPeer, 100, B4);
        WireInstance receiver = v3().unicast(true).source(inet("192.0.2.2"));
        assertThat(receive(receiver, packet)).isEqualTo(RxVerdict.ACCEPT);
        assertThat(validator.switchedToOldUnicastChecksum()).isTrue();
        assertThat(receiver.unicastChecksumCompat()).isEqualTo(WireInstance.UnicastChecksumCompat.AUTO);
        assertThat(validator.describe("VI_1", receiver)).isEqualTo("(VI_1) Setting unicast VRRPv3 checksum to old version");
        assertOnly(RxCounter.RCVD_ADVERTISEMENTS);
        // From now on we send the old form too, which the old peer accepts.
        byte[] reply = datagram(receiver, 100, A4);
        stats.reset();
        assertThat(receive(v3().unicast(true).unicastChecksumCompat(WireInstance.UnicastChecksumCompat.CONFIG), reply))
                .isEqualTo(RxVerdict.ACCEPT);

        stats.reset();
        WireInstance never = v3().unicast(true).unicastChecksumCompat(WireInstance.UnicastChecksumCompat.NEVER);
        assertThat(receive(never, packet)).isEqualTo(RxVerdict.CHECKSUM);
        assertThat(never.unicastChecksumCompat()).isEqualTo(WireInstance.UnicastChecksumCompat.NEVER);
        assertOnly(RxCounter.CHECKSUM_ERRORS);
    }

    @Test
    void v3ChecksumAsV2IsAcceptedOnlyWhenConfigured() {
        byte[] packet = datagram(v3().checksumAsV2(true), 100);
        assertThat(receive(v3().checksumAsV2(true), packet)).isEqualTo(RxVerdict.ACCEPT);
        assertThat(receive(v3(), packet)).isEqualTo(RxVerdict.CHECKSUM);
        assertOnly(RxCounter.RCVD_ADVERTISEMENTS, RxCounter.CHECKSUM_ERRORS);
    }

    @Test
    void ipv6ChecksumIsVerifiedWhenTheDestinationIsKnown() {
        WireInstance v6 = new WireInstance().family(IpFamily.IPV6).version(3).vrid(9).advertIntervalCentis(50)
                .addresses(List.of(inet("2001:db8::9"))).source(inet("fe80::1"));
        byte[] out = new byte[v6.messageLength()];
        encoder.encodeMessage(v6, 100, seg(out), 0, null, 0);
        out[2] = 101;
        info.set(IpFamily.IPV6, addr("fe80::1"), 0, WireInstance.IPV6_GROUP, 0, 255, true);
        assertThat(validator.validateMessage(v6, stats, seg(out), 0, out.length, info)).isEqualTo(RxVerdict.CHECKSUM);
        assertOnly(RxCounter.CHECKSUM_ERRORS);
        stats.reset();
        info.set(IpFamily.IPV6, addr("fe80::1"), 0, null, 0, 255, true);
        assertThat(validator.validateMessage(v6, stats, seg(out), 0, out.length, info))
                .as("without IPV6_PKTINFO the kernel's IPV6_CHECKSUM is trusted").isEqualTo(RxVerdict.ACCEPT);
    }

    @Test
    void v3IgnoresAuthentication() {
        WireInstance configured = v3().authentication(VrrpMessage.AUTH_PASS, "secret");
        byte[] packet = datagram(configured, 100);
        assertThat(packet).hasSize(20 + 16);
        assertThat(receive(v3(), packet)).isEqualTo(RxVerdict.ACCEPT);
        assertThat(receive(configured, datagram(v3(), 100))).isEqualTo(RxVerdict.ACCEPT);
    }

    @Test
    void withCheckUnicastSrcOnlyConfiguredPeersAreAccepted() {
        WireInstance receiver = v2().source(inet("192.0.2.2")).unicastPeer(inet("192.0.2.1"), 0, 255).checkUnicastSource(true);
        assertThat(receive(receiver, datagram(v2().unicast(true), 100, B4))).isEqualTo(RxVerdict.ACCEPT);
        assertOnly(RxCounter.RCVD_ADVERTISEMENTS);
        stats.reset();
        assertThat(receive(receiver, datagram(v2().unicast(true).source(inet("192.0.2.3")), 100, B4)))
                .isEqualTo(RxVerdict.UNICAST_SOURCE);
        assertOnly(RxCounter.OTHER_DISCARDS);
        assertThat(validator.describe("VI_1", receiver)).isEqualTo("(VI_1) unicast source address 192.0.2.3 not a unicast peer");
        stats.reset();
        // Without check_unicast_src any sender goes.
        WireInstance open = v2().source(inet("192.0.2.2")).unicastPeer(inet("192.0.2.1"), 0, 255);
        assertThat(receive(open, datagram(v2().unicast(true).source(inet("192.0.2.3")), 100, B4))).isEqualTo(RxVerdict.ACCEPT);
    }

    @Test
    void unicastPeerTtlOutsideItsRangeIsAnIpTtlError() {
        WireInstance receiver = v2().source(inet("192.0.2.2")).unicastPeer(inet("192.0.2.1"), 250, 255).checkUnicastSource(true);
        byte[] packet = datagram(v2().unicast(true), 100, B4);
        packet[8] = 64;
        assertThat(receive(receiver, packet)).isEqualTo(RxVerdict.TTL_RANGE);
        assertOnly(RxCounter.IP_TTL_ERRORS);
        assertThat(validator.describe("VI_1", receiver)).isEqualTo("(VI_1) TTL/HL 64 not in range 250 - 255");
    }

    @Test
    void v3ReservedBitsAreIgnoredOnReception() {
        byte[] packet = datagram(v3(), 100);
        packet[VRRP_AT + 4] |= (byte) 0xf0; // "MUST be set to zero on transmission and ignored on reception"
        refreshChecksum(packet, VRRP_AT, VrrpChecksum.Form.IPV4_PSEUDO_HEADER, WireInstance.IPV4_GROUP);
        assertThat(receive(v3(), packet)).isEqualTo(RxVerdict.ACCEPT);
        assertThat(validator.message().reservedBits()).isEqualTo(0xf);
        assertThat(validator.message().maxAdvertIntervalCentis()).isEqualTo(100);
    }

    @Test
    void v3ZeroIntervalIsAnAdvIntervalError() {
        byte[] packet = datagram(v3(), 100);
        packet[VRRP_AT + 4] = 0;
        packet[VRRP_AT + 5] = 0;
        refreshChecksum(packet, VRRP_AT, VrrpChecksum.Form.IPV4_PSEUDO_HEADER, WireInstance.IPV4_GROUP);
        assertThat(receive(v3(), packet)).isEqualTo(RxVerdict.ADVERT_INTERVAL);
        assertOnly(RxCounter.ADV_INTERVAL_ERRORS);
        assertThat(validator.describe("VI_1", v3())).isEqualTo("(VI_1) received advert with Max Advertise Interval 0");
    }

    @Test
    void ahIsCheckedOverAnIpHeaderWithOptions() {
        byte[] plain = datagram(ah(), 100);
        // Insert 4 bytes of IP options (NOPs) after the 20-byte header: IHL 6, total length + 4.
        byte[] packet = new byte[plain.length + 4];
        System.arraycopy(plain, 0, packet, 0, 20);
        packet[20] = packet[21] = packet[22] = packet[23] = 1;
        System.arraycopy(plain, 20, packet, 24, plain.length - 20);
        packet[0] = 0x46;
        packet[3] = (byte) packet.length;
        byte[] headers = java.util.Arrays.copyOf(packet, 48);
        AdvertEncoder.zeroMutableFields(headers, 24, false);
        byte[] digest = new byte[16];
        byte[] key = AuthData.fromPassword("ah-key");
        new HmacMd5().key(key, 0, 8).start().update(headers, 0, 48).update(packet, 48, packet.length - 48).finish(digest, 0);
        System.arraycopy(digest, 0, packet, 24 + IpsecAhHeader.ICV_OFFSET, IpsecAhHeader.ICV_LENGTH);
        new Ipv4Header().wrap(seg(packet), 0, packet.length).updateHeaderChecksum();
        assertThat(receive(ah(), packet)).isEqualTo(RxVerdict.ACCEPT);
        assertThat(validator.message().format(IpFamily.IPV4))
                .isEqualTo("VRRPv2, Advertisement, vrid 10, prio 100, authtype ah, intvl 1s, length 24, addrs(2): 192.0.2.10,192.0.2.11");
        packet[22] = 0; // an option byte changed: the ICV covers the options
        assertThat(receive(ah(), packet)).isEqualTo(RxVerdict.AUTH_AH_ICV);
    }
}
