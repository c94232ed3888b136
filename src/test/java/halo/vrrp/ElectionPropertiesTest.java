package halo.vrrp;

import static halo.vrrp.Clock.ms;
import static org.assertj.core.api.Assertions.assertThat;

import halo.testing.Gen;
import halo.testing.Property;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** On a lossless LAN, whatever the priorities and start times: one master, with the highest priority. */
class ElectionPropertiesTest {

    record Router(int priority, int startMs, boolean nopreempt) {}

    /** 1 to 5 routers, priority 1..255 (owners included), started within 8 s, preempting. */
    static List<Router> routers(Gen g) {
        return g.listOf(1, 5, x -> new Router(x.intWithEdges(1, 255), x.intWithEdges(0, 8_000), false));
    }

    /** 1 to 5 routers, priority 1..254 (no address owner), started within 8 s, nopreempt. */
    static List<Router> nopreemptRouters(Gen g) {
        return g.listOf(1, 5, x -> new Router(x.intWithEdges(1, 254), x.intWithEdges(0, 8_000), true));
    }

    record Case(List<Router> routers, boolean v3) {}

    @Test
    void withNopreemptStillExactlyOneMaster() {
        Property.forAll(200, g -> new Case(nopreemptRouters(g), g.bool()), c -> withNopreemptStillExactlyOneMaster(c.routers(), c.v3()));
    }

    private static void withNopreemptStillExactlyOneMaster(List<Router> routers, boolean v3) {
        List<InstanceMachine> instances = run(routers, v3);
        assertThat(instances.stream().filter(i -> i.state() == VrrpState.MASTER)).hasSize(1);
        // the first router started is the master unless another started within its Master_Down_Interval
        int first = 0;
        for (int i = 1; i < routers.size(); i++) {
            if (routers.get(i).startMs() < routers.get(first).startMs()) {
                first = i;
            }
        }
        int firstStart = routers.get(first).startMs();
        boolean alone = routers.stream().filter(r -> r.startMs() < firstStart + 5_000).count() == 1;
        if (alone) {
            assertThat(instances.get(first).state()).isEqualTo(VrrpState.MASTER);
        }
    }

    @Test
    void exactlyOneMasterWithTheHighestPriority() {
        Property.forAll(300, g -> new Case(routers(g), g.bool()), c -> exactlyOneMasterWithTheHighestPriority(c.routers(), c.v3()));
    }

    private static void exactlyOneMasterWithTheHighestPriority(List<Router> routers, boolean v3) {
        if (routers.stream().filter(r -> r.priority() == 255).count() > 1) {
            return; // two address owners is a configuration error (each lowers itself to 254)
        }
        List<InstanceMachine> instances = run(routers, v3);
        int maxPriority = routers.stream().mapToInt(Router::priority).max().orElseThrow();
        List<InstanceMachine> masters = instances.stream().filter(i -> i.state() == VrrpState.MASTER).toList();
        assertThat(masters).hasSize(1);
        assertThat(masters.get(0).effectivePriority()).isEqualTo(maxPriority);
        assertThat(instances).allMatch(i -> i.state() == VrrpState.MASTER || i.state() == VrrpState.BACKUP);
    }

    private static List<InstanceMachine> run(List<Router> routers, boolean v3) {
        long t0 = 1_000_000_000L;
        Lan lan = new Lan(t0, ms(1));
        List<InstanceMachine> instances = new ArrayList<>();
        for (int i = 0; i < routers.size(); i++) {
            Router r = routers.get(i);
            Lan.Node node = lan.node("node" + i, "192.0.2." + (i + 1));
            InstanceSpec.Builder b = InstanceSpec.builder("VI_1", 51).priority(r.priority()).nopreempt(r.nopreempt())
                    .virtualIpAddress("192.0.2.100");
            if (v3) {
                b.version(3).advertInterval(Duration.ofMillis(100));
            }
            instances.add(node.add(b));
        }
        // start in time order
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < routers.size(); i++) {
            order.add(i);
        }
        order.sort((x, y) -> Integer.compare(routers.get(x).startMs(), routers.get(y).startMs()));
        for (int i : order) {
            lan.runUntil(t0 + ms(routers.get(i).startMs()));
            instances.get(i).start(lan.now);
        }
        lan.runUntil(t0 + ms(30_000));
        return instances;
    }
}
