package halo.lvs.sched;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** The connection thresholds as ip_vs_bind_dest / ip_vs_unbind_dest apply them (ip_vs_conn.c). */
class DestinationOverloadTest {

    private static Destination dest(int upper, int lower) throws Exception {
        Destination d = new Destination(InetAddress.getByName("198.51.100.1"), 80, 1);
        d.thresholds(upper, lower);
        return d;
    }

    /** Opens one connection (counted active) and applies the bind rule. */
    private static void open(Destination d) {
        d.activeConnections(d.activeConnections() + 1);
        d.afterConnectionAdded();
    }

    /** Ends one connection and applies the unbind rule. */
    private static void close(Destination d) {
        d.activeConnections(d.activeConnections() - 1);
        d.afterConnectionRemoved();
    }

    @Test
    void theUpperThresholdSetsTheFlagAndTheLowerOneClearsIt() throws Exception {
        Destination d = dest(4, 2);
        for (int i = 0; i < 3; i++) open(d);
        assertThat(d.overloaded()).as("3 < u-threshold 4").isFalse();
        open(d);
        assertThat(d.overloaded()).as("4 >= u-threshold 4").isTrue();
        close(d);
        assertThat(d.overloaded()).as("3 is not below l-threshold 2").isTrue();
        close(d);
        assertThat(d.overloaded()).as("2 is not below l-threshold 2").isTrue();
        close(d);
        assertThat(d.overloaded()).as("1 < l-threshold 2").isFalse();
    }

    @Test
    void withoutALowerThresholdTheFlagClearsBelowThreeQuartersOfTheUpperOne() throws Exception {
        Destination d = dest(8, 0);
        for (int i = 0; i < 8; i++) open(d);
        assertThat(d.overloaded()).isTrue();
        close(d);
        close(d);
        assertThat(d.overloaded()).as("6 * 4 = 24 is not below 8 * 3 = 24").isTrue();
        close(d);
        assertThat(d.overloaded()).as("5 * 4 = 20 < 24").isFalse();
    }

    @Test
    void inactiveConnectionsCountTowardsTheThresholds() throws Exception {
        Destination d = dest(3, 0);
        d.inactiveConnections(2);
        open(d);
        assertThat(d.totalConnections()).isEqualTo(3);
        assertThat(d.overloaded()).isTrue();
    }

    @Test
    void withNoThresholdsTheFlagNeverSetsAndAnyEndClearsIt() throws Exception {
        Destination d = dest(0, 0);
        for (int i = 0; i < 1000; i++) open(d);
        assertThat(d.overloaded()).isFalse();
        d.overloaded(true); // thresholds removed while overloaded (ipvsadm -e without -x)
        close(d);
        assertThat(d.overloaded()).isFalse();
    }

    @Test
    void raisingOrRemovingTheUpperThresholdClearsTheFlagAtOnceLoweringItDoesNot() throws Exception {
        Destination d = dest(2, 0);
        open(d);
        open(d);
        assertThat(d.overloaded()).isTrue();
        d.thresholds(1, 0);
        assertThat(d.overloaded()).as("lowered: still overloaded").isTrue();
        d.thresholds(3, 0);
        assertThat(d.overloaded()).as("raised: cleared (__ip_vs_update_dest)").isFalse();
        open(d);
        assertThat(d.overloaded()).isTrue();
        d.thresholds(0, 0);
        assertThat(d.overloaded()).as("removed: cleared").isFalse();
    }

    @Test
    void anOverloadedDestinationIsNotScheduled() throws Exception {
        Destination a = dest(1, 0);
        Destination b = new Destination(InetAddress.getByName("198.51.100.2"), 80, 1);
        java.util.List<Destination> ab = java.util.List.of(a, b);
        Scheduler rr = Schedulers.byName("rr", 0, java.util.random.RandomGenerator.of("L64X128MixRandom"), () -> 0L);
        rr.update(ab);
        open(a);
        assertThat(a.overloaded()).isTrue();
        Flow flow = new Flow();
        assertThat(rr.schedule(ab, flow)).isSameAs(b);
        assertThat(rr.schedule(ab, flow)).isSameAs(b);
        close(a);
        assertThat(rr.schedule(ab, flow)).isSameAs(a);
    }
}
