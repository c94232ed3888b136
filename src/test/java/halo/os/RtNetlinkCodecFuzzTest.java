package halo.os;

import static org.assertj.core.api.Assertions.assertThat;

import halo.testing.Gen;
import halo.testing.Property;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The rtnetlink decoder on malformed input: datagrams built from valid messages (links, addresses, routes, rules,
 * errors with the kernel's message) and then truncated, bit-flipped, given huge or negative length fields, or
 * replaced by random bytes. Every decoder either returns a value or throws the codec's typed error
 * (IllegalArgumentException: the monitor and the request path report it); nothing else escapes.
 */
class RtNetlinkCodecFuzzTest {

    private static InetAddress address(byte[] b) {
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An address of the documentation ranges, IPv4 or IPv6. */
    private static InetAddress address(Gen g, boolean v6) {
        byte[] b = v6 ? new byte[16] : new byte[] {(byte) 192, 0, 2, 0};
        if (v6) {
            b[0] = 0x20;
            b[1] = 0x01;
            b[2] = 0x0d;
            b[3] = (byte) 0xb8;
        }
        b[b.length - 1] = (byte) g.intBetween(1, 254);
        return address(b);
    }

    private static byte[] link(Gen g) {
        RtNetlinkCodec.Writer w = new RtNetlinkCodec.Writer(RtNetlinkCodec.RTM_NEWLINK, 0, g.intBetween(0, 100));
        w.u8(0).u8(0).u16(1).u32(g.intBetween(1, 1000)).u32(g.intBetween(0, 0xffff)).u32(0);
        w.attrString(RtNetlinkCodec.IFLA_IFNAME, g.string(Gen.ALNUM, 1, 15));
        w.attr(RtNetlinkCodec.IFLA_ADDRESS, g.bytes(6, 6));
        w.attrU32(RtNetlinkCodec.IFLA_MTU, g.intBetween(68, 9000));
        w.attr(RtNetlinkCodec.IFLA_OPERSTATE, new byte[] {(byte) g.intBetween(0, 6)});
        return w.bytes();
    }

    private static byte[] hostAddress(Gen g) {
        boolean v6 = g.bool();
        HostAddress a = HostAddress.of(g.intBetween(1, 1000), address(g, v6), g.intBetween(0, v6 ? 128 : 32));
        if (g.bool()) {
            a = a.withLabel(g.string(Gen.ALNUM, 1, 14));
        }
        return RtNetlinkCodec.address(g.bool() ? RtNetlinkCodec.RTM_NEWADDR : RtNetlinkCodec.RTM_DELADDR, a, g.intBetween(0, 100));
    }

    private static byte[] route(Gen g) {
        boolean v6 = g.bool();
        Route r = Route.to(address(g, v6), g.intBetween(0, v6 ? 128 : 32)).via(address(g, v6)).dev(g.intBetween(1, 100))
                .table(g.intBetween(1, 100_000)).metric(g.intBetween(0, 1000));
        return RtNetlinkCodec.route(RtNetlinkCodec.RTM_NEWROUTE, r, g.intBetween(0, 100));
    }

    private static byte[] rule(Gen g) {
        boolean v6 = g.bool();
        Rule r = Rule.lookup(v6, g.intBetween(1, 100_000)).from(address(g, v6), v6 ? 128 : 32).priority(g.intBetween(0, 32_000));
        if (g.bool()) {
            r = r.iif(g.string(Gen.ALNUM, 1, 15)).fwmark(g.intBetween(1, 100), 0xff);
        }
        return RtNetlinkCodec.rule(RtNetlinkCodec.RTM_NEWRULE, r, g.intBetween(0, 100));
    }

    /** NLMSG_ERROR with extended ack: errno, the request's header (capped), NLMSGERR_ATTR_MSG. */
    private static byte[] error(Gen g) {
        RtNetlinkCodec.Writer w = new RtNetlinkCodec.Writer(RtNetlinkCodec.NLMSG_ERROR, 0x100 | RtNetlinkCodec.NLM_F_ACK_TLVS, 9);
        w.u32(-g.intBetween(0, 133)).u32(36).u16(RtNetlinkCodec.RTM_NEWADDR).u16(5).u32(9).u32(0);
        w.attrString(RtNetlinkCodec.NLMSGERR_ATTR_MSG, g.string(Gen.ALNUM + " ", 0, 40));
        return w.bytes();
    }

    /** One to three valid messages in one datagram. */
    private static byte[] datagram(Gen g) {
        List<byte[]> parts = g.listOf(1, 3, x -> switch (x.intBetween(0, 4)) {
            case 0 -> link(x);
            case 1 -> hostAddress(x);
            case 2 -> route(x);
            case 3 -> rule(x);
            default -> error(x);
        });
        ByteBuffer b = ByteBuffer.allocate(parts.stream().mapToInt(p -> p.length).sum());
        parts.forEach(b::put);
        return b.array();
    }

    private static final int[] EDGES = {0, 1, 3, 4, 15, 16, 17, 0xffff, 0x7fff_ffff, 0x8000_0000, -1, -16, 0x7fff_fff0};

    /** A valid datagram, then one kind of damage. */
    static byte[] damaged(Gen g) {
        byte[] d = datagram(g);
        ByteBuffer b = ByteBuffer.wrap(d).order(ByteOrder.nativeOrder());
        switch (g.intBetween(0, 5)) {
            case 0 -> d = Arrays.copyOf(d, g.intBetween(0, d.length)); // truncated
            case 1 -> { // bit flips
                for (int i = g.intBetween(1, 8); i > 0; i--) {
                    int bit = g.intBetween(0, d.length * 8 - 1);
                    d[bit / 8] ^= (byte) (1 << (bit % 8));
                }
            }
            case 2 -> b.putInt(g.intBetween(0, d.length / 4 - 1) * 4, g.oneOf(Arrays.stream(EDGES).boxed().toList()));
            case 3 -> b.putShort(g.intBetween(0, d.length / 2 - 1) * 2, (short) g.oneOf(Arrays.stream(EDGES).boxed().toList()).intValue());
            case 4 -> d = g.bytes(0, g.oneOf(16, 64, 600)); // random
            default -> {
                // huge message length in the first header, the rest valid
                b.putInt(0, g.oneOf(Arrays.stream(EDGES).boxed().toList()));
            }
        }
        return d;
    }

    @Test
    void malformedDatagramsDecodeOrFailWithTheTypedError() {
        Property.forAll(3_000, RtNetlinkCodecFuzzTest::damaged, RtNetlinkCodecFuzzTest::decodeEverything);
    }

    @Test
    void aValidDatagramSplitsIntoAllItsMessages() {
        Property.forAll(500, RtNetlinkCodecFuzzTest::datagram, d -> {
            List<RtNetlinkCodec.Message> messages = RtNetlinkCodec.split(ByteBuffer.wrap(d));
            int total = messages.stream().mapToInt(m -> RtNetlinkCodec.align(m.payload().limit() + RtNetlinkCodec.HEADER)).sum();
            assertThat(total).isEqualTo(d.length);
            decodeEverything(d);
        });
    }

    /** Every decoder on every message, whatever its type: a value or IllegalArgumentException, nothing else. */
    private static void decodeEverything(byte[] d) {
        List<RtNetlinkCodec.Message> messages = RtNetlinkCodec.split(ByteBuffer.wrap(d));
        int covered = 0;
        for (RtNetlinkCodec.Message m : messages) {
            assertThat(m.payload().limit()).isNotNegative();
            covered += RtNetlinkCodec.align(m.payload().limit() + RtNetlinkCodec.HEADER);
            List<Runnable> decoders = new ArrayList<>(List.of(() -> RtNetlinkCodec.link(m), () -> RtNetlinkCodec.address(m),
                    () -> RtNetlinkCodec.route(m), () -> RtNetlinkCodec.rule(m), () -> RtNetlinkCodec.errorOf(m),
                    () -> RtNetlinkCodec.extendedAckMessage(m, true), () -> RtNetlinkCodec.extendedAckMessage(m, false)));
            for (Runnable decoder : decoders) {
                try {
                    decoder.run();
                } catch (IllegalArgumentException typed) {
                    assertThat(typed).hasMessageNotContaining("Index");
                }
            }
        }
        // the messages lie within the datagram (the last one's padding may be missing)
        assertThat(covered).isLessThanOrEqualTo(RtNetlinkCodec.align(d.length));
    }
}
