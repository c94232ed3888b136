package halo.lvs.sched;

import static org.assertj.core.api.Assertions.assertThat;

import halo.lvs.ServiceFlag;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * sh against the kernel's ip_vs_sh.c. Bucket numbers are hash_32 worked by hand: hash_32(v, 8) is the top byte of
 * v * 0x61C88647 mod 2^32; e.g. 192.0.2.1 = 0xC0000201, times 0x61C88647 is 0x32D51447 mod 2^32, bucket 0x32 = 50.
 */
class SourceHashingTest {
    private final Destination a = dest("198.51.100.1", 1);
    private final Destination b = dest("198.51.100.2", 2);
    private final Destination c = dest("198.51.100.3", 3);
    private final List<Destination> abc = List.of(a, b, c);

    @Test
    void hash32IsTheKernelsMultiplicativeHashOfTheHostOrderAddress() {
        assertThat(KernelHash.hash32(1, 8)).isEqualTo(0x61);
        assertThat(SourceHashing.hashKey(ip("192.0.2.1"), 0, 0)).isEqualTo(50);
        assertThat(SourceHashing.hashKey(ip("192.0.2.2"), 0, 0)).isEqualTo(148);
        assertThat(SourceHashing.hashKey(ip("198.51.100.7"), 0, 0)).isEqualTo(171);
        assertThat(SourceHashing.hashKey(ip("203.0.113.200"), 0, 0)).isEqualTo(52);
        // offset is added after hashing, then masked
        assertThat(SourceHashing.hashKey(ip("192.0.2.1"), 0, 250)).isEqualTo((250 + 50) & 255);
    }

    @Test
    void ipv6FoldsTheFourWordsBeforeHashing() {
        // 2001:db8::1 folds to 0x20010db8 ^ 0 ^ 0 ^ 1 = 0x20010db9; times 0x61C88647 = 0x3F01A44F: bucket 63
        assertThat(KernelHash.foldAddress(ip("2001:db8::1"))).isEqualTo(0x20010db9);
        assertThat(SourceHashing.hashKey(ip("2001:db8::1"), 0, 0)).isEqualTo(63);
        // 2001:db8::2:1 folds to 0x20030db9: bucket 75
        assertThat(SourceHashing.hashKey(ip("2001:db8::2:1"), 0, 0)).isEqualTo(75);
    }

    @Test
    void tableIsFilledInListOrderEachDestinationTakingWeightBuckets() {
        SourceHashing sh = new SourceHashing(0);
        sh.update(abc);
        int[] table = sh.lookupTable();
        assertThat(Arrays.copyOfRange(table, 0, 12)).containsExactly(0, 1, 1, 2, 2, 2, 0, 1, 1, 2, 2, 2);
        // 256 = 42 rounds of 6, then A B B C
        assertThat(Arrays.copyOfRange(table, 252, 256)).containsExactly(0, 1, 1, 2);
        assertThat(count(table, 0)).isEqualTo(43);
        assertThat(count(table, 1)).isEqualTo(86);
        assertThat(count(table, 2)).isEqualTo(127);
    }

    @Test
    void aQuiescedDestinationStillTakesOneBucketAsInTheKernel() {
        // ip_vs_sh_reassign moves on when ++d_count >= weight, so weight 0 holds one bucket: A B C C C repeated
        SourceHashing sh = new SourceHashing(0);
        b.weight(0);
        sh.update(abc);
        assertThat(Arrays.copyOfRange(sh.lookupTable(), 0, 10)).containsExactly(0, 1, 2, 2, 2, 0, 1, 2, 2, 2);
    }

    @Test
    void clientAddressPicksItsBucketsServer() {
        SourceHashing sh = new SourceHashing(0);
        sh.update(abc);
        assertThat(sh.schedule(abc, flow("192.0.2.1", 1234))).isSameAs(b); // bucket 50 = 6*8 + 2
        assertThat(sh.schedule(abc, flow("192.0.2.2", 1234))).isSameAs(c); // 148 = 6*24 + 4
        assertThat(sh.schedule(abc, flow("192.0.2.3", 1234))).isSameAs(a); // 246 = 6*41
        assertThat(sh.schedule(abc, flow("2001:db8::1", 1234))).isSameAs(c); // 63 = 6*10 + 3
        // without sh-port the port plays no part
        assertThat(sh.schedule(abc, flow("192.0.2.1", 40000))).isSameAs(b);
    }

