package halo.vrrp.wire;

import static org.assertj.core.api.Assertions.assertThat;

import halo.testing.Property;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

class InternetChecksumTest {

    /** RFC 1071 word by word: the definition the wide-word sums must agree with. */
    private static int reference(long start, byte[] b, int off, int len) {
        long sum = start;
        for (int i = 0; i < len; i += 2) {
            int hi = b[off + i] & 0xff;
            int lo = i + 1 < len ? b[off + i + 1] & 0xff : 0;
            sum += (hi << 8) | lo;
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) ((sum & 0xffff) + (sum >>> 16));
    }

    record Case(byte[] bytes, int offset, int length, long start) {}

    @Test
    void wideWordSumsAgreeWithTheWordByWordDefinitionAtEveryLengthAndOffset() {
        Property.forAll(5_000, g -> {
            byte[] b = g.chance(0.2) ? new byte[g.intBetween(0, 80)] : g.bytes(0, 80);
            if (g.chance(0.2)) {
                java.util.Arrays.fill(b, (byte) 0xff); // carries everywhere
            }
            int off = b.length == 0 ? 0 : g.intBetween(0, b.length);
            return new Case(b, off, g.intBetween(0, b.length - off), g.longBetween(0, 0xffff));
        }, c -> {
            int expected = reference(c.start(), c.bytes(), c.offset(), c.length());
            long fromArray = InternetChecksum.add(c.start(), c.bytes(), c.offset(), c.length());
            long fromSegment = InternetChecksum.add(c.start(), MemorySegment.ofArray(c.bytes()), c.offset(), c.length());
            assertThat(InternetChecksum.fold(fromArray)).isEqualTo(expected);
            assertThat(InternetChecksum.fold(fromSegment)).isEqualTo(expected);
        });
    }

    @Test
    void rfc1071Example() {
        // RFC 1071 section 3: the bytes 00 01 f2 03 f4 f5 f6 f7 sum to ddf2 (checksum 220d)
        byte[] b = {0x00, 0x01, (byte) 0xf2, 0x03, (byte) 0xf4, (byte) 0xf5, (byte) 0xf6, (byte) 0xf7};
        assertThat(InternetChecksum.fold(InternetChecksum.add(0, b, 0, b.length))).isEqualTo(0xddf2);
        assertThat(InternetChecksum.finish(InternetChecksum.add(0, MemorySegment.ofArray(b), 0, b.length))).isEqualTo(0x220d);
    }
}
