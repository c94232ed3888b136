package halo.vrrp.wire;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * One advert's worth of codec work, as the daemon does it per packet: encode (IPv4 datagram, v3; v2 with AH; IPv6
 * message), validate as the receiver, and read what the state machine needs (priority, interval, sender address).
 * Shared by the allocation test and bench/vrrp-codec. Buffers live in a native segment, as the host layer's will.
 */
final class CodecWorkload implements AutoCloseable {
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment buffer = switch (System.getProperty("halo.bench.segment", "confined")) {
        case "heap" -> MemorySegment.ofArray(new byte[256]);
        case "global" -> Arena.global().allocate(256);
        default -> arena.allocate(256);
    };
    private final AdvertEncoder encoder = new AdvertEncoder();
    private final AdvertValidator validator = new AdvertValidator();
    private final PacketInfo info = new PacketInfo();
    private final RxStatistics stats = new RxStatistics();
    private final byte[] senderAddress = new byte[16];
    private final byte[] ipv6Group = WireInstance.IPV6_GROUP.clone();
    private final WireInstance v3Sender;
    private final WireInstance v3Receiver;
    private final WireInstance ahSender;
    private final WireInstance ahReceiver;
    private final WireInstance v6Sender;
    private final WireInstance v6Receiver;
    private int identification;
    private long checksumOfResults;

    CodecWorkload() {
        v3Sender = v4(3, "192.0.2.1").advertIntervalCentis(1);
        v3Receiver = v4(3, "192.0.2.2").advertIntervalCentis(1);
        ahSender = v4(2, "192.0.2.1").advertIntervalCentis(100).authentication(VrrpMessage.AUTH_AH, "ah-key");
        ahReceiver = v4(2, "192.0.2.2").advertIntervalCentis(100).authentication(VrrpMessage.AUTH_AH, "ah-key");
        v6Sender = v6("fe80::1");
        v6Receiver = v6("fe80::2");
    }

    private static InetAddress inet(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static WireInstance v4(int version, String source) {
        return new WireInstance().version(version).vrid(42)
                .addresses(List.of(inet("192.0.2.100"), inet("192.0.2.101"), inet("192.0.2.102"))).source(inet(source));
    }

    private static WireInstance v6(String source) {
        return new WireInstance().family(IpFamily.IPV6).version(3).vrid(42).advertIntervalCentis(1)
                .addresses(List.of(inet("2001:db8::100"), inet("2001:db8::101"))).source(inet(source));
    }

    /** Which adverts {@link #run} makes. */
    enum Mix {
        /** Cycles v3 IPv4, v2 IPv4 with AH, v3 IPv6. */
        ALL,
        V3_IPV4,
        V2_AH,
        V3_IPV6
    }

    /** Runs {@code adverts} adverts of every kind in turn; returns how many were accepted. */
    int run(int adverts) {
        return run(adverts, Mix.ALL);
    }

    /** Runs {@code adverts} adverts of {@code mix}; returns how many were accepted. */
    int run(int adverts, Mix mix) {
        int accepted = 0;
        for (int i = 0; i < adverts; i++) {
            int priority = 1 + (i & 0x7f);
            RxVerdict verdict;
            int kind = mix == Mix.ALL ? i % 3 : mix.ordinal() - 1;
            switch (kind) {
                case 0 -> {
                    identification = AdvertEncoder.nextIdentification(identification);
                    int n = encoder.encodeIpv4Datagram(v3Sender, priority, identification, buffer, 0, null, 0);
                    verdict = validator.validateIpv4Datagram(v3Receiver, stats, buffer, 0, n, info);
                }
                case 1 -> {
                    identification = AdvertEncoder.nextIdentification(identification);
                    int n = encoder.encodeIpv4Datagram(ahSender, priority, identification, buffer, 0, null, 0);
                    verdict = validator.validateIpv4Datagram(ahReceiver, stats, buffer, 0, n, info);
                }
                default -> {
                    int n = encoder.encodeMessage(v6Sender, priority, buffer, 0, null, 0);
                    info.set(IpFamily.IPV6, v6Sender.sourceBytes(), 0, ipv6Group, 0, 255, true);
                    verdict = validator.validateMessage(v6Receiver, stats, buffer, 0, n, info);
                }
            }
            if (verdict.accepted()) {
                accepted++;
                VrrpMessage m = validator.message();
                info.copySource(senderAddress, 0);
                checksumOfResults += m.priority() + m.advertIntervalCentis() + m.addressCount() + senderAddress[3];
            }
        }
        return accepted;
    }

    long receivedAdverts() {
        return stats.get(RxCounter.RCVD_ADVERTISEMENTS);
    }

    long resultChecksum() {
        return checksumOfResults;
    }

    @Override
    public void close() {
        arena.close();
    }
}