    @Test
    void shPortAddsTheSourcePortBeforeHashing() {
        SourceHashing sh = new SourceHashing(ServiceFlag.SCHED2.bit());
        sh.update(abc);
        // hash_32(40000 + 0xC0000201, 8) = 214 = 6*35 + 4; hash_32(40001 + 0xC0000201, 8) = 56 = 6*9 + 2
        assertThat(sh.schedule(abc, flow("192.0.2.1", 40000))).isSameAs(c);
        assertThat(sh.schedule(abc, flow("192.0.2.1", 40001))).isSameAs(b);
    }

    @Test
    void weightChangeRebuildsTheTable() {
        SourceHashing sh = new SourceHashing(0);
        sh.update(abc);
        Flow client = flow("198.51.100.7", 1234); // bucket 171
        assertThat(sh.schedule(abc, client)).isSameAs(c); // 171 = 6*28 + 3
        b.weight(0);
        sh.update(abc);
        // A B C C C: 171 = 5*34 + 1 is B's one bucket, and B is quiesced
        assertThat(sh.lookupTable()[171]).isEqualTo(1);
        assertThat(sh.schedule(abc, client)).isNull();
    }

    @Test
    void fallbackWalksOnFromAQuiescedServerAsTheKernelDoes() {
        SourceHashing sh = new SourceHashing(ServiceFlag.SCHED1.bit());
        b.weight(0);
        sh.update(abc);
        // bucket 171 is B (quiesced); the kernel then tries hashkey(offset = 171 + k) = (171 + k + 171) & 255:
        // 86 (5*17 + 1: B again), then 87 (C)
        assertThat(sh.schedule(abc, flow("198.51.100.7", 1234))).isSameAs(c);
    }

    @Test
    void fallbackSkipsOverloadedServers() {
        SourceHashing sh = new SourceHashing(ServiceFlag.SCHED1.bit());
        sh.update(abc);
        b.overloaded(true);
        c.overloaded(true);
        // 192.0.2.1: bucket 50 (B), then 100 (6*16 + 4: C), 101 (C), 102 (6*17: A)
        assertThat(sh.schedule(abc, flow("192.0.2.1", 1234))).isSameAs(a);
        SourceHashing noFallback = new SourceHashing(0);
        noFallback.update(abc);
        assertThat(noFallback.schedule(abc, flow("192.0.2.1", 1234))).isNull();
    }

    @Test
    void fallbackFindsNothingWhenAllAreUnavailable() {
        SourceHashing sh = new SourceHashing(ServiceFlag.SCHED1.bit());
        sh.update(abc);
        a.overloaded(true);
        b.overloaded(true);
        c.weight(0);
        assertThat(sh.schedule(abc, flow("192.0.2.1", 1234))).isNull();
    }

    @Test
    void noDestinationsGiveAnEmptyTable() {
        SourceHashing sh = new SourceHashing(ServiceFlag.SCHED1.bit());
        sh.update(List.of());
        assertThat(sh.lookupTable()).containsOnly(-1);
        assertThat(sh.schedule(List.of(), flow("192.0.2.1", 1234))).isNull();
    }

    static int count(int[] table, int index) {
        return (int) Arrays.stream(table).filter(i -> i == index).count();
    }

    static Destination dest(String address, int weight) {
        try {
            return new Destination(InetAddress.getByName(address), 80, weight);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    static byte[] ip(String literal) {
        try {
            return InetAddress.getByName(literal).getAddress();
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    static Flow flow(String source, int sourcePort) {
        byte[] src = ip(source);
        byte[] vip = src.length == 4 ? ip("203.0.113.10") : ip("2001:db8::10");
        return new Flow().set(src, sourcePort, vip, 80);
    }
}
