package halo.lvs;

import static halo.lvs.TestConfigs.rs;
import static halo.lvs.TestConfigs.vs;
import static org.assertj.core.api.Assertions.assertThat;

import halo.lvs.ForwardingMethod;
import java.util.ArrayList;
import java.util.HashMap;
import halo.testing.Gen;
import halo.testing.Property;
import java.util.List;
import org.junit.jupiter.api.Test;
import java.util.Map;

/**
 * Random checker verdicts against a small independent model of keepalived's rules: a real server is alive while all
 * its checkers are up; quorum (live weight) is lost below quorum - hysteresis or at 0 and regained at
 * quorum + hysteresis; while lost, the sorry server (if any) replaces the pool; inhibited servers stay at weight 0.
 */
class VirtualServerTablePropertiesTest {

    record Server(int weight, int checkers, boolean inhibit) {}

    record Setup(List<Server> servers, boolean alpha, boolean sorry, int quorum, int hysteresis) {}

    record Verdict(int server, int checker, boolean up) {}

    static Setup setup(Gen g) {
        List<Server> servers = g.listOf(1, 4, x -> new Server(x.intBetween(1, 4), x.intBetween(1, 2), x.bool()));
        return new Setup(servers, g.bool(), g.bool(), g.intBetween(1, 16), g.intBetween(0, 8));
    }

    static List<Verdict> verdicts(Gen g) {
        return g.listOf(0, 60, x -> new Verdict(x.intBetween(0, 3), x.intBetween(0, 1), x.bool()));
    }

    record Case(Setup setup, List<Verdict> verdicts) {}

    @Test
    void tableFollowsTheModel() {
        Property.forAll(300, g -> new Case(setup(g), verdicts(g)), c -> tableFollowsTheModel(c.setup(), c.verdicts()));
    }

    private static void tableFollowsTheModel(Setup setup, List<Verdict> verdicts) {
        TestConfigs.Vs config = vs("192.0.2.10", 80).kind(ForwardingMethod.DR).quorum(setup.quorum(), setup.hysteresis());
        if (setup.sorry()) config.sorry("192.0.2.99", 80);
        int total = 0;
        for (int i = 0; i < setup.servers().size(); i++) {
            Server s = setup.servers().get(i);
            TestConfigs.Rs r = rs("192.0.2." + (21 + i), 80).weight(s.weight());
            if (s.inhibit()) r.inhibit();
            for (int c = 0; c < s.checkers(); c++) r.check(TestConfigs.tcpCheck(setup.alpha()));
            config.add(r);
            total += s.weight();
        }
        // keepalived's corrections, which the table applies too
        int quorum = Math.min(setup.quorum(), total);
        int hysteresis = Math.min(setup.hysteresis(), quorum - 1);

        VirtualServerTable t = VirtualServerTableTest.table(config.build());
        List<boolean[]> checkerUp = new ArrayList<>();
        for (Server s : setup.servers()) {
            boolean[] up = new boolean[s.checkers()];
            java.util.Arrays.fill(up, !setup.alpha());
            checkerUp.add(up);
        }
        boolean[] alive = aliveOf(checkerUp);
        long sum = liveWeight(setup, alive);
        boolean quorumUp = !(sum == 0 || sum < quorum - hysteresis);
        List<Action> startActions = t.start();
        assertThat(t.quorumUp(0)).isEqualTo(quorumUp);
        assertTable(t, setup, alive, quorumUp);
        assertThat(VirtualServerTableTest.fifo(startActions).stream().filter(l -> l.startsWith("VS ")).toList())
                .isEqualTo(quorumUp ? List.of() : List.of("VS [192.0.2.10]:tcp:80 DOWN\n"));

        for (Verdict v : verdicts) {
            if (v.server() >= setup.servers().size() || v.checker() >= setup.servers().get(v.server()).checkers()) {
                continue;
            }
            checkerUp.get(v.server())[v.checker()] = v.up();
            boolean[] newAlive = aliveOf(checkerUp);
            boolean changed = newAlive[v.server()] != alive[v.server()];
            alive = newAlive;
            boolean oldQuorum = quorumUp;
            if (changed) {
                sum = liveWeight(setup, alive);
                if (!quorumUp && sum >= quorum + hysteresis) {
                    quorumUp = true;
                } else if (quorumUp && (sum == 0 || sum < quorum - hysteresis)) {
                    quorumUp = false;
                }
            }
            List<Action> actions = t.checkerResult(new CheckerId(0, v.server(), v.checker()), v.up());

            assertThat(t.alive(new RealServerId(0, v.server()))).isEqualTo(alive[v.server()]);
            assertThat(t.quorumUp(0)).as("quorum after %s", v).isEqualTo(quorumUp);
            assertTable(t, setup, alive, quorumUp);
            List<String> fifo = VirtualServerTableTest.fifo(actions);
            String rsLine = "RS [192.0.2." + (21 + v.server()) + "]:tcp:80 [192.0.2.10]:tcp:80 "
                    + (alive[v.server()] ? "UP" : "DOWN") + "\n";
            if (changed) {
                assertThat(fifo).first().isEqualTo(rsLine);
            }
            assertThat(fifo.stream().filter(l -> l.startsWith("RS ")).toList()).allMatch(rsLine::equals).hasSizeLessThan(2);
            assertThat(fifo.stream().filter(l -> l.startsWith("VS ")).toList()).isEqualTo(oldQuorum == quorumUp
                    ? List.of() : List.of("VS [192.0.2.10]:tcp:80 " + (quorumUp ? "UP" : "DOWN") + "\n"));
        }

        t.shutdown();
        assertThat(t.snapshot().services()).isEmpty();
    }

    private static boolean[] aliveOf(List<boolean[]> checkerUp) {
        boolean[] alive = new boolean[checkerUp.size()];
        for (int i = 0; i < alive.length; i++) {
            alive[i] = true;
            for (boolean up : checkerUp.get(i)) alive[i] &= up;
        }
        return alive;
    }

    private static long liveWeight(Setup setup, boolean[] alive) {
        long sum = 0;
        for (int i = 0; i < alive.length; i++) {
            if (alive[i]) sum += setup.servers().get(i).weight();
        }
        return sum;
    }

    /** What -L must show: who is in the pool, at which weight. */
    private static void assertTable(VirtualServerTable t, Setup setup, boolean[] alive, boolean quorumUp) {
        boolean poolInUse = quorumUp || !setup.sorry();
        Map<String, Integer> expected = new HashMap<>();
        for (int i = 0; i < alive.length; i++) {
            Server s = setup.servers().get(i);
            String name = "192.0.2." + (21 + i);
            if (alive[i] && poolInUse) {
                expected.put(name, s.weight());
            } else if (s.inhibit()) {
                expected.put(name, 0);
            }
        }
        if (setup.sorry() && !quorumUp) expected.put("192.0.2.99", 1);
        Map<String, Integer> actual = new HashMap<>();
        for (IpvsDestination d : t.snapshot().services().getFirst().destinations()) {
            actual.put(d.key().address().getHostAddress(), d.weight());
        }
        assertThat(actual).isEqualTo(expected);
    }
}
