package halo.lvs.nft;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * nf_tables netlink messages (include/uapi/linux/netfilter/nf_tables.h) for the few changes a checker makes: a map's
 * elements replaced, a chain's rules replaced, a dynamic set emptied. Laid out as libnftnl 1.2.4 lays them out (the
 * same attributes in the same order; checked against {@code nft --debug=mnl}), so the kernel reads them as it reads
 * libnftables' own. Pure: the sequence number is the caller's; halo.os.NfNetlink wraps them in a batch.
 */
final class NftMessages {
    static final int NFPROTO_INET = 1;
    static final int NFPROTO_NETDEV = 5;

    static final int NFNL_SUBSYS_NFTABLES = 10;
    static final int NFT_MSG_NEWRULE = 6;
    static final int NFT_MSG_DELRULE = 8;
    static final int NFT_MSG_NEWSETELEM = 12;
    static final int NFT_MSG_DELSETELEM = 14;
    static final int NFT_MSG_GETOBJ_RESET = 21;
    private static final int NFTA_OBJ_TABLE = 1;
    private static final int NFTA_OBJ_NAME = 2;
    private static final int NFTA_OBJ_TYPE = 3;
    static final int NFT_OBJECT_COUNTER = 1;

    static final int NLM_F_REQUEST = 0x1;
    static final int NLM_F_ACK = 0x4;
    static final int NLM_F_CREATE = 0x400;
    static final int NLM_F_APPEND = 0x800;
    private static final int NLA_F_NESTED = 0x8000;

    // attributes
    private static final int NFTA_LIST_ELEM = 1;
    private static final int NFTA_RULE_TABLE = 1;
    private static final int NFTA_RULE_CHAIN = 2;
    private static final int NFTA_RULE_EXPRESSIONS = 4;
    private static final int NFTA_EXPR_NAME = 1;
    private static final int NFTA_EXPR_DATA = 2;
    private static final int NFTA_SET_ELEM_LIST_TABLE = 1;
    private static final int NFTA_SET_ELEM_LIST_SET = 2;
    private static final int NFTA_SET_ELEM_LIST_ELEMENTS = 3;
    private static final int NFTA_SET_ELEM_KEY = 1;
    private static final int NFTA_SET_ELEM_DATA = 2;
    private static final int NFTA_SET_ELEM_FLAGS = 3;
    private static final int NFTA_DATA_VALUE = 1;
    private static final int NFTA_DATA_VERDICT = 2;
    private static final int NFTA_VERDICT_CODE = 1;
    private static final int NFTA_VERDICT_CHAIN = 2;
    static final int NFT_GOTO = -4;
    static final int NFT_SET_ELEM_INTERVAL_END = 1;

    /** Registers as nft allocates them: the verdict, the first 16-byte one, and 32-bit ones from 8. */
    static final int NFT_REG_VERDICT = 0;
    static final int NFT_REG_1 = 1;
    static final int NFT_REG_2 = 2;
    static final int NFT_REG32_00 = 8;

    static final int NFT_META_PROTOCOL = 1;
    static final int NFT_META_L4PROTO = 16;
    static final int NFT_PAYLOAD_NETWORK_HEADER = 1;
    static final int NFT_PAYLOAD_TRANSPORT_HEADER = 2;

    private NftMessages() {}

    /**
     * One element of an interval map: KEY (a 32-bit number, network order), ending an interval, or going to GOTO, or
     * (a data map) mapping to VALUE.
     */
    record Element(int key, boolean intervalEnd, String gotoChain, byte[] value) {
        Element(int key, boolean intervalEnd, String gotoChain) {
            this(key, intervalEnd, gotoChain, null);
        }
    }

    /** NFT_MSG_DELSETELEM without elements: the kernel empties the set (nft's "flush set"). */
    static byte[] flushSet(int family, String table, String set, int seq) {
        Writer w = new Writer(NFT_MSG_DELSETELEM, NLM_F_REQUEST | NLM_F_ACK, seq, family);
        w.string(NFTA_SET_ELEM_LIST_SET, set);
        w.string(NFTA_SET_ELEM_LIST_TABLE, table);
        return w.bytes();
    }

