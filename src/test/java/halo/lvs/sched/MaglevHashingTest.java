package halo.lvs.sched;

import static halo.lvs.sched.SourceHashingTest.count;
import static halo.lvs.sched.SourceHashingTest.dest;
import static halo.lvs.sched.SourceHashingTest.flow;
import static halo.lvs.sched.SourceHashingTest.ip;
import static org.assertj.core.api.Assertions.assertThat;

import halo.lvs.ServiceFlag;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * mh against the kernel's ip_vs_mh.c. The hash values (offset, skip, a client's entry) were cross-checked with a C
 * program built from lib/siphash.c's 64-bit hsiphash and ip_vs_mh.c's permutate/populate (kept out of the repository);
 * the table entries of the small cases follow from those values by hand.
 */
class MaglevHashingTest {
    private final Destination a = dest("198.51.100.1", 1);
    private final Destination b = dest("198.51.100.2", 2);
    private final Destination c = dest("198.51.100.3", 3);

    @Test
    void sipHashMatchesTheReferenceVectors() {
        byte[] fifteen = new byte[15];
        for (int i = 0; i < 15; i++) fifteen[i] = (byte) i;
        // SipHash-2-4 paper, appendix: key 00..0f
        long k0 = 0x0706050403020100L;
        long k1 = 0x0f0e0d0c0b0a0908L;
        assertThat(KernelHash.siphash(new byte[0], k0, k1, 2, 4)).isEqualTo(0x726fdb47dd0e0e31L);
        assertThat(KernelHash.siphash(fifteen, k0, k1, 2, 4)).isEqualTo(0xa129ca6149be45e5L);
        // SipHash-1-3 with a zero key (the vectors of Rust's digest sip-hash crate, printed as the u64 value)
        assertThat(KernelHash.siphash(new byte[0], 0, 0, 1, 3)).isEqualTo(0xd1fba762150c532cL);
        assertThat(KernelHash.siphash("siphash".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, 0, 1, 3))
                .isEqualTo(0x8264ceeccb16bcbeL);
    }

