package halo.lvs.ipvs;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * One generic netlink message under construction: nlmsghdr (16 bytes: length, type = the family id, flags, sequence
 * 0 and port 0, which the transport fills in), genlmsghdr (4 bytes: command, version, reserved), then attributes,
 * each a 4-byte header (length, type) and its value padded to 4 bytes (NLA_ALIGN). Headers and plain numbers are in
 * host order; ports and IPv4 masks are in network order as the kernel reads them (nla_get_be16, nla_get_be32).
 */
final class NetlinkWriter {
    private ByteBuffer buf = ByteBuffer.allocate(256).order(ByteOrder.nativeOrder());

    NetlinkWriter(int familyId, int flags, int command) {
        buf.putInt(0).putShort((short) familyId).putShort((short) flags).putInt(0).putInt(0);
        buf.put((byte) command).put((byte) IpvsNetlink.VERSION).putShort((short) 0);
    }

    static int align(int n) {
        return (n + 3) & ~3;
    }

    private void ensure(int n) {
        if (buf.remaining() >= n) return;
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + n + 64))
                .order(ByteOrder.nativeOrder());
        buf.flip();
        bigger.put(buf);
        buf = bigger;
    }

    /** Starts a nested attribute (without NLA_F_NESTED, as libnl's nla_nest_start and the kernel's fill functions). */
    int begin(int type) {
        ensure(4);
        int at = buf.position();
        buf.putShort((short) 0).putShort((short) type);
        return at;
    }

    void end(int at) {
        buf.putShort(at, (short) (buf.position() - at));
    }

    NetlinkWriter attr(int type, byte[] value) {
        int len = 4 + value.length;
        ensure(align(len));
        buf.putShort((short) len).putShort((short) type).put(value);
        for (int i = len; i < align(len); i++) buf.put((byte) 0);
        return this;
    }

    NetlinkWriter u8(int type, int value) {
        return attr(type, new byte[] {(byte) value});
    }

    NetlinkWriter u16(int type, int value) {
        return attr(type, ByteBuffer.allocate(2).order(ByteOrder.nativeOrder()).putShort((short) value).array());
    }

    NetlinkWriter be16(int type, int value) {
        return attr(type, new byte[] {(byte) (value >>> 8), (byte) value});
    }

    NetlinkWriter u32(int type, int value) {
        return attr(type, ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(value).array());
    }

    NetlinkWriter be32(int type, int value) {
        return attr(type, ByteBuffer.allocate(4).order(ByteOrder.BIG_ENDIAN).putInt(value).array());
    }

    /** NLA_PUT_STRING: the text and its terminating NUL. */
    NetlinkWriter string(int type, String value) {
        byte[] b = value.getBytes(StandardCharsets.UTF_8);
        byte[] z = new byte[b.length + 1];
        System.arraycopy(b, 0, z, 0, b.length);
        return attr(type, z);
    }

    /** The finished message, nlmsg_len filled in. */
    byte[] bytes() {
        int len = buf.position();
        buf.putInt(0, len);
        byte[] out = new byte[len];
        buf.get(0, out);
        return out;
    }
}
