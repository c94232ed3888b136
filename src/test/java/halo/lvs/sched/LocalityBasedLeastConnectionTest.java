package halo.lvs.sched;

import static halo.lvs.sched.SourceHashingTest.dest;
import static halo.lvs.sched.SourceHashingTest.ip;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** lblc against the kernel's ip_vs_lblc.c, with a hand-driven clock. */
class LocalityBasedLeastConnectionTest {
    static final long MINUTE = 60_000_000_000L;

    private final long[] now = {1_000};
    private final LocalityBasedLeastConnection lblc = new LocalityBasedLeastConnection(() -> now[0]);
    private final Destination a = dest("198.51.100.1", 1);
    private final Destination b = dest("198.51.100.2", 2);
    private final Destination c = dest("198.51.100.3", 3);
    private final List<Destination> abc = List.of(a, b, c);

    LocalityBasedLeastConnectionTest() {
        lblc.update(abc);
        // overheads (active * 256 + inactive) 256, 10, 12: per weight 256, 5, 4, so c is the least loaded
        a.activeConnections(1);
        b.inactiveConnections(10);
        c.inactiveConnections(12);
    }

    @Test
    void firstConnectionToAnAddressGoesToTheWeightedLeastConnectionServer() {
        assertThat(lblc.schedule(abc, to("192.0.2.1"))).isSameAs(c);
        assertThat(lblc.remembered(ip("192.0.2.1"))).isSameAs(c);
        assertThat(lblc.entries()).isEqualTo(1);
    }

    @Test
    void laterConnectionsToTheAddressStayOnItsServerWhateverTheLoads() {
        lblc.schedule(abc, to("192.0.2.1"));
        c.inactiveConnections(500);
        assertThat(lblc.schedule(abc, to("192.0.2.1"))).isSameAs(c);
        // another address is scheduled afresh: now b (10/2 = 5 < 500/3)
        assertThat(lblc.schedule(abc, to("192.0.2.2"))).isSameAs(b);
        assertThat(lblc.schedule(abc, to("2001:db8::1"))).isSameAs(b);
        assertThat(lblc.entries()).isEqualTo(3);
    }

    @Test
    void overloadedServerIsLeftOnlyWhileAnotherRunsUnderHalfItsWeight() {
        lblc.schedule(abc, to("192.0.2.1"));
        c.activeConnections(4); // more active than its weight 3
        c.inactiveConnections(0);
        // a has 1 active (1 * 2 >= 1), b has 0 active (0 < 2): b is under half, so c is overloaded
        assertThat(lblc.schedule(abc, to("192.0.2.1"))).isSameAs(b);
        assertThat(lblc.remembered(ip("192.0.2.1"))).isSameAs(b);

        b.activeConnections(3); // b over its weight; nobody under half now
        a.activeConnections(1);
        c.activeConnections(2);
        assertThat(lblc.schedule(abc, to("192.0.2.1"))).isSameAs(b);
    }

    @Test
    void quiescedOrRemovedServerIsReplaced() {
        lblc.schedule(abc, to("192.0.2.1"));
        c.weight(0);
        assertThat(lblc.schedule(abc, to("192.0.2.1"))).isSameAs(b);
        List<Destination> ac = List.of(a, c);
        c.weight(3);
        lblc.update(ac);
        // b is no longer in the service: c again
        assertThat(lblc.schedule(ac, to("192.0.2.1"))).isSameAs(c);
    }

    @Test
    void noServerAvailable() {
        a.overloaded(true);
        b.weight(0);
        c.overloaded(true);
        assertThat(lblc.schedule(abc, to("192.0.2.1"))).isNull();
        assertThat(lblc.entries()).isZero();
    }

    @Test
    void everyThirtiethCheckDropsEntriesUnusedForTheExpiration() {
        lblc.schedule(abc, to("192.0.2.1"));
        lblc.schedule(abc, to("192.0.2.2"));
        now[0] += 24 * 60 * MINUTE - 5 * MINUTE;
        lblc.schedule(abc, to("192.0.2.2")); // used: kept
        now[0] += 5 * MINUTE;
        for (int i = 0; i < 29; i++) lblc.checkExpire();
        assertThat(lblc.entries()).isEqualTo(2);
        lblc.checkExpire(); // the 30th: full check
        assertThat(lblc.entries()).isEqualTo(1);
        assertThat(lblc.remembered(ip("192.0.2.1"))).isNull();
        assertThat(lblc.remembered(ip("192.0.2.2"))).isSameAs(c);
    }

    @Test
    void overfullTableLosesIdleEntriesBucketByBucketUntilTheGoal() {
        int n = 20_000;
        for (int i = 0; i < n; i++) lblc.schedule(abc, to(new byte[] {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i}));
        assertThat(lblc.entries()).isEqualTo(n);
        now[0] += 6 * MINUTE;
        lblc.checkExpire();
        int goal = (n - 16384) * 4 / 3; // 4821
        int removed = n - lblc.entries();
        assertThat(removed).isGreaterThanOrEqualTo(goal).isLessThan(goal + 200);
    }

    static Flow to(String destination) {
        return to(ip(destination));
    }

    static Flow to(byte[] destination) {
        byte[] src = destination.length == 4 ? ip("203.0.113.5") : ip("2001:db8::5");
        return new Flow().set(src, 33000, destination, 80);
    }
}
