package halo.lvs.sched;

import static halo.lvs.sched.LocalityBasedLeastConnectionTest.MINUTE;
import static halo.lvs.sched.LocalityBasedLeastConnectionTest.to;
import static halo.lvs.sched.SourceHashingTest.dest;
import static halo.lvs.sched.SourceHashingTest.ip;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** lblcr against the kernel's ip_vs_lblcr.c, with a hand-driven clock. */
class LocalityBasedLeastConnectionWithReplicationTest {
    private final long[] now = {1_000};
    private final LocalityBasedLeastConnectionWithReplication lblcr =
            new LocalityBasedLeastConnectionWithReplication(() -> now[0]);
    private final Destination a = dest("198.51.100.1", 1);
    private final Destination b = dest("198.51.100.2", 2);
    private final Destination c = dest("198.51.100.3", 3);
    private final List<Destination> abc = List.of(a, b, c);

    LocalityBasedLeastConnectionWithReplicationTest() {
        lblcr.update(abc);
        a.activeConnections(1);
        b.inactiveConnections(10);
        c.inactiveConnections(12);
    }

    @Test
    void firstConnectionStartsTheSetWithTheWeightedLeastConnectionServer() {
        assertThat(lblcr.schedule(abc, to("192.0.2.1"))).isSameAs(c);
        assertThat(lblcr.serverSet(ip("192.0.2.1"))).containsExactly(c);
        c.inactiveConnections(500);
        assertThat(lblcr.schedule(abc, to("192.0.2.1"))).isSameAs(c);
    }

    @Test
    void overloadedSetServerAddsTheServicesLeastConnectionServer() {
        lblcr.schedule(abc, to("192.0.2.1"));
        c.activeConnections(4);
        c.inactiveConnections(0);
        // c over its weight while b runs under half: b joins the set, newest first
        assertThat(lblcr.schedule(abc, to("192.0.2.1"))).isSameAs(b);
        assertThat(lblcr.serverSet(ip("192.0.2.1"))).containsExactly(b, c);
        // the set's least loaded now: b (10 / 2) against c (1024 / 3)
        assertThat(lblcr.schedule(abc, to("192.0.2.1"))).isSameAs(b);
        c.activeConnections(0);
        b.inactiveConnections(100);
        // c (0) is the least loaded of the set again; no overload: no new member
        assertThat(lblcr.schedule(abc, to("192.0.2.1"))).isSameAs(c);
        assertThat(lblcr.serverSet(ip("192.0.2.1"))).hasSize(2);
    }

    @Test
    void setUnchangedForTheExpirationLosesItsMostLoadedServer() {
        lblcr.schedule(abc, to("192.0.2.1"));
        c.activeConnections(4);
        c.inactiveConnections(0);
        lblcr.schedule(abc, to("192.0.2.1")); // set b, c
        c.activeConnections(3); // not overloaded (3 > 3 is false)
        now[0] += 24 * 60 * MINUTE; // exactly the expiration: not after it yet
        assertThat(lblcr.schedule(abc, to("192.0.2.1"))).isSameAs(b);
        assertThat(lblcr.serverSet(ip("192.0.2.1"))).hasSize(2);
        now[0] += 1;
        // the pick is made before the cleanup: b (10/2) then c (768/3) is dropped as the most loaded
        assertThat(lblcr.schedule(abc, to("192.0.2.1"))).isSameAs(b);
        assertThat(lblcr.serverSet(ip("192.0.2.1"))).containsExactly(b);
    }

    @Test
    void quiescedOrRemovedSetMembersAreSkipped() {
        lblcr.schedule(abc, to("192.0.2.1")); // c
        c.weight(0);
        assertThat(lblcr.schedule(abc, to("192.0.2.1"))).isSameAs(b);
        assertThat(lblcr.serverSet(ip("192.0.2.1"))).containsExactly(b, c);
        c.weight(3);
        List<Destination> ac = List.of(a, c);
        lblcr.update(ac);
        // b left the service: the set's usable member is c
        assertThat(lblcr.schedule(ac, to("192.0.2.1"))).isSameAs(c);
    }

    @Test
    void entriesExpireAsInLblc() {
        lblcr.schedule(abc, to("192.0.2.1"));
        lblcr.schedule(abc, to("2001:db8::1"));
        assertThat(lblcr.entries()).isEqualTo(2);
        now[0] += 24 * 60 * MINUTE;
        for (int i = 0; i < 30; i++) lblcr.checkExpire();
        assertThat(lblcr.entries()).isZero();
        assertThat(lblcr.serverSet(ip("192.0.2.1"))).isEmpty();
    }
}
