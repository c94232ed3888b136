package halo.os;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * ctnetlink's dump request and entry decoding against bytes laid out as the kernel's
 * include/uapi/linux/netfilter/nfnetlink_conntrack.h and ctnetlink_fill_info write them (nested attributes with
 * NLA_F_NESTED, values in network byte order).
 */
class ConntrackTest {

    @Test
    void theDumpRequestIsCtGetWithDumpFlagsAndAnNfgenmsg() {
        byte[] m = Conntrack.dumpRequest(2, 7);
        ByteBuffer b = ByteBuffer.wrap(m).order(ByteOrder.nativeOrder());
        assertThat(m).hasSize(20);
        assertThat(b.getInt(0)).isEqualTo(20);
        assertThat(b.getShort(4) & 0xffff).as("NFNL_SUBSYS_CTNETLINK << 8 | IPCTNL_MSG_CT_GET").isEqualTo(0x0101);
        assertThat(b.getShort(6) & 0xffff).as("NLM_F_REQUEST | NLM_F_DUMP").isEqualTo(0x0301);
        assertThat(b.getInt(8)).isEqualTo(7);
        assertThat(new byte[] {m[16], m[17], m[18], m[19]}).as("nfgenmsg: AF_INET, NFNETLINK_V0, res_id 0")
                .containsExactly(2, 0, 0, 0);
    }

    @Test
    void aDnatEntryDecodesToItsTuplesStateTimeoutAndMark() throws Exception {
        byte[] message = message(0x0100, concat(
                new byte[] {2, 0, 0, 0}, // nfgenmsg
                nested(1, tuple("192.0.2.50", "192.0.2.100", 6, 40000, 8080)),
                nested(2, tuple("198.51.100.21", "192.0.2.50", 6, 8080, 40000)),
                attr(3, be32(0x18e)), // IPS_ASSURED | CONFIRMED | SRC_NAT_DONE ...
                nested(4, nested(1, concat(attr(1, new byte[] {3}), attr(2, new byte[] {7}), attr(3, new byte[] {7})))),
                attr(7, be32(431999)),
                attr(8, be32(0x48000001)),
                attr(12, be32(12345))));
        ByteBuffer datagram = ByteBuffer.wrap(message).order(ByteOrder.nativeOrder());
        List<RtNetlinkCodec.Message> ms = RtNetlinkCodec.split(datagram);
        Conntrack.Entry e = Conntrack.entry(ms.getFirst());
        assertThat(e).isNotNull();
        assertThat(e.protocol()).isEqualTo(6);
        assertThat(e.original()).isEqualTo(new Conntrack.Tuple(ip("192.0.2.50"), 40000, ip("192.0.2.100"), 8080));
        assertThat(e.reply()).isEqualTo(new Conntrack.Tuple(ip("198.51.100.21"), 8080, ip("192.0.2.50"), 40000));
        assertThat(e.tcpStateName()).isEqualTo("ESTABLISHED");
        assertThat(e.active()).isTrue();
        assertThat(e.timeoutSeconds()).isEqualTo(431999);
        assertThat(e.mark()).isEqualTo(0x48000001);
        assertThat(e.status() & Conntrack.IPS_ASSURED).isNotZero();
    }

    @Test
    void aUdpEntryHasNoTcpStateAndIsInactive() throws Exception {
        byte[] message = message(0x0100, concat(new byte[] {10, 0, 0, 0},
                nested(1, tuple6("2001:db8::50", "2001:db8::100", 17, 5353, 53)),
                nested(2, tuple6("2001:db8::21", "2001:db8::50", 17, 53, 5353)),
                attr(7, be32(29))));
        Conntrack.Entry e = Conntrack.entry(RtNetlinkCodec.split(ByteBuffer.wrap(message).order(ByteOrder.nativeOrder()))
                .getFirst());
        assertThat(e.protocol()).isEqualTo(17);
        assertThat(e.original().destination()).isEqualTo(ip("2001:db8::100"));
        assertThat(e.reply().sourcePort()).isEqualTo(53);
        assertThat(e.tcpStateName()).isEmpty();
        assertThat(e.active()).isFalse();
        assertThat(e.timeoutSeconds()).isEqualTo(29);
    }

    @Test
    void anotherMessageOrATruncatedEntryIsSkipped() throws Exception {
        byte[] noReply = message(0x0100, concat(new byte[] {2, 0, 0, 0},
                nested(1, tuple("192.0.2.50", "192.0.2.100", 6, 40000, 8080))));
        assertThat(Conntrack.entry(RtNetlinkCodec.split(ByteBuffer.wrap(noReply).order(ByteOrder.nativeOrder()))
                .getFirst())).isNull();
        byte[] expectation = message(0x0200, new byte[] {2, 0, 0, 0}); // NFNL_SUBSYS_CTNETLINK_EXP
        assertThat(Conntrack.entry(RtNetlinkCodec.split(ByteBuffer.wrap(expectation).order(ByteOrder.nativeOrder()))
                .getFirst())).isNull();
    }

    private static byte[] tuple(String src, String dst, int protocol, int sport, int dport) throws Exception {
        return concat(nested(1, concat(attr(1, ip(src).getAddress()), attr(2, ip(dst).getAddress()))),
                nested(2, concat(attr(1, new byte[] {(byte) protocol}), attr(2, be16(sport)), attr(3, be16(dport)))));
    }

    private static byte[] tuple6(String src, String dst, int protocol, int sport, int dport) throws Exception {
        return concat(nested(1, concat(attr(3, ip(src).getAddress()), attr(4, ip(dst).getAddress()))),
                nested(2, concat(attr(1, new byte[] {(byte) protocol}), attr(2, be16(sport)), attr(3, be16(dport)))));
    }

    private static byte[] message(int type, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(16 + payload.length).order(ByteOrder.nativeOrder());
        b.putInt(16 + payload.length).putShort((short) type).putShort((short) 0x2).putInt(1).putInt(0).put(payload);
        return b.array();
    }

    private static byte[] nested(int type, byte[] content) {
        return attr(type | Conntrack.NLA_F_NESTED, content);
    }

    private static byte[] attr(int type, byte[] data) {
        int len = 4 + data.length;
        ByteBuffer b = ByteBuffer.allocate((len + 3) & ~3).order(ByteOrder.nativeOrder());
        b.putShort((short) len).putShort((short) type).put(data);
        return b.array();
    }

    private static byte[] be16(int v) {
        return new byte[] {(byte) (v >>> 8), (byte) v};
    }

    private static byte[] be32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.BIG_ENDIAN).putInt(v).array();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }

    private static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }
}