    /** NFT_MSG_NEWSETELEM: ELEMENTS added to the map SET. */
    static byte[] addElements(int family, String table, String set, List<Element> elements, int seq) {
        Writer w = new Writer(NFT_MSG_NEWSETELEM, NLM_F_REQUEST | NLM_F_CREATE | NLM_F_ACK, seq, family);
        w.string(NFTA_SET_ELEM_LIST_TABLE, table);
        w.string(NFTA_SET_ELEM_LIST_SET, set);
        w.begin(NFTA_SET_ELEM_LIST_ELEMENTS);
        int i = 0;
        for (Element e : elements) {
            // libnftnl numbers the list's entries; the kernel does not read the numbers
            w.begin(++i);
            if (e.intervalEnd()) w.u32(NFTA_SET_ELEM_FLAGS, NFT_SET_ELEM_INTERVAL_END);
            w.begin(NFTA_SET_ELEM_KEY).u32(NFTA_DATA_VALUE, e.key()).end();
            if (e.gotoChain() != null) {
                w.begin(NFTA_SET_ELEM_DATA).begin(NFTA_DATA_VERDICT).u32(NFTA_VERDICT_CODE, NFT_GOTO)
                        .string(NFTA_VERDICT_CHAIN, e.gotoChain()).end().end();
            } else if (e.value() != null) {
                w.begin(NFTA_SET_ELEM_DATA).bytes(NFTA_DATA_VALUE, e.value()).end();
            }
            w.end();
        }
        w.end();
        return w.bytes();
    }

    /**
     * NFT_MSG_GETOBJ_RESET of the named counter NAME: the kernel answers with its values and zeroes it (nft's "reset
     * counter"; a request of its own, not part of a batch).
     */
    static byte[] resetCounter(int family, String table, String name, int seq) {
        Writer w = new Writer(NFT_MSG_GETOBJ_RESET, NLM_F_REQUEST | NLM_F_ACK, seq, family);
        w.string(NFTA_OBJ_TABLE, table);
        w.string(NFTA_OBJ_NAME, name);
        w.u32(NFTA_OBJ_TYPE, NFT_OBJECT_COUNTER);
        return w.bytes();
    }

    /** NFT_MSG_DELRULE with a chain and no handle: the kernel deletes every rule of the chain (nft's "flush chain"). */
    static byte[] flushChain(int family, String table, String chain, int seq) {
        Writer w = new Writer(NFT_MSG_DELRULE, NLM_F_REQUEST | NLM_F_ACK, seq, family);
        w.string(NFTA_RULE_TABLE, table);
        w.string(NFTA_RULE_CHAIN, chain);
        return w.bytes();
    }

    /** NFT_MSG_NEWRULE: a rule of EXPRESSIONS appended to CHAIN. */
    static byte[] addRule(int family, String table, String chain, List<Expression> expressions, int seq) {
        Writer w = new Writer(NFT_MSG_NEWRULE, NLM_F_REQUEST | NLM_F_CREATE | NLM_F_APPEND | NLM_F_ACK, seq, family);
        w.string(NFTA_RULE_TABLE, table);
        w.string(NFTA_RULE_CHAIN, chain);
        w.begin(NFTA_RULE_EXPRESSIONS);
        for (Expression e : expressions) {
            w.begin(NFTA_LIST_ELEM).string(NFTA_EXPR_NAME, e.name()).begin(NFTA_EXPR_DATA);
            e.attributes().write(w);
            w.end().end();
        }
        w.end();
        return w.bytes();
    }

    /** An expression: its name and its attributes. */
    record Expression(String name, Attributes attributes) {}

    interface Attributes {
        void write(Writer w);
    }

    /** {@code numgen inc mod MODULUS} into REG. */
    static Expression numgenInc(int reg, int modulus) {
        return new Expression("numgen", w -> w.u32(1, reg).u32(2, modulus).u32(3, 0).u32(4, 0));
    }

