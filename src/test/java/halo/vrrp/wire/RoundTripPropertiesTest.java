package halo.vrrp.wire;

import static halo.vrrp.wire.Bytes.seg;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import halo.testing.Gen;
import halo.testing.Property;
import org.junit.jupiter.api.Test;

/** Encode -> decode round trips over generated instances, and the validator on corrupted and random input. */
class RoundTripPropertiesTest {

    /** A generated instance: the sender's and receiver's config (same protocol settings, different source). */
    record Case(WireInstance sender, WireInstance receiver, int priority, List<InetAddress> addresses, String password) {
        @Override
        public String toString() {
            return "v" + sender.version() + " " + sender.family() + " vrid " + sender.vrid() + " prio " + priority
                    + " int " + sender.advertIntervalCentis() + "cs auth " + sender.authType() + " '" + password + "' addrs "
                    + addresses + " unicast " + sender.unicast() + " asV2 " + sender.checksumAsV2();
        }
    }

    private static InetAddress address(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static WireInstance instance(IpFamily family, int version, int vrid, int intervalCentis, int authType,
            String password, List<InetAddress> addresses, boolean unicast, boolean asV2, byte[] source) {
        return new WireInstance().family(family).version(version).vrid(vrid).advertIntervalCentis(intervalCentis)
                .authentication(authType, password).addresses(addresses).unicast(unicast).checksumAsV2(asV2)
                .source(address(source));
    }

    /** A sender and a receiver configured alike (one family, version, VRID, interval, auth, addresses), differing in source. */
    static Case generateCase(Gen g) {
        IpFamily family = g.oneOf(IpFamily.class);
        int version = family == IpFamily.IPV6 ? 3 : g.oneOf(2, 3);
        int interval = version == 2 ? g.intBetween(1, 255) * 100 : g.intBetween(1, VrrpMessage.MAX_ADVERT_INTERVAL_CENTIS);
        int authType = version == 2 ? g.oneOf(0, 1, 2) : 0;
        List<InetAddress> addrs = g.listOf(0, 20, x -> address(x.bytes(family.addressLength, family.addressLength)));
        String password = g.string(ASCII, 1, 12);
        int vrid = g.intBetween(1, 255);
        int priority = g.intWithEdges(0, 255);
        boolean unicast = g.bool();
        boolean asV2 = g.bool();
        byte[] src = g.bytes(family.addressLength, family.addressLength);
        byte[] dst = g.bytes(family.addressLength, family.addressLength);
        return new Case(instance(family, version, vrid, interval, authType, password, addrs, unicast, asV2, src),
                instance(family, version, vrid, interval, authType, password, addrs, unicast, asV2, dst), priority, addrs, password);
    }

    private static final String ASCII;

    static {
        StringBuilder a = new StringBuilder();
        for (char c = 0; c < 128; c++) {
            a.append(c);
        }
        ASCII = a.toString();
    }

    /** Encodes as the wire carries it; returns {packet bytes, message offset}; fills {@code info} as the IP layer would. */
    private static byte[] encode(Case c, PacketInfo info, int[] messageOffset) {
        byte[] out = new byte[Ipv4Header.MIN_LENGTH + IpsecAhHeader.LENGTH + c.sender().messageLength()];
        byte[] destination = new byte[c.sender().family().addressLength];
        if (c.sender().unicast()) {
            // the receiver's own address is the unicast destination
            System.arraycopy(c.receiver().sourceBytes(), 0, destination, 0, destination.length);
        } else {
            System.arraycopy(c.sender().multicastGroupBytes(), 0, destination, 0, destination.length);
        }
        if (destination[0] == (byte) 0xff || (destination[0] & 0xf0) == 0xe0) {
            destination[0] = 10; // a unicast destination must not look multicast
        }
        if (!c.sender().unicast()) {
            System.arraycopy(c.sender().multicastGroupBytes(), 0, destination, 0, destination.length);
        }
        int length;
        if (c.sender().family() == IpFamily.IPV4) {
            length = new AdvertEncoder().encodeIpv4Datagram(c.sender(), c.priority(), 7, seg(out), 0, destination, 0);
            messageOffset[0] = length - c.sender().messageLength();
        } else {
            length = new AdvertEncoder().encodeMessage(c.sender(), c.priority(), seg(out), 0, destination, 0);
            messageOffset[0] = 0;
            info.set(IpFamily.IPV6, c.sender().sourceBytes(), 0, destination, 0, 255, !c.sender().unicast());
        }
        return Arrays.copyOf(out, length);
    }

    private static RxVerdict validate(Case c, byte[] packet, PacketInfo info, RxStatistics stats, int messageOffset) {
        AdvertValidator validator = new AdvertValidator();
        return c.receiver().family() == IpFamily.IPV4
                ? validator.validateIpv4Datagram(c.receiver(), stats, seg(packet), 0, packet.length, info)
                : validator.validateMessage(c.receiver(), stats, seg(packet), messageOffset, packet.length - messageOffset, info);
    }

    @Test
    void encodeThenDecodeGivesBackEveryField() {
        Property.forAll(250, RoundTripPropertiesTest::generateCase, RoundTripPropertiesTest::encodeThenDecodeGivesBackEveryField);
    }

    private static void encodeThenDecodeGivesBackEveryField(Case c) {
        PacketInfo info = new PacketInfo();
        int[] at = new int[1];
        byte[] packet = encode(c, info, at);
        RxStatistics stats = new RxStatistics();
        assertThat(validate(c, packet, info, stats, at[0])).isEqualTo(RxVerdict.ACCEPT);
        assertThat(stats.get(RxCounter.RCVD_ADVERTISEMENTS)).isEqualTo(1);
        assertThat(info.sourceEquals(c.sender().sourceBytes(), 0)).isTrue();

        VrrpMessage m = new VrrpMessage().wrap(seg(packet), at[0], packet.length - at[0]);
        IpFamily family = c.sender().family();
        assertThat(m.length()).isEqualTo(m.expectedLength(family));
        assertThat(m.version()).isEqualTo(c.sender().version());
        assertThat(m.type()).isEqualTo(VrrpMessage.TYPE_ADVERTISEMENT);
        assertThat(m.vrid()).isEqualTo(c.sender().vrid());
        assertThat(m.priority()).isEqualTo(c.priority());
        assertThat(m.advertIntervalCentis()).isEqualTo(c.sender().advertIntervalCentis());
        assertThat(m.addressCount()).isEqualTo(c.addresses().size());
        List<InetAddress> decoded = new ArrayList<>();
        for (int i = 0; i < m.addressCount(); i++) {
            byte[] a = new byte[family.addressLength];
            m.copyAddress(i, family, a, 0);
            decoded.add(address(a));
        }
        assertThat(decoded).isEqualTo(c.addresses());
        if (m.version() == 2) {
            assertThat(m.authType()).isEqualTo(c.sender().authType());
            byte[] auth = new byte[8];
            m.copyAuthData(auth, 0);
            assertThat(auth).isEqualTo(c.sender().authType() == VrrpMessage.AUTH_PASS ? AuthData.fromPassword(c.password()) : new byte[8]);
        } else {
            assertThat(m.reservedBits()).isZero();
        }
    }

    record Flip(Case c, int where) {}

    @Test
    void noSingleBitFlipInTheMessageIsAccepted() {
        Property.forAll(200, g -> new Flip(generateCase(g), g.intBetween(0, 100_000)), f -> noSingleBitFlipInTheMessageIsAccepted(f.c(), f.where()));
    }

    private static void noSingleBitFlipInTheMessageIsAccepted(Case c, int where) {
        // A flip could, rarely, turn the checksum into keepalived's old unicast form, which is accepted on purpose.
        c.receiver().unicastChecksumCompat(WireInstance.UnicastChecksumCompat.NEVER);
        PacketInfo info = new PacketInfo();
        int[] at = new int[1];
        byte[] packet = encode(c, info, at);
        int bit = where % ((packet.length - at[0]) * 8);
        packet[at[0] + bit / 8] ^= (byte) (1 << (bit % 8));
        RxStatistics stats = new RxStatistics();
        RxVerdict verdict = validate(c, packet, info, stats, at[0]);
        assertThat(verdict.accepted()).as("flipped bit %d: %s", bit, verdict).isFalse();
        assertThat(stats.get(verdict.counter())).isEqualTo(1);
        assertThat(stats.toMap().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(1);
    }

    record Garbage(Case c, byte[] garbage, boolean asDatagram) {}

    @Test
    void randomBytesNeverThrowAndMoveOneCounter() {
        Property.forAll(300, g -> new Garbage(generateCase(g), g.bytes(0, g.oneOf(16, 64, 300)), g.bool()),
                x -> randomBytesNeverThrowAndMoveOneCounter(x.c(), x.garbage(), x.asDatagram()));
    }

    private static void randomBytesNeverThrowAndMoveOneCounter(Case c, byte[] garbage, boolean asDatagram) {
        RxStatistics stats = new RxStatistics();
        AdvertValidator validator = new AdvertValidator();
        PacketInfo info = new PacketInfo().set(c.receiver().family(), c.sender().sourceBytes(), 0, null, 0, 255, !c.receiver().unicast());
        RxVerdict verdict = asDatagram && c.receiver().family() == IpFamily.IPV4
                ? validator.validateIpv4Datagram(c.receiver(), stats, seg(garbage), 0, garbage.length, info)
                : validator.validateMessage(c.receiver(), stats, seg(garbage), 0, garbage.length, info);
        long moved = stats.toMap().values().stream().mapToLong(Long::longValue).sum();
        if (verdict.accepted()) {
            assertThat(stats.get(RxCounter.RCVD_ADVERTISEMENTS)).isEqualTo(1);
        } else {
            assertThat(moved).isEqualTo(1);
            assertThat(stats.get(verdict.counter())).isEqualTo(1);
        }
        assertThat(validator.describe("VI", c.receiver())).satisfiesAnyOf(
                s -> assertThat(s).isNull(), s -> assertThat(s).startsWith("("), s -> assertThat(s).startsWith("IPSEC"));
    }
}
