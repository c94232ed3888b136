package halo.lvs.conn;

import static halo.lvs.conn.Net.A;
import static halo.lvs.conn.Net.SECOND;
import static org.assertj.core.api.Assertions.assertThat;

import halo.lvs.Protocol;
import halo.lvs.ServiceKey;
import halo.lvs.sched.Flow;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The table's lookups and timers under many entries: found while present, gone exactly at their deadlines. */
class ConnectionTableTest {

    @Test
    void manyFlowsAreFoundUntilTheyExpireAtTheirOwnDeadlines() {
        Settings settings = new Settings();
        settings.set(0, 0, 30);
        ServiceConnections s = new ServiceConnections(new ServiceKey.Inet(Net.VIP, 53, Protocol.UDP), "rr", 0, 0,
                0xffffffff, settings, new Random(1), 0);
        s.addDestination(A, 53, 1, 0, 0, 0);
        Random random = new Random(7);
        List<Connection> flows = new ArrayList<>();
        List<Flow> keys = new ArrayList<>();
        List<Connection> ended = new ArrayList<>();
        s.listener(ended::add);
        for (int i = 0; i < 3000; i++) {
            // few distinct addresses and ports, so many keys share hash neighbourhoods
            byte[] client = {(byte) 203, 0, 113, (byte) random.nextInt(8)};
            Flow f = new Flow().set(client, 1024 + i, Net.VIP.getAddress(), 53);
            long t = random.nextLong(20 * SECOND);
            Connection c = s.open(f, Protocol.UDP, t);
            flows.add(c);
            keys.add(new Flow().set(client, 1024 + i, Net.VIP.getAddress(), 53));
            if (random.nextInt(3) == 0) {
                s.received(c, Segment.ACK, 1, 10, t + random.nextLong(5 * SECOND)); // renewed later
            }
        }
        for (long now = 0; now <= 60 * SECOND; now += SECOND / 4) {
            s.expire(now);
            for (int i = 0; i < flows.size(); i += 7) {
                Connection c = flows.get(i);
                boolean due = c.deadline() - now <= 0;
                assertThat(c.ended()).as("flow %d at %d ns, deadline %d", i, now, c.deadline()).isEqualTo(due);
                assertThat(s.find(keys.get(i), Protocol.UDP)).isSameAs(due ? null : c);
            }
        }
        assertThat(ended).hasSize(3000).doesNotHaveDuplicates();
        assertThat(s.size()).isZero();
        assertThat(s.realServer(A, 53).connections()).isEqualTo(halo.lvs.Connections.NONE);
    }
}
