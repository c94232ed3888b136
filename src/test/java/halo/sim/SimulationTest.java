package halo.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SimulationTest {
    static final byte[] GROUP = {(byte) 224, 0, 0, 18};
    static final long MS = 1_000_000;

    /** Sends one multicast packet every 10 ms carrying a counter; logs what it hears. */
    static final class Chatter implements NodeSoftware {
        final List<String> log;
        SimNode node;
        SimNode.Timer timer;
        int counter;

        Chatter(List<String> log) {
            this.log = log;
        }

        @Override
        public void start(SimNode node) {
            this.node = node;
            timer = node.timer(this::tick);
            timer.setAfter(10 * MS);
        }

        void tick() {
            byte[] p = {(byte) counter++};
            node.send(node.iface("eth0"), GROUP, 255, p, 0, 1);
            timer.setAfter(10 * MS);
        }

        @Override
        public void receive(SimInterface in, byte[] src, byte[] dst, int ttl, byte[] payload, int off, int len) {
            log.add(node.simulation().now() + " " + node.name() + "<-" + (src[3] & 0xFF) + "#" + payload[off]);
        }
    }

    static Simulation lan(long seed, LinkModel link, List<String> log, int n) {
        Simulation sim = new Simulation(seed);
        Segment s = sim.segment("lan", link);
        for (int i = 1; i <= n; i++) {
            SimNode node = sim.node("node" + i);
            node.attach("eth0", s, new byte[] {(byte) 192, 0, 2, (byte) i}, new byte[16]);
            node.setSoftware(() -> new Chatter(log));
            node.boot();
        }
        return sim;
    }

    @Test
    void sameSeedReplaysExactly() {
        LinkModel rough = new LinkModel(0.2, MS, 3 * MS, 0.1, 0.1, 20 * MS);
        List<String> a = new ArrayList<>(), b = new ArrayList<>(), c = new ArrayList<>();
        lan(42, rough, a, 3).runUntil(2_000 * MS);
        lan(42, rough, b, 3).runUntil(2_000 * MS);
        lan(43, rough, c, 3).runUntil(2_000 * MS);
        assertThat(a).isNotEmpty().isEqualTo(b);
        assertThat(c).isNotEqualTo(a);
    }

    @Test
    void lossDuplicationAndReorderingHappenAtTheConfiguredRates() {
        List<String> log = new ArrayList<>();
        Simulation sim = lan(7, new LinkModel(0.3, MS, 0, 0.1, 0.2, 25 * MS), log, 2);
        sim.runUntil(100_000 * MS); // 10,000 packets each way
        Segment s = sim.segment("lan");
        assertThat(s.sent()).isEqualTo(20_000);
        assertThat((double) s.lost() / s.sent()).isBetween(0.28, 0.32);
        assertThat((double) s.duplicated() / (s.sent() - s.lost())).isBetween(0.08, 0.12);
        int outOfOrder = 0, last = -1;
        for (String line : log) {
            if (!line.contains("node2<-1#")) continue;
            int k = Integer.parseInt(line.substring(line.indexOf('#') + 1));
            int counter = k & 0xFF;
            if (last >= 0 && counter < last && last - counter < 128) outOfOrder++;
            last = counter;
        }
        assertThat(outOfOrder).isGreaterThan(50);
    }

    @Test
    void partitionStopsTrafficBothWaysUntilHeal() {
        List<String> log = new ArrayList<>();
        Simulation sim = lan(1, LinkModel.CLEAN, log, 3);
        sim.at(100 * MS, () -> sim.partition(Set.of(sim.node("node1"))));
        sim.at(200 * MS, sim::heal);
        sim.runUntil(300 * MS);
        List<String> during = log.stream().filter(l -> {
            long t = Long.parseLong(l.substring(0, l.indexOf(' ')));
            return t > 101 * MS && t < 200 * MS;
        }).toList();
        assertThat(during).isNotEmpty().noneMatch(l -> l.contains("node1<-") || l.contains("<-1#"));
        assertThat(during).anyMatch(l -> l.contains("node2<-3#")).anyMatch(l -> l.contains("node3<-2#"));
        assertThat(log.stream().filter(l -> l.contains("node1<-2#") && Long.parseLong(l.split(" ")[0]) > 200 * MS))
                .isNotEmpty();
    }

    @Test
    void crashDropsTimersAndRestoreStartsFresh() {
        List<String> log = new ArrayList<>();
        Simulation sim = lan(1, LinkModel.CLEAN, log, 2);
        SimNode n1 = sim.node("node1");
        sim.at(55 * MS, n1::crash);
        sim.at(505 * MS, n1::boot);
        sim.runUntil(600 * MS);
        List<String> fromNode1 = log.stream().filter(l -> l.contains("node2<-1#")).toList();
        // 5 packets before the crash (10..50 ms), none while down, then a fresh counter from 0 at 515 ms.
        assertThat(fromNode1.subList(0, 6)).extracting(l -> l.split(" ")[1])
                .containsExactly("node2<-1#0", "node2<-1#1", "node2<-1#2", "node2<-1#3", "node2<-1#4", "node2<-1#0");
        assertThat(Long.parseLong(fromNode1.get(5).split(" ")[0])).isEqualTo(515 * MS + 100_000);
    }

    @Test
    void clockDriftStretchesTimers() {
        List<String> log = new ArrayList<>();
        Simulation sim = lan(1, LinkModel.CLEAN, log, 2);
        // A node whose clock runs 10% slow fires its 10 ms timer every 11.11 ms of real time: the 89th send is at
        // 988.9 ms, the 90th at 1000.0 ms arrives after the end (0.1 ms link delay).
        Simulation sim2 = new Simulation(1);
        Segment s = sim2.segment("lan", LinkModel.CLEAN);
        SimNode slow = sim2.node("slow");
        slow.attach("eth0", s, new byte[] {(byte) 192, 0, 2, 1}, new byte[16]);
        slow.setClock(-100_000, 0);
        SimNode ear = sim2.node("ear");
        ear.attach("eth0", s, new byte[] {(byte) 192, 0, 2, 2}, new byte[16]);
        List<String> heard = new ArrayList<>();
        slow.setSoftware(() -> new Chatter(new ArrayList<>()));
        ear.setSoftware(() -> new Chatter(heard));
        slow.boot();
        ear.boot();
        sim2.runUntil(1_000 * MS);
        assertThat(heard.stream().filter(l -> l.contains("<-1#")).count()).isEqualTo(89);
        sim.runUntil(1_000 * MS);
        assertThat(log.stream().filter(l -> l.contains("node2<-1#")).count()).isEqualTo(99);
    }
}
