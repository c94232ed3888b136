package halo.os;

import static halo.os.RtNetlinkCodec.HEADER;
import static halo.os.RtNetlinkCodec.NLMSG_DONE;
import static halo.os.RtNetlinkCodec.NLMSG_ERROR;
import static halo.os.RtNetlinkCodec.NLM_F_ACK;
import static halo.os.RtNetlinkCodec.NLM_F_REQUEST;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A generic netlink socket (genetlink, {@code NETLINK_GENERIC}) in the calling thread's network namespace: resolves a
 * family by name through the controller ({@code CTRL_CMD_GETFAMILY}, as libnl's genl_ctrl_resolve does) and exchanges
 * whole messages that a caller's codec built. A refusal becomes a typed {@link NativeException} named after the
 * request, with the errno and the kernel's extended-ack text when it gives one. Thread-safe (one exchange at a time).
 */
public final class GenericNetlink implements AutoCloseable {
    /** The controller's fixed family id (GENL_ID_CTRL = NLMSG_MIN_TYPE). */
    public static final int GENL_ID_CTRL = 0x10;
    static final int CTRL_CMD_NEWFAMILY = 1;
    static final int CTRL_CMD_GETFAMILY = 3;
    static final int CTRL_ATTR_FAMILY_ID = 1;
    static final int CTRL_ATTR_FAMILY_NAME = 2;
    static final int CTRL_ATTR_VERSION = 3;
    static final int CTRL_ATTR_MAXATTR = 5;
    /** struct genlmsghdr: cmd, version, reserved. */
    static final int GENL_HEADER = 4;

    /** A resolved family: its id is the nlmsg_type of its messages. */
    public record Family(String name, int id, int version, int maxAttribute) {}

    private final NetlinkSocket socket;
    private final AtomicInteger sequence = new AtomicInteger((int) (System.nanoTime() & 0x3fffffff));

    private GenericNetlink(NetlinkSocket socket) {
        this.socket = socket;
    }

    public static GenericNetlink open() throws NativeException {
        return new GenericNetlink(new NetlinkSocket(NetlinkSocket.NETLINK_GENERIC, 0, false, "requests"));
    }

    /**
     * The family NAME, or empty when this kernel has none (the controller answers ENOENT: the module is absent and
     * could not be loaded).
     */
    public synchronized Optional<Family> family(String name) throws NativeException {
        List<byte[]> replies;
        try {
            replies = exchange(getFamily(name, 0), "CTRL_CMD_GETFAMILY " + name);
        } catch (NativeException.NotFoundException e) {
            return Optional.empty();
        }
        for (byte[] reply : replies) {
            Family f = family(reply);
            if (f != null) return Optional.of(f);
        }
        return Optional.empty();
    }

    /**
     * Sends REQUEST (a whole message with NLM_F_REQUEST, and NLM_F_ACK or NLM_F_DUMP; its sequence number is set
     * here) and returns the kernel's answers, each a whole message (header included), up to its acknowledgement or
     * the end of the dump. WHAT names the request in an error.
     */
    public synchronized List<byte[]> exchange(byte[] request, String what) throws NativeException {
        int seq = sequence.incrementAndGet();
        byte[] numbered = request.clone();
        ByteBuffer.wrap(numbered).order(ByteOrder.nativeOrder()).putInt(8, seq);
        socket.send(numbered, what);
        List<byte[]> out = new ArrayList<>();
        // a dump comes in several datagrams, ended by NLMSG_DONE; a request by its acknowledgement
        for (int guard = 0; guard < 100_000; guard++) {
            ByteBuffer datagram = socket.receive(what);
            for (RtNetlinkCodec.Message m : RtNetlinkCodec.split(datagram)) {
                if (m.seq() != seq) continue;
                if (m.type() == NLMSG_DONE) {
                    // the dump's own error, when it failed part way (netlink_dump_done's dump_done_errno)
                    int errno = m.payload().limit() >= 4 ? -m.payload().getInt(0) : 0;
                    if (errno > 0) throw NativeException.of(what, errno, "(dump)", Capabilities.CAP_NET_ADMIN);
                    return out;
                }
                if (m.type() == NLMSG_ERROR) {
                    int errno = RtNetlinkCodec.errorOf(m);
                    if (errno == 0) return out;
                    String kernel = RtNetlinkCodec.extendedAckMessage(m, socket.cappedAcks);
                    throw NativeException.of(what, errno, kernel == null ? "" : "(kernel: " + kernel + ")",
                            Capabilities.CAP_NET_ADMIN);
                }
                byte[] whole = new byte[HEADER + m.payload().limit()];
                ByteBuffer w = ByteBuffer.wrap(whole).order(ByteOrder.nativeOrder());
                w.putInt(whole.length).putShort((short) m.type()).putShort((short) m.flags()).putInt(m.seq())
                        .putInt(m.pid());
                m.payload().get(0, whole, HEADER, m.payload().limit());
                out.add(whole);
            }
        }
        throw new IllegalStateException(what + ": no end of the answer");
    }

    /** CTRL_CMD_GETFAMILY for NAME, as libnl's genl_ctrl_probe_by_name sends it (version 1, acknowledged). */
    static byte[] getFamily(String name, int seq) {
        RtNetlinkCodec.Writer w = new RtNetlinkCodec.Writer(GENL_ID_CTRL, NLM_F_REQUEST | NLM_F_ACK, seq);
        w.u8(CTRL_CMD_GETFAMILY).u8(1).u16(0);
        w.attrString(CTRL_ATTR_FAMILY_NAME, name);
        return w.bytes();
    }

    /** A CTRL_CMD_NEWFAMILY answer, or null for another message. */
    static Family family(byte[] message) {
        ByteBuffer b = ByteBuffer.wrap(message).order(ByteOrder.nativeOrder());
        if (message.length < HEADER + GENL_HEADER || (b.getShort(4) & 0xffff) != GENL_ID_CTRL
                || (b.get(HEADER) & 0xff) != CTRL_CMD_NEWFAMILY) {
            return null;
        }
        ByteBuffer payload = b.slice(HEADER, message.length - HEADER).order(ByteOrder.nativeOrder());
        ByteBuffer[] a = RtNetlinkCodec.attributes(payload, GENL_HEADER);
        if (a[CTRL_ATTR_FAMILY_ID] == null || a[CTRL_ATTR_FAMILY_ID].limit() < 2) return null;
        return new Family(a[CTRL_ATTR_FAMILY_NAME] == null ? "" : RtNetlinkCodec.string(a[CTRL_ATTR_FAMILY_NAME]),
                a[CTRL_ATTR_FAMILY_ID].getShort(0) & 0xffff,
                a[CTRL_ATTR_VERSION] == null ? 0 : RtNetlinkCodec.u32(a[CTRL_ATTR_VERSION]),
                a[CTRL_ATTR_MAXATTR] == null ? 0 : RtNetlinkCodec.u32(a[CTRL_ATTR_MAXATTR]));
    }

    @Override
    public void close() {
        socket.close();
    }
}
