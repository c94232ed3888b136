package halo.lvs.sched;

/**
 * The kernel's hash functions the IPVS hashing schedulers use, bit for bit as on x86-64: hash_32 (include/linux/hash.h,
 * the generic multiply by GOLDEN_RATIO_32), the address fold of ip_vs_sh/dh/mh/lblc_hashkey (IPv6: the XOR of the four
 * 32-bit words), and hsiphash of one u32 (lib/siphash.c: on 64-bit kernels SipHash-1-3 with 64-bit key words).
 */
final class KernelHash {
    static final int GOLDEN_RATIO_32 = 0x61C88647;

    private static final long SIPHASH_CONST_0 = 0x736f6d6570736575L;
    private static final long SIPHASH_CONST_1 = 0x646f72616e646f6dL;
    private static final long SIPHASH_CONST_2 = 0x6c7967656e657261L;
    private static final long SIPHASH_CONST_3 = 0x7465646279746573L;

    private KernelHash() {}

    /** hash_32(val, bits): the top BITS bits of val * GOLDEN_RATIO_32 (mod 2^32). */
    static int hash32(int value, int bits) {
        return (value * GOLDEN_RATIO_32) >>> (32 - bits);
    }

    /**
     * ntohl(addr_fold): an IPv4 address as a host-order u32; an IPv6 one folded as the kernel does
     * (ip6[0]^ip6[1]^ip6[2]^ip6[3], which is the same after ntohl whichever order the XOR runs in).
     */
    static int foldAddress(byte[] address) {
        if (address.length == 4) return word(address, 0);
        if (address.length == 16) return word(address, 0) ^ word(address, 4) ^ word(address, 8) ^ word(address, 12);
        throw new IllegalArgumentException("address of " + address.length + " bytes");
    }

    private static int word(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
    }

    /**
     * hsiphash(&v, sizeof(u32), key) on a 64-bit kernel: SipHash-1-3 of the four bytes of V in memory order
     * (little-endian on x86-64), truncated to u32. KEY0 and KEY1 are the hsiphash_key_t's two unsigned longs.
     */
    static int hsiphash32(int value, long key0, long key1) {
        long v0 = SIPHASH_CONST_0 ^ key0;
        long v1 = SIPHASH_CONST_1 ^ key1;
        long v2 = SIPHASH_CONST_2 ^ key0;
        long v3 = SIPHASH_CONST_3 ^ key1;
        long b = (4L << 56) | (value & 0xffffffffL);
        // HPOSTAMBLE: one compression round for the last block, then three finalization rounds
        v3 ^= b;
        v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
        v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
        v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
        v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        v0 ^= b;
        v2 ^= 0xff;
        for (int i = 0; i < 3; i++) {
            v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        }
        return (int) ((v0 ^ v1) ^ (v2 ^ v3));
    }

    /**
     * General SipHash-c-d of DATA with the 128-bit key (KEY0, KEY1) as lib/siphash.c's __siphash_unaligned writes it;
     * the tests check it against the SipHash paper's reference vector and {@link #hsiphash32} against it.
     */
    static long siphash(byte[] data, long key0, long key1, int compressionRounds, int finalizationRounds) {
        long[] v = {SIPHASH_CONST_0 ^ key0, SIPHASH_CONST_1 ^ key1, SIPHASH_CONST_2 ^ key0, SIPHASH_CONST_3 ^ key1};
        int whole = data.length - data.length % 8;
        for (int at = 0; at < whole; at += 8) {
            long m = littleEndian(data, at, 8);
            v[3] ^= m;
            for (int r = 0; r < compressionRounds; r++) round(v);
            v[0] ^= m;
        }
        long b = ((long) data.length << 56) | littleEndian(data, whole, data.length - whole);
        v[3] ^= b;
        for (int r = 0; r < compressionRounds; r++) round(v);
        v[0] ^= b;
        v[2] ^= 0xff;
        for (int r = 0; r < finalizationRounds; r++) round(v);
        return (v[0] ^ v[1]) ^ (v[2] ^ v[3]);
    }

    private static long littleEndian(byte[] b, int at, int count) {
        long m = 0;
        for (int i = count - 1; i >= 0; i--) m = m << 8 | (b[at + i] & 0xff);
        return m;
    }

    private static void round(long[] v) {
        v[0] += v[1]; v[1] = Long.rotateLeft(v[1], 13); v[1] ^= v[0]; v[0] = Long.rotateLeft(v[0], 32);
        v[2] += v[3]; v[3] = Long.rotateLeft(v[3], 16); v[3] ^= v[2];
        v[0] += v[3]; v[3] = Long.rotateLeft(v[3], 21); v[3] ^= v[0];
        v[2] += v[1]; v[1] = Long.rotateLeft(v[1], 17); v[1] ^= v[2]; v[2] = Long.rotateLeft(v[2], 32);
    }
}
