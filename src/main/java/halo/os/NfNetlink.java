package halo.os;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * An nfnetlink socket ({@code NETLINK_NETFILTER}) in the calling thread's network namespace that commits nf_tables
 * messages as one batch: {@code NFNL_MSG_BATCH_BEGIN}, the messages, {@code NFNL_MSG_BATCH_END} in one datagram,
 * which the kernel applies as one transaction or not at all. It keeps no cache of the ruleset (libnftables 1.0.6 reads
 * every table's chains, sets and objects before each command, which costs hundreds of milliseconds at a thousand
 * services): the caller knows what it changes. A refusal becomes a typed {@link NativeException} with the kernel's
 * extended-ack text. One thread at a time.
 */
public final class NfNetlink implements AutoCloseable {
    static final int NFNL_MSG_BATCH_BEGIN = 0x10;
    static final int NFNL_MSG_BATCH_END = 0x11;
    static final int NFNL_SUBSYS_NFTABLES = 10;
    /** The largest batch one datagram carries (NetlinkSocket's buffer). */
    public static final int MAX_BATCH = 60 * 1024;

    private final NetlinkSocket socket;
    private int sequence = (int) (System.nanoTime() & 0x3fffffff);

    private NfNetlink(NetlinkSocket socket) {
        this.socket = socket;
    }

    public static NfNetlink open() throws NativeException {
        return new NfNetlink(new NetlinkSocket(NetlinkSocket.NETLINK_NETFILTER, 0, false, "nf_tables batches"));
    }

    /** A batch's begin or end message (AF_UNSPEC, res_id the nf_tables subsystem, as libnftnl writes it). */
    static byte[] batchMarker(int type, int seq) {
        ByteBuffer b = ByteBuffer.allocate(20).order(ByteOrder.nativeOrder());
        b.putInt(20).putShort((short) type).putShort((short) RtNetlinkCodec.NLM_F_REQUEST).putInt(seq).putInt(0);
        b.put((byte) 0).put((byte) 0).order(ByteOrder.BIG_ENDIAN).putShort((short) NFNL_SUBSYS_NFTABLES);
        return b.array();
    }

    /** The total size of MESSAGES as a batch. */
    public static int batchSize(List<byte[]> messages) {
        int n = 40;
        for (byte[] m : messages) n += m.length;
        return n;
    }

    /**
     * Commits MESSAGES (whole nf_tables messages with NLM_F_ACK; their sequence numbers are set here) as one
     * transaction and waits for the kernel's answer to each. WHAT names the change in an error.
     *
     * @throws NativeException when the kernel refuses any of them (then none is applied)
     */
    public void commit(List<byte[]> messages, String what) throws NativeException {
        if (messages.isEmpty()) return;
        int size = batchSize(messages);
        if (size > MAX_BATCH) throw new IllegalArgumentException("nf_tables batch of " + size + " bytes is too long");
        int first = ++sequence;
        byte[] batch = new byte[size];
        ByteBuffer b = ByteBuffer.wrap(batch).order(ByteOrder.nativeOrder());
        b.put(batchMarker(NFNL_MSG_BATCH_BEGIN, first));
        int seq = first;
        for (byte[] m : messages) {
            int at = b.position();
            b.put(m);
            b.putInt(at + 8, ++seq);
        }
        int last = seq;
        b.put(batchMarker(NFNL_MSG_BATCH_END, ++seq));
        sequence = seq;
        socket.send(batch, what);
        int answered = 0;
        // one answer per message (an acknowledgement or its error), or one error for the batch itself
        for (int guard = 0; guard < 100_000 && answered < messages.size(); guard++) {
            ByteBuffer datagram = socket.receive(what);
            for (RtNetlinkCodec.Message m : RtNetlinkCodec.split(datagram)) {
                if (m.type() != RtNetlinkCodec.NLMSG_ERROR || m.seq() < first || m.seq() > seq) continue;
                int errno = RtNetlinkCodec.errorOf(m);
                if (errno != 0) {
                    String kernel = RtNetlinkCodec.extendedAckMessage(m, socket.cappedAcks);
                    throw NativeException.of(what, errno, kernel == null ? "" : "(kernel: " + kernel + ")",
                            Capabilities.CAP_NET_ADMIN);
                }
                if (m.seq() > first && m.seq() <= last) answered++;
            }
        }
        if (answered < messages.size()) throw new IllegalStateException(what + ": not every message was answered");
    }

    /**
     * Sends REQUEST (one whole nf_tables message with NLM_F_ACK, outside a batch: a counter's reset; its sequence
     * number is set here) and waits for its acknowledgement; the answer's other messages are not read.
     *
     * @throws NativeException when the kernel refuses it
     */
    public void request(byte[] request, String what) throws NativeException {
        int seq = ++sequence;
        byte[] numbered = request.clone();
        ByteBuffer.wrap(numbered).order(ByteOrder.nativeOrder()).putInt(8, seq);
        socket.send(numbered, what);
        for (int guard = 0; guard < 10_000; guard++) {
            ByteBuffer datagram = socket.receive(what);
            for (RtNetlinkCodec.Message m : RtNetlinkCodec.split(datagram)) {
                if (m.type() != RtNetlinkCodec.NLMSG_ERROR || m.seq() != seq) continue;
                int errno = RtNetlinkCodec.errorOf(m);
                if (errno == 0) return;
                String kernel = RtNetlinkCodec.extendedAckMessage(m, socket.cappedAcks);
                throw NativeException.of(what, errno, kernel == null ? "" : "(kernel: " + kernel + ")",
                        Capabilities.CAP_NET_ADMIN);
            }
        }
        throw new IllegalStateException(what + ": no acknowledgement");
    }

    @Override
    public void close() {
        socket.close();
    }
}