    @Test
    void hsiphashOfOneWordIsSipHash13OfItsLittleEndianBytes() {
        for (int v : new int[] {0, 1, 0xC0000201, -1, 0x12345678}) {
            byte[] le = {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
            long key = MaglevHashing.HASH1;
            assertThat(KernelHash.hsiphash32(v, key, key)).isEqualTo((int) KernelHash.siphash(le, key, key, 1, 3));
        }
        assertThat(KernelHash.hsiphash32(1, MaglevHashing.HASH1, MaglevHashing.HASH1)).isEqualTo(0x16ec66b2);
    }

    @Test
    void tableSizeIsTheKernelsDefaultPrime() {
        assertThat(MaglevHashing.TAB_SIZE).isEqualTo(4093);
        MaglevHashing mh = new MaglevHashing(0);
        mh.update(List.of(a));
        assertThat(mh.lookupTable()).hasSize(4093).containsOnly(0);
    }

    @Test
    void permutationComesFromTheDestinationsAddressAndPort() {
        assertThat(offset("198.51.100.1", 80)).isEqualTo(1409);
        assertThat(skip("198.51.100.1", 80)).isEqualTo(1038);
        assertThat(offset("198.51.100.2", 80)).isEqualTo(2926);
        assertThat(skip("198.51.100.2", 80)).isEqualTo(2199);
        assertThat(offset("198.51.100.3", 80)).isEqualTo(3980);
        assertThat(skip("198.51.100.3", 80)).isEqualTo(3448);
    }

    @Test
    void twoEqualDestinationsTakeTurnsAlongTheirPreferences() {
        Destination one = dest("198.51.100.1", 1);
        Destination two = dest("198.51.100.2", 1);
        MaglevHashing mh = new MaglevHashing(0);
        mh.update(List.of(one, two));
        int[] table = mh.lookupTable();
        // one: 1409; two: 2926; one: 1409 taken, 1409 + 1038 = 2447; two: 2926 taken, 2926 + 2199 - 4093 = 1032
        assertThat(table[1409]).isEqualTo(0);
        assertThat(table[2926]).isEqualTo(1);
        assertThat(table[2447]).isEqualTo(0);
        assertThat(table[1032]).isEqualTo(1);
        assertThat(Arrays.copyOfRange(table, 0, 16)).containsExactly(0, 1, 1, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0);
        assertThat(count(table, 0)).isEqualTo(2047);
        assertThat(count(table, 1)).isEqualTo(2046);
    }

    @Test
    void sharesFollowWeights() {
        MaglevHashing mh = new MaglevHashing(0);
        mh.update(List.of(a, b, c));
        int[] table = mh.lookupTable();
        assertThat(Arrays.copyOfRange(table, 0, 16)).containsExactly(2, 1, 2, 2, 2, 1, 0, 2, 1, 1, 2, 2, 1, 2, 0, 2);
        assertThat(new int[] {count(table, 0), count(table, 1), count(table, 2)}).containsExactly(683, 1364, 2046);

        // weights divided by their gcd: 100/300/1000 fill as 1/3/10
        a.weight(100);
        b.weight(300);
        c.weight(1000);
        mh.update(List.of(a, b, c));
        table = mh.lookupTable();
        assertThat(new int[] {count(table, 0), count(table, 1), count(table, 2)}).containsExactly(293, 879, 2921);
    }

    @Test
    void largeWeightsAreShiftedToSixBits() {
        // gcd 1, 1000 needs 10 bits: shift 4, turns 1000 >> 4 = 62, and 1 >> 4 = 0 becomes 1
        a.weight(1);
        b.weight(1000);
        assertThat(MaglevHashing.shiftWeight(new int[] {1, 1000}, 1)).isEqualTo(4);
        MaglevHashing mh = new MaglevHashing(0);
        mh.update(List.of(a, b));
        int[] table = mh.lookupTable();
        assertThat(new int[] {count(table, 0), count(table, 1)}).containsExactly(65, 4028);
    }

    @Test
    void clientAddressPicksItsEntry() {
        MaglevHashing mh = new MaglevHashing(0);
        List<Destination> abc = List.of(a, b, c);
        mh.update(abc);
        assertThat(MaglevHashing.entryFor(ip("192.0.2.1"), 0)).isEqualTo(2891);
        assertThat(MaglevHashing.entryFor(ip("192.0.2.2"), 0)).isEqualTo(746);
        assertThat(MaglevHashing.entryFor(ip("192.0.2.3"), 0)).isEqualTo(998);
        assertThat(mh.schedule(abc, flow("192.0.2.1", 1000))).isSameAs(c);
        assertThat(mh.schedule(abc, flow("192.0.2.2", 1000))).isSameAs(b);
        assertThat(mh.schedule(abc, flow("192.0.2.3", 1000))).isSameAs(c);
        // IPv6 folds as sh does: the same entry as its folded IPv4-sized value
        assertThat(MaglevHashing.entryFor(ip("2001:db8::1"), 0))
                .isEqualTo(MaglevHashing.entryFor(ip("32.1.13.185"), 0));
    }

    @Test
    void mhPortAddsTheSourcePort() {
        MaglevHashing mh = new MaglevHashing(ServiceFlag.SCHED2.bit());
        List<Destination> abc = List.of(a, b, c);
        mh.update(abc);
        int entry = MaglevHashing.entryFor(ip("192.0.2.1"), 40000);
        assertThat(entry).isNotEqualTo(MaglevHashing.entryFor(ip("192.0.2.1"), 0));
        assertThat(mh.schedule(abc, flow("192.0.2.1", 40000))).isSameAs(abc.get(mh.lookupTable()[entry]));
        // hashkey adds offset and port to the address before hashing: port 1 is the next address's entry
        assertThat(MaglevHashing.entryFor(ip("192.0.2.1"), 1)).isEqualTo(MaglevHashing.entryFor(ip("192.0.2.2"), 0));
    }

    @Test
    void quiescingKeepsTheTableAndFallbackWalksOn() {
        Destination one = dest("198.51.100.1", 1);
        Destination two = dest("198.51.100.2", 1);
        List<Destination> both = List.of(one, two);
        MaglevHashing plain = new MaglevHashing(0);
        MaglevHashing fallback = new MaglevHashing(ServiceFlag.SCHED1.bit());
        plain.update(both);
        fallback.update(both);
        int[] before = plain.lookupTable();
        assertThat(plain.schedule(both, flow("192.0.2.1", 1000))).isSameAs(two); // entry 2891

        two.weight(0);
        plain.update(both);
        fallback.update(both);
        // the fill uses the last non-zero weight: quiescing moves nobody
        assertThat(plain.lookupTable()).isEqualTo(before);
        assertThat(plain.schedule(both, flow("192.0.2.1", 1000))).isNull();
        // the kernel's walk: entries 2410, 2562, 615 (two's), then 3434 (one's)
        assertThat(fallback.schedule(both, flow("192.0.2.1", 1000))).isSameAs(one);
    }

    @Test
    void aNewDestinationWithWeightZeroGetsNoEntries() {
        Destination idle = dest("198.51.100.9", 0);
        MaglevHashing mh = new MaglevHashing(0);
        mh.update(List.of(a, idle));
        assertThat(mh.lookupTable()).containsOnly(0);
        mh.update(List.of(idle));
        assertThat(mh.lookupTable()).containsOnly(-1);
        assertThat(mh.schedule(List.of(idle), flow("192.0.2.1", 1))).isNull();
    }

    @Test
    void removingADestinationMovesLittleMoreThanItsOwnEntries() {
        List<Destination> ten = new java.util.ArrayList<>();
        for (int i = 1; i <= 10; i++) ten.add(dest("198.51.100." + i, 1));
        MaglevHashing mh = new MaglevHashing(0);
        mh.update(ten);
        int[] before = mh.lookupTable();
        Destination gone = ten.remove(4);
        mh.update(ten);
        int[] after = mh.lookupTable();
        int moved = 0;
        for (int e = 0; e < before.length; e++) {
            if (before[e] == 4) continue; // the removed server's entries go elsewhere, of course
            Destination was = before[e] < 4 ? ten.get(before[e]) : ten.get(before[e] - 1);
            if (ten.get(after[e]) != was) moved++;
        }
        assertThat(gone.address().getHostAddress()).isEqualTo("198.51.100.5");
        // Maglev's property: few other entries move (the paper's minimal disruption, not zero)
        assertThat(moved).isLessThan(before.length / 20);
    }

    private static int offset(String address, int port) {
        return Integer.remainderUnsigned(MaglevHashing.hashKey(ip(address), port, MaglevHashing.HASH1, 0), 4093);
    }

    private static int skip(String address, int port) {
        return Integer.remainderUnsigned(MaglevHashing.hashKey(ip(address), port, MaglevHashing.HASH2, 0), 4092) + 1;
    }
}
