package halo.lvs.sched;

import static halo.lvs.sched.SourceHashingTest.count;
import static halo.lvs.sched.SourceHashingTest.dest;
import static halo.lvs.sched.SourceHashingTest.ip;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** dh against the kernel's ip_vs_dh.c: one bucket per destination in turn, hash_32 of the destination address. */
class DestinationHashingTest {
    private final Destination a = dest("198.51.100.1", 1);
    private final Destination b = dest("198.51.100.2", 2);
    private final Destination c = dest("198.51.100.3", 3);
    private final List<Destination> abc = List.of(a, b, c);

    @Test
    void tableIgnoresWeights() {
        DestinationHashing dh = new DestinationHashing();
        dh.update(abc);
        int[] table = dh.lookupTable();
        assertThat(Arrays.copyOfRange(table, 0, 6)).containsExactly(0, 1, 2, 0, 1, 2);
        assertThat(table[255]).isEqualTo(0); // 256 = 85*3 + 1
        assertThat(count(table, 0)).isEqualTo(86);
        assertThat(count(table, 1)).isEqualTo(85);
        assertThat(count(table, 2)).isEqualTo(85);
    }

    @Test
    void destinationAddressPicksTheBucket() {
        DestinationHashing dh = new DestinationHashing();
        dh.update(abc);
        // the client address plays no part: only the packet's destination
        assertThat(dh.schedule(abc, flowTo("192.0.2.1"))).isSameAs(c); // bucket 50 = 3*16 + 2
        assertThat(dh.schedule(abc, flowTo("203.0.113.200"))).isSameAs(b); // bucket 52 = 3*17 + 1
        assertThat(dh.schedule(abc, flowTo("2001:db8::1"))).isSameAs(a); // bucket 63 = 3*21
        assertThat(DestinationHashing.hashKey(ip("2001:db8::2:1"))).isEqualTo(75);
    }

    @Test
    void unavailableServerGivesNoDestination() {
        DestinationHashing dh = new DestinationHashing();
        dh.update(abc);
        c.overloaded(true);
        assertThat(dh.schedule(abc, flowTo("192.0.2.1"))).isNull();
        c.overloaded(false);
        c.weight(0);
        dh.update(abc);
        assertThat(dh.schedule(abc, flowTo("192.0.2.1"))).isNull();
        assertThat(dh.schedule(abc, flowTo("203.0.113.200"))).isSameAs(b);
    }

    @Test
    void removingADestinationRefillsTheTable() {
        DestinationHashing dh = new DestinationHashing();
        dh.update(abc);
        List<Destination> ab = List.of(a, b);
        dh.update(ab);
        assertThat(dh.schedule(ab, flowTo("192.0.2.1"))).isSameAs(a); // 50 is even
        dh.update(List.of());
        assertThat(dh.schedule(List.of(), flowTo("192.0.2.1"))).isNull();
    }

    private static Flow flowTo(String destination) {
        byte[] dst = ip(destination);
        byte[] src = dst.length == 4 ? ip("198.51.100.99") : ip("2001:db8::99");
        return new Flow().set(src, 5555, dst, 80);
    }
}