    /** Host to network order of a 32-bit register (nft puts it after numgen and hash: map keys are big-endian). */
    static Expression hton32(int reg) {
        return new Expression("byteorder", w -> w.u32(1, reg).u32(2, reg).u32(3, 1).u32(4, 4).u32(5, 4));
    }

    /** {@code lookup} of SREG in the verdict map SET. */
    static Expression vmap(int sreg, String set) {
        return new Expression("lookup", w -> w.u32(2, sreg).u32(3, NFT_REG_VERDICT).string(1, set));
    }

    /** A meta KEY into REG. */
    static Expression meta(int key, int reg) {
        return new Expression("meta", w -> w.u32(2, key).u32(1, reg));
    }

    /** REG equals VALUE (its bytes as the packet has them). */
    static Expression cmpEq(int reg, byte[] value) {
        return new Expression("cmp", w -> w.u32(1, reg).u32(2, 0).begin(3).bytes(NFTA_DATA_VALUE, value).end());
    }

    /** LEN bytes at OFFSET of header BASE into REG. */
    static Expression payload(int base, int offset, int len, int reg) {
        return new Expression("payload", w -> w.u32(1, reg).u32(2, base).u32(3, offset).u32(4, len));
    }

    /** {@code jhash} of LEN bytes from SREG, mod MODULUS with SEED, into DREG. */
    static Expression jhash(int sreg, int dreg, int len, int modulus, int seed) {
        return new Expression("hash", w -> w.u32(1, sreg).u32(2, dreg).u32(3, len).u32(4, modulus).u32(5, seed)
                .u32(6, 0).u32(7, 0));
    }

    /** Netlink message and attribute writing: native-order header, big-endian values, 4-byte alignment. */
    static final class Writer {
        private final Deque<Integer> open = new ArrayDeque<>();
        private byte[] buffer = new byte[256];
        private int length;

        Writer(int msg, int flags, int seq, int family) {
            ByteBuffer h = ByteBuffer.allocate(20).order(ByteOrder.nativeOrder());
            h.putInt(0).putShort((short) (NFNL_SUBSYS_NFTABLES << 8 | msg)).putShort((short) flags).putInt(seq)
                    .putInt(0);
            // struct nfgenmsg: family, version NFNETLINK_V0, res_id 0
            h.put((byte) family).put((byte) 0).putShort((short) 0);
            put(h.array());
        }

        private void put(byte[] b) {
            ensure(length + b.length);
            System.arraycopy(b, 0, buffer, length, b.length);
            length += b.length;
        }

        private void ensure(int size) {
            if (size > buffer.length) buffer = java.util.Arrays.copyOf(buffer, Math.max(size, buffer.length * 2));
        }

        private void pad() {
            int aligned = (length + 3) & ~3;
            ensure(aligned);
            length = aligned;
        }

        private void header(int at, int len, int type) {
            ByteBuffer.wrap(buffer, at, 4).order(ByteOrder.nativeOrder()).putShort((short) len).putShort((short) type);
        }

        Writer bytes(int type, byte[] value) {
            int at = length;
            ensure(length + 4 + value.length);
            header(at, 4 + value.length, type);
            length += 4;
            put(value);
            pad();
            return this;
        }

        Writer u32(int type, int value) {
            return bytes(type, ByteBuffer.allocate(4).order(ByteOrder.BIG_ENDIAN).putInt(value).array());
        }

        Writer string(int type, String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            return bytes(type, java.util.Arrays.copyOf(b, b.length + 1));
        }

        Writer begin(int type) {
            pad();
            ensure(length + 4);
            open.push(length);
            header(length, 0, type | NLA_F_NESTED);
            length += 4;
            return this;
        }

        Writer end() {
            int at = open.pop();
            ByteBuffer.wrap(buffer, at, 2).order(ByteOrder.nativeOrder()).putShort((short) (length - at));
            return this;
        }

        byte[] bytes() {
            if (!open.isEmpty()) throw new IllegalStateException("unclosed attribute");
            byte[] b = java.util.Arrays.copyOf(buffer, length);
            ByteBuffer.wrap(b).order(ByteOrder.nativeOrder()).putInt(0, length);
            return b;
        }
    }
}
