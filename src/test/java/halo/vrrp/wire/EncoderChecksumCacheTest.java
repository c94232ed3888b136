package halo.vrrp.wire;

import static org.assertj.core.api.Assertions.assertThat;

import halo.testing.Property;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The encoder caches each instance's checksum sum (all but the priority): one instance, reconfigured between adverts
 * at random, must always send a checksum that the word-by-word computation over what was sent agrees with.
 */
class EncoderChecksumCacheTest {

    private static InetAddress v4(int a, int b) {
        return InetAddress.ofLiteral("203.0.113." + (a * 16 + b) % 250);
    }

    private static InetAddress v6(int a) {
        return InetAddress.ofLiteral("2001:db8::" + Integer.toHexString(a + 1));
    }

    @Test
    void aReconfiguredInstanceNeverSendsAStaleChecksum() {
        WireInstance w = new WireInstance().family(IpFamily.IPV4).version(3).vrid(1).advertIntervalCentis(100)
                .addresses(List.of(v4(0, 1))).source(InetAddress.ofLiteral("192.0.2.1"));
        AdvertEncoder encoder = new AdvertEncoder();
        byte[] buf = new byte[512];
        MemorySegment seg = MemorySegment.ofArray(buf);
        VrrpMessage message = new VrrpMessage();
        Property.forAll(3_000, g -> g.longBetween(0, Long.MAX_VALUE - 1), seed -> {
            java.util.Random r = new java.util.Random(seed);
            boolean v6 = w.family() == IpFamily.IPV6;
            switch (r.nextInt(10)) {
                case 0 -> {
                    boolean to6 = r.nextBoolean();
                    w.family(to6 ? IpFamily.IPV6 : IpFamily.IPV4).version(3)
                            .addresses(List.of(to6 ? v6(r.nextInt(50)) : v4(r.nextInt(9), r.nextInt(9))))
                            .source(to6 ? v6(100 + r.nextInt(50)) : InetAddress.ofLiteral("192.0.2." + (1 + r.nextInt(200))));
                }
                case 1 -> w.vrid(1 + r.nextInt(255));
                case 2 -> {
                    List<InetAddress> list = new ArrayList<>();
                    for (int i = 0, n = 1 + r.nextInt(5); i < n; i++) list.add(v6 ? v6(r.nextInt(500)) : v4(r.nextInt(15), r.nextInt(15)));
                    w.addresses(list);
                }
                case 3 -> w.source(v6 ? v6(200 + r.nextInt(50)) : InetAddress.ofLiteral("192.0.2." + (1 + r.nextInt(200))));
                case 4 -> w.advertIntervalCentis(w.version() == 3 ? 1 + r.nextInt(4095) : 100 * (1 + r.nextInt(255)));
                case 5 -> {
                    if (!v6) w.version(r.nextBoolean() ? 2 : 3).advertIntervalCentis(100 * (1 + r.nextInt(10)));
                }
                case 6 -> w.checksumAsV2(r.nextBoolean());
                case 7 -> {
                    if (w.version() == 2) w.authentication(VrrpMessage.AUTH_PASS, "pw" + r.nextInt(1000));
                }
                case 8 -> w.multicastGroup(v6 ? InetAddress.ofLiteral("ff02::" + (0x12 + r.nextInt(5)))
                        : InetAddress.ofLiteral("224.0.0." + (18 + r.nextInt(5))));
                default -> { } // same configuration: the cached sum is used
            }
            int priority = r.nextInt(256);
            boolean unicast = r.nextBoolean();
            byte[] peer = (w.family() == IpFamily.IPV6 ? v6(300 + r.nextInt(3)) : v4(14, r.nextInt(3))).getAddress();
            int len = encoder.encodeMessage(w, priority, seg, 0, unicast ? peer : null, 0);
            message.wrap(seg, 0, len);
            byte[] dst = unicast ? peer : w.multicastGroupBytes();
            assertThat(VrrpChecksum.verify(message, len, w.checksumForm(), w.sourceBytes(), 0, dst, 0))
                    .as("checksum of %s", message.format(w.family())).isTrue();
            assertThat(message.priority()).isEqualTo(priority);
        });
    }
}
