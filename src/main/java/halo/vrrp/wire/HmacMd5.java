package halo.vrrp.wire;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * HMAC-MD5 (RFC 2104 with MD5 of RFC 1321), reusable and allocation-free after construction, for keepalived's
 * IPSEC-AH authentication: "MD5(K XOR opad, MD5(K XOR ipad, buffer))" with K = the 8 bytes of auth data (the
 * password, zero-padded), ipad = 0x36 and opad = 0x5c repeated 64 times (vrrp_ipsecah.c / vrrp_auth_hmac.c).
 * The JDK's Mac would do too, but this one is pinned to no allocation per packet and is checked against it in tests.
 */
public final class HmacMd5 {
    /** MD5 digest length. */
    public static final int DIGEST_LENGTH = 16;
    private static final int BLOCK = 64;

    private static final int[] S = {
        7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
        5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
        4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
        6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21};
    private static final int[] K = new int[64];

    static {
        for (int i = 0; i < 64; i++) {
            K[i] = (int) (long) Math.floor(Math.abs(Math.sin(i + 1)) * 4294967296.0);
        }
    }

    private final byte[] innerPad = new byte[BLOCK];
    private final byte[] outerPad = new byte[BLOCK];
    private final byte[] block = new byte[BLOCK];
    private final int[] words = new int[16];
    private final byte[] innerDigest = new byte[DIGEST_LENGTH];
    private final byte[] lastKey = new byte[BLOCK];
    private int lastKeyLength = -1;
    // MD5 states after the 64-byte K XOR ipad and K XOR opad blocks: computed once per key.
    private int ia, ib, ic, id;
    private int oa, ob, oc, od;
    private int a, b, c, d;
    private int blockFill;
    private long totalBytes;

    /** Sets the key (keys longer than 64 bytes are hashed first, as RFC 2104 says). Setting the same key again is free. */
    public HmacMd5 key(byte[] key, int offset, int length) {
        if (length == lastKeyLength && java.util.Arrays.equals(lastKey, 0, length, key, offset, offset + length)) {
            return this;
        }
        if (length <= BLOCK) {
            System.arraycopy(key, offset, lastKey, 0, length);
            lastKeyLength = length;
        } else {
            lastKeyLength = -1;
        }
        byte[] k = key;
        int kOffset = offset;
        int kLength = length;
        if (length > BLOCK) {
            startMd5();
            updateBytes(key, offset, length);
            k = new byte[DIGEST_LENGTH];
            finishMd5(k, 0);
            kOffset = 0;
            kLength = DIGEST_LENGTH;
        }
        for (int i = 0; i < BLOCK; i++) {
            byte kb = i < kLength ? k[kOffset + i] : 0;
            innerPad[i] = (byte) (kb ^ 0x36);
            outerPad[i] = (byte) (kb ^ 0x5c);
        }
        startMd5();
        updateBytes(innerPad, 0, BLOCK);
        ia = a;
        ib = b;
        ic = c;
        id = d;
        startMd5();
        updateBytes(outerPad, 0, BLOCK);
        oa = a;
        ob = b;
        oc = c;
        od = d;
        return this;
    }

    /** Starts a MAC: the inner hash begins with K XOR ipad (its state precomputed by {@link #key}). */
    public HmacMd5 start() {
        a = ia;
        b = ib;
        c = ic;
        d = id;
        blockFill = 0;
        totalBytes = BLOCK;
        return this;
    }

    public HmacMd5 update(byte[] bytes, int offset, int length) {
        updateBytes(bytes, offset, length);
        return this;
    }

    public HmacMd5 update(MemorySegment segment, long offset, int length) {
        for (int i = 0; i < length; i++) {
            block[blockFill++] = segment.get(ValueLayout.JAVA_BYTE, offset + i);
            if (blockFill == BLOCK) {
                compress();
            }
        }
        totalBytes += length;
        return this;
    }

    /** Finishes the MAC and writes the 16-byte digest into {@code out} at {@code outOffset}. */
    public void finish(byte[] out, int outOffset) {
        finishMd5(innerDigest, 0);
        a = oa;
        b = ob;
        c = oc;
        d = od;
        blockFill = 0;
        totalBytes = BLOCK;
        updateBytes(innerDigest, 0, DIGEST_LENGTH);
        finishMd5(out, outOffset);
    }

    // ---- MD5 (RFC 1321) ----

    private void startMd5() {
        a = 0x67452301;
        b = 0xefcdab89;
        c = 0x98badcfe;
        d = 0x10325476;
        blockFill = 0;
        totalBytes = 0;
    }

    private void updateBytes(byte[] bytes, int offset, int length) {
        for (int i = 0; i < length; i++) {
            block[blockFill++] = bytes[offset + i];
            if (blockFill == BLOCK) {
                compress();
            }
        }
        totalBytes += length;
    }

    private void finishMd5(byte[] out, int outOffset) {
        long bits = totalBytes * 8;
        block[blockFill++] = (byte) 0x80;
        if (blockFill > 56) {
            while (blockFill < BLOCK) {
                block[blockFill++] = 0;
            }
            compress();
        }
        while (blockFill < 56) {
            block[blockFill++] = 0;
        }
        for (int i = 0; i < 8; i++) {
            block[56 + i] = (byte) (bits >>> (8 * i));
        }
        blockFill = BLOCK;
        compress();
        putLe(out, outOffset, a);
        putLe(out, outOffset + 4, b);
        putLe(out, outOffset + 8, c);
        putLe(out, outOffset + 12, d);
    }

    private static void putLe(byte[] out, int at, int v) {
        out[at] = (byte) v;
        out[at + 1] = (byte) (v >>> 8);
        out[at + 2] = (byte) (v >>> 16);
        out[at + 3] = (byte) (v >>> 24);
    }

    private void compress() {
        for (int i = 0; i < 16; i++) {
            words[i] = (block[4 * i] & 0xff) | (block[4 * i + 1] & 0xff) << 8
                    | (block[4 * i + 2] & 0xff) << 16 | (block[4 * i + 3] & 0xff) << 24;
        }
        int aa = a, bb = b, cc = c, dd = d;
        for (int i = 0; i < 64; i++) {
            int f;
            int g;
            if (i < 16) {
                f = (bb & cc) | (~bb & dd);
                g = i;
            } else if (i < 32) {
                f = (dd & bb) | (~dd & cc);
                g = (5 * i + 1) & 15;
            } else if (i < 48) {
                f = bb ^ cc ^ dd;
                g = (3 * i + 5) & 15;
            } else {
                f = cc ^ (bb | ~dd);
                g = (7 * i) & 15;
            }
            int temp = dd;
            dd = cc;
            cc = bb;
            bb = bb + Integer.rotateLeft(aa + f + K[i] + words[g], S[i]);
            aa = temp;
        }
        a += aa;
        b += bb;
        c += cc;
        d += dd;
        blockFill = 0;
    }
}
