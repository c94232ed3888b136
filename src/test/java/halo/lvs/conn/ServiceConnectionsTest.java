package halo.lvs.conn;

import static halo.lvs.conn.Net.A;
import static halo.lvs.conn.Net.B;
import static halo.lvs.conn.Net.SECOND;
import static halo.lvs.conn.Net.flow;
import static halo.lvs.conn.Net.name;
import static halo.lvs.conn.Net.tcpService;
import static org.assertj.core.api.Assertions.assertThat;

import halo.lvs.Protocol;
import halo.lvs.conn.ServiceConnections.Verdict;
import halo.lvs.sched.Destination;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import org.junit.jupiter.api.Test;

/** ip_vs_schedule, ip_vs_sched_persist, the connection table and the TCP states, on a virtual clock. */
class ServiceConnectionsTest {
    private static final int HOST = 0xffffffff;

    private final Settings settings = new Settings();

    /** A service with A (weight WA) added first, then B (weight WB): the kernel's list is B, A. */
    private ServiceConnections service(String scheduler, int persistence, int netmask, int wa, int wb) {
        ServiceConnections s = tcpService(scheduler, persistence, netmask, settings);
        s.addDestination(A, 80, wa, 0, 0, 0);
        s.addDestination(B, 80, wb, 0, 0, 0);
        return s;
    }

    private static Destination dest(ServiceConnections s, java.net.InetAddress a) {
        return s.realServer(a, 80).destination();
    }

    @Test
    void persistenceHoldsEachClientOnItsServerWhileWrrSpreadsTheClients() {
        ServiceConnections s = service("wrr", 360, HOST, 3, 1);
        // ip_vs_wrr_dest_changed: adding A(3) alone gives di 3, mw 3 - (3 - 1) = 1, cw = mw = 1; adding B(1) gives
        // di 1, mw 3, and cw 1 stays (not above mw, not 0). So over the list B(1), A(3): cw 1 takes B, then A; on
        // the wrap cw drops to 0 and restarts at mw 3: A; cw 2: A; cw 1: B, A; ... = B A A A, B A A A.
        StringJoiner firsts = new StringJoiner(" ");
        long t = 0;
        for (int client = 1; client <= 8; client++) {
            Connection first = s.open(flow("203.0.113." + client, 40000), Protocol.TCP, t += SECOND / 100);
            firsts.add(name(first));
            for (int i = 1; i < 10; i++) {
                Connection again = s.open(flow("203.0.113." + client, 40000 + i), Protocol.TCP, t += SECOND / 100);
                assertThat(name(again)).as("client %d connection %d", client, i).isEqualTo(name(first));
                assertThat(again.controllingTemplate()).isSameAs(first.controllingTemplate());
            }
        }
        assertThat(firsts.toString()).isEqualTo("B A A A B A A A");
        assertThat(dest(s, A).persistentConnections()).isEqualTo(6);
        assertThat(dest(s, B).persistentConnections()).isEqualTo(2);
        assertThat(dest(s, A).activeConnections()).as("SYN_RECV counts as active").isEqualTo(60);
        assertThat(dest(s, B).activeConnections()).isEqualTo(20);
        // Template hits do not move wrr: the ninth client gets the ninth pick, B, the next two A.
        assertThat(name(s.open(flow("203.0.113.9", 1), Protocol.TCP, t))).isEqualTo("B");
        assertThat(name(s.open(flow("203.0.113.10", 1), Protocol.TCP, t))).isEqualTo("A");
        assertThat(name(s.open(flow("203.0.113.11", 1), Protocol.TCP, t))).isEqualTo("A");
        assertThat(s.counters().current().connections()).isEqualTo(83);
    }

    @Test
    void aNetmaskGranularityGroupsTheClientsOfOneNetwork() {
        ServiceConnections s = service("rr", 360, 0xffffff00, 1, 1);
        List<String> servers = new ArrayList<>();
        for (int host = 1; host <= 50; host++) {
            servers.add(name(s.open(flow("203.0.113." + host, 50000), Protocol.TCP, host)));
        }
        assertThat(servers).containsOnly("B"); // rr's first pick: the head of the list
        Connection other = s.open(flow("192.0.2.7", 50000), Protocol.TCP, 100);
        assertThat(name(other)).isEqualTo("A");
        List<String> templates = new ArrayList<>();
        s.forEach(c -> {
            if (c.template()) templates.add(c.clientAddress().getHostAddress() + ":" + c.clientPort());
        });
        assertThat(templates).containsExactly("203.0.113.0:0", "192.0.2.0:0");
    }

    @Test
    void aQuiescedServerKeepsItsPersistentClientsButGetsNoNewOnes() {
        ServiceConnections s = service("rr", 300, HOST, 1, 1);
        assertThat(name(s.open(flow("203.0.113.1", 1000), Protocol.TCP, 0))).isEqualTo("B");
        assertThat(name(s.open(flow("203.0.113.2", 1000), Protocol.TCP, 0))).isEqualTo("A");
        s.editDestination(B, 80, 0, 0, 0);
        assertThat(name(s.open(flow("203.0.113.1", 1001), Protocol.TCP, SECOND))).as("persistent").isEqualTo("B");
        assertThat(name(s.open(flow("203.0.113.3", 1000), Protocol.TCP, SECOND))).isEqualTo("A");
        assertThat(name(s.open(flow("203.0.113.4", 1000), Protocol.TCP, SECOND))).isEqualTo("A");
        // expire_quiescent_template on: the template to the weight-0 server is invalidated, the client moves.
        settings.expireQuiescentTemplate(true);
        assertThat(name(s.open(flow("203.0.113.1", 1002), Protocol.TCP, 2 * SECOND))).isEqualTo("A");
    }

    @Test
    void aRemovedServersTemplateIsInvalidatedAndItsClientMoves() {
        ServiceConnections s = service("rr", 300, HOST, 1, 1);
        Connection old = s.open(flow("203.0.113.1", 1000), Protocol.TCP, 0);
        s.established(old, 0);
        assertThat(name(old)).isEqualTo("B");
        s.removeDestination(B, 80, 10 * SECOND);
        Connection moved = s.open(flow("203.0.113.1", 1001), Protocol.TCP, 11 * SECOND);
        assertThat(name(moved)).isEqualTo("A");
        assertThat(moved.controllingTemplate()).isNotSameAs(old.controllingTemplate());
        assertThat(old.controllingTemplate().destinationPort()).as("invalidated").isEqualTo(0xffff);
        // expire_nodest_conn 0: the old connection stays, its client traffic is dropped and does not renew it.
        assertThat(s.received(old, Segment.ACK, 1, 100, 12 * SECOND)).isEqualTo(Verdict.DROP);
        assertThat(old.ended()).isFalse();
        assertThat(old.realServer().destination().activeConnections()).isEqualTo(1);
        s.expire(900 * SECOND - 1);
        assertThat(old.ended()).isFalse();
        s.expire(900 * SECOND);
        assertThat(old.ended()).as("ESTABLISHED timeout from its last forwarded segment at 0 s").isTrue();
    }

    @Test
    void withExpireNodestConnRemovingAServerEndsItsConnectionsAndTemplates() {
        settings.expireNodestConn(true);
        ServiceConnections s = service("rr", 300, HOST, 1, 1);
        List<Connection> ended = new ArrayList<>();
        s.listener(ended::add);
        Connection onB = s.open(flow("203.0.113.1", 1000), Protocol.TCP, 0);
        Connection onA = s.open(flow("203.0.113.2", 1000), Protocol.TCP, 0);
        s.established(onB, 0);
        s.removeDestination(B, 80, SECOND);
        assertThat(ended).containsExactly(onB);
        assertThat(onB.controllingTemplate().ended()).isTrue();
        assertThat(s.size()).as("A's connection and template").isEqualTo(2);
        assertThat(onA.ended()).isFalse();
        assertThat(s.received(onB, Segment.ACK, 1, 1, 2 * SECOND)).isEqualTo(Verdict.CLOSED);
    }

    @Test
    void aServerAddedBackBeforeItsConnectionsEndKeepsThem() {
        ServiceConnections s = service("rr", 0, HOST, 1, 1);
        Connection c = s.open(flow("203.0.113.1", 1000), Protocol.TCP, 0);
        s.established(c, 0);
        s.removeDestination(B, 80, SECOND);
        assertThat(s.received(c, Segment.ACK, 1, 10, 2 * SECOND)).isEqualTo(Verdict.DROP);
        RealServer back = s.addDestination(B, 80, 1, 0, 0, 3 * SECOND);
        assertThat(back).isSameAs(c.realServer());
        assertThat(back.destination().activeConnections()).isEqualTo(1);
        assertThat(s.received(c, Segment.ACK, 1, 10, 4 * SECOND)).isEqualTo(Verdict.FORWARD);
    }

    @Test
    void theTemplateOutlivesItsLastConnectionByThePersistenceTimeoutAndNoLonger() {
        ServiceConnections s = service("rr", 360, HOST, 1, 1);
        Connection c = s.open(flow("203.0.113.1", 1000), Protocol.TCP, 0);
        Connection template = c.controllingTemplate();
        s.established(c, SECOND);
        s.received(c, Segment.FIN, 1, 0, 10 * SECOND); // ESTABLISHED -> CLOSE_WAIT
        s.sent(c, Segment.FIN, 1, 0, 10 * SECOND); // CLOSE_WAIT -> TIME_WAIT, 120 s
        assertThat(c.stateName()).isEqualTo("TIME_WAIT");
        s.expire(130 * SECOND);
        assertThat(c.ended()).isTrue();
        assertThat(template.ended()).isFalse();
        s.expire(360 * SECOND - 1);
        assertThat(template.ended()).isFalse();
        s.expire(360 * SECOND);
        assertThat(template.ended()).as("360 s after it was last used, at 0 s").isTrue();
        assertThat(dest(s, B).persistentConnections()).isZero();
    }

    @Test
    void aTemplateStillControllingAConnectionIsLookedAtAgainEverySixtySeconds() {
        ServiceConnections s = service("rr", 360, HOST, 1, 1);
        Connection c = s.open(flow("203.0.113.1", 1000), Protocol.TCP, 0);
        Connection template = c.controllingTemplate();
        s.established(c, 0);
        for (long t = 100; t <= 500; t += 100) {
            s.received(c, Segment.ACK, 1, 100, t * SECOND);
            s.expire(t * SECOND);
        }
        // Fired at 360 s while controlling c: re-armed for 420, 480, 540 (ip_vs_conn_expire's expire_later).
        s.sent(c, Segment.RST, 1, 0, 500 * SECOND); // CLOSE, 10 s
        s.expire(510 * SECOND);
        assertThat(c.ended()).isTrue();
        s.expire(540 * SECOND - 1);
        assertThat(template.ended()).isFalse();
        s.expire(540 * SECOND);
        assertThat(template.ended()).isTrue();
    }

    @Test
    void activeAndInactiveCountsFollowATcpConnectionsLife() {
        ServiceConnections s = service("rr", 0, HOST, 1, 1);
        Destination b = dest(s, B);
        Connection c = s.open(flow("203.0.113.1", 1000), Protocol.TCP, 0);
        assertThat(c.stateName()).isEqualTo("SYN_RECV");
        assertThat(counts(b)).isEqualTo("1/0");
        s.established(c, SECOND);
        assertThat(c.stateName()).isEqualTo("ESTABLISHED");
        assertThat(counts(b)).isEqualTo("1/0");
        s.sent(c, Segment.FIN, 1, 0, 2 * SECOND);
        assertThat(c.stateName()).isEqualTo("FIN_WAIT");
        assertThat(counts(b)).isEqualTo("0/1");
        s.received(c, Segment.ACK, 1, 0, 2 * SECOND);
        assertThat(c.stateName()).as("half closed, the client still sends").isEqualTo("FIN_WAIT");
        s.received(c, Segment.FIN, 1, 0, 3 * SECOND);
        assertThat(c.stateName()).isEqualTo("TIME_WAIT");
        assertThat(counts(b)).isEqualTo("0/1");
        s.expire(123 * SECOND - 1);
        assertThat(counts(b)).as("lingers in TIME_WAIT").isEqualTo("0/1");
        s.expire(123 * SECOND);
        assertThat(counts(b)).isEqualTo("0/0");
        assertThat(s.size()).isZero();
    }

    @Test
    void udpFlowsAreInactiveAndRenewedByTraffic() {
        ServiceConnections s = new ServiceConnections(new halo.lvs.ServiceKey.Inet(Net.VIP, 80, Protocol.UDP), "rr",
                0, 0, HOST, settings, new java.util.Random(1), 0);
        s.addDestination(A, 80, 1, 0, 0, 0);
        Connection c = s.open(flow("203.0.113.1", 5353), Protocol.UDP, 0);
        assertThat(c.stateName()).isEqualTo("UDP");
        assertThat(counts(dest(s, A))).isEqualTo("0/1");
        assertThat(s.find(flow("203.0.113.1", 5353), Protocol.UDP)).isSameAs(c);
        assertThat(s.open(flow("203.0.113.1", 5353), Protocol.UDP, 100 * SECOND)).as("same flow").isSameAs(c);
        s.sent(c, Segment.ACK, 1, 50, 200 * SECOND);
        s.expire(500 * SECOND - 1);
        assertThat(c.ended()).isFalse();
        s.expire(500 * SECOND);
        assertThat(c.ended()).isTrue();
        assertThat(s.counters().current().connections()).isEqualTo(1);
    }

    @Test
    void lcAndWlcFollowTheCounts() {
        // lc over B, A: ties go to the head; a closed connection still counts 1 (inactive) until it expires.
        ServiceConnections lc = service("lc", 0, HOST, 1, 1);
        Connection c1 = lc.open(flow("203.0.113.1", 1), Protocol.TCP, 0);
        Connection c2 = lc.open(flow("203.0.113.1", 2), Protocol.TCP, 0);
        Connection c3 = lc.open(flow("203.0.113.1", 3), Protocol.TCP, 0);
        assertThat(name(c1) + name(c2) + name(c3)).isEqualTo("BAB");
        // A client's RST leaves SYN_RECV as it is (tcp_states); once ESTABLISHED it gives CLOSE, inactive.
        lc.received(c1, Segment.RST, 1, 0, SECOND);
        assertThat(c1.stateName()).isEqualTo("SYN_RECV");
        lc.established(c1, SECOND);
        lc.established(c3, SECOND);
        lc.received(c1, Segment.RST, 1, 0, SECOND); // B: 256 + 1, A: 256
        lc.received(c3, Segment.RST, 1, 0, SECOND); // B: 2, A: 256
        assertThat(name(lc.open(flow("203.0.113.1", 4), Protocol.TCP, SECOND))).isEqualTo("B");
        // wlc, B weight 1, A weight 3: overhead/weight, compared as loh * w_dest > doh * w_least.
        // c1: B (0, first); c2: A (256*3 > 0); c3: A (256*3 > 256*1); c4: A (768 > 512); c5: B (768 > 768 is false).
        ServiceConnections wlc = service("wlc", 0, HOST, 3, 1);
        StringJoiner picks = new StringJoiner(" ");
        for (int i = 1; i <= 5; i++) {
            picks.add(name(wlc.open(flow("203.0.113.2", i), Protocol.TCP, 0)));
        }
        assertThat(picks.toString()).isEqualTo("B A A A B");
    }

    @Test
    void thresholdsSetAndClearTheOverloadThroughOpensAndCloses() {
        ServiceConnections s = tcpService("rr", 0, HOST, settings);
        s.addDestination(A, 80, 1, 2, 0, 0); // upper 2, no lower: clears when total * 4 < 2 * 3
        Connection c1 = s.open(flow("203.0.113.1", 1), Protocol.TCP, 0);
        Connection c2 = s.open(flow("203.0.113.1", 2), Protocol.TCP, 0);
        assertThat(dest(s, A).overloaded()).isTrue();
        assertThat(s.open(flow("203.0.113.1", 3), Protocol.TCP, 0)).isNull();
        s.sent(c1, Segment.RST, 1, 0, SECOND); // the real server refused: SYN_RECV -> CLOSE
        assertThat(s.open(flow("203.0.113.1", 4), Protocol.TCP, SECOND)).as("CLOSE still counts").isNull();
        s.expire(11 * SECOND);
        assertThat(c1.ended()).isTrue();
        assertThat(dest(s, A).overloaded()).as("1 * 4 < 6").isFalse();
        assertThat(name(s.open(flow("203.0.113.1", 5), Protocol.TCP, 11 * SECOND))).isEqualTo("A");
        assertThat(c2.ended()).isFalse();
    }

    @Test
    void timeoutsByStateAndSetChangesThemAtTheNextSegment() {
        ServiceConnections s = service("rr", 0, HOST, 1, 1);
        Connection syn = s.open(flow("203.0.113.1", 1), Protocol.TCP, 0);
        assertThat(syn.deadline()).as("SYN_RECV 60 s").isEqualTo(60 * SECOND);
        Connection c = s.open(flow("203.0.113.1", 2), Protocol.TCP, 0);
        s.established(c, 0);
        assertThat(c.deadline()).as("ESTABLISHED 900 s").isEqualTo(900 * SECOND);
        settings.set(60, 30, 10);
        assertThat(c.deadline()).as("unchanged until its next segment").isEqualTo(900 * SECOND);
        s.received(c, Segment.ACK, 1, 1, SECOND);
        assertThat(c.deadline()).isEqualTo(61 * SECOND);
        s.sent(c, Segment.FIN, 1, 0, 2 * SECOND);
        assertThat(c.deadline()).as("FIN_WAIT, tcpfin").isEqualTo(32 * SECOND);
        s.received(c, Segment.RST, 1, 0, 3 * SECOND);
        assertThat(c.deadline()).as("CLOSE 10 s").isEqualTo(13 * SECOND);
        settings.set(0, 0, 0);
        assertThat(settings.tcpSeconds() + " " + settings.tcpFinSeconds() + " " + settings.udpSeconds())
                .as("0 leaves a value unchanged").isEqualTo("60 30 10");
    }

    @Test
    void aClientReusingThePortOfAClosedConnectionIsScheduledAnew() {
        ServiceConnections s = service("rr", 0, HOST, 1, 1);
        Connection c = s.open(flow("203.0.113.1", 1), Protocol.TCP, 0);
        s.established(c, 0);
        s.received(c, Segment.RST, 1, 0, SECOND);
        Connection again = s.open(flow("203.0.113.1", 1), Protocol.TCP, 2 * SECOND);
        assertThat(again).isNotSameAs(c);
        assertThat(c.ended()).isTrue();
        assertThat(name(c) + name(again)).isEqualTo("BA");
    }

    private static String counts(Destination d) {
        return d.activeConnections() + "/" + d.inactiveConnections();
    }

    @Test
    void aOnePacketUdpServiceSchedulesEveryDatagram() {
        ServiceConnections s = new ServiceConnections(new halo.lvs.ServiceKey.Inet(Net.VIP, 53, Protocol.UDP), "rr",
                halo.lvs.ServiceFlag.ONE_PACKET.bit(), 0, HOST, settings, new java.util.Random(1), 0);
        s.addDestination(A, 53, 1, 0, 0, 0);
        s.addDestination(B, 53, 1, 0, 0, 0);
        halo.lvs.sched.Flow f = new halo.lvs.sched.Flow().set(Net.ip("203.0.113.1").getAddress(), 5353,
                Net.VIP.getAddress(), 53);
        Connection first = s.open(f, Protocol.UDP, 0);
        assertThat(s.received(first, Segment.ACK, 1, 40, 0)).as("its one packet is counted").isEqualTo(Verdict.FORWARD);
        Connection second = s.open(f, Protocol.UDP, 0);
        assertThat(name(first) + name(second)).isEqualTo("BA");
        assertThat(first.ended() && second.ended()).as("not kept in the table").isTrue();
        assertThat(s.size()).isZero();
        assertThat(s.realServer(B, 53).connections()).isEqualTo(halo.lvs.Connections.NONE);
        assertThat(s.counters().current()).isEqualTo(new halo.lvs.Stats(2, 1, 0, 40, 0));
    }

    @Test
    void aTemplateToAServerAddedBackBeforeItsNextUseStillHolds() {
        ServiceConnections s = service("rr", 300, HOST, 1, 1);
        Connection first = s.open(flow("203.0.113.1", 1000), Protocol.TCP, 0);
        s.removeDestination(B, 80, SECOND);
        s.addDestination(B, 80, 1, 0, 0, 2 * SECOND);
        Connection again = s.open(flow("203.0.113.1", 1001), Protocol.TCP, 3 * SECOND);
        assertThat(again.controllingTemplate()).as("the same template, still valid").isSameAs(first.controllingTemplate());
        assertThat(name(again)).isEqualTo("B");
        assertThat(dest(s, B).persistentConnections()).isEqualTo(1);
    }

    @Test
    void editingTheServiceChangesSchedulingForNewClientsOnly() {
        ServiceConnections s = service("rr", 300, HOST, 1, 1);
        Connection held = s.open(flow("203.0.113.1", 1000), Protocol.TCP, 0);
        assertThat(name(held)).isEqualTo("B");
        s.edit("wlc", 0, 0, HOST); // -E -s wlc, no persistence
        Connection next = s.open(flow("203.0.113.1", 1001), Protocol.TCP, SECOND);
        assertThat(next.controllingTemplate()).as("no template without persistence").isNull();
        assertThat(name(next)).as("wlc: B has 256, A 0").isEqualTo("A");
        assertThat(held.controllingTemplate().ended()).as("the old template stays until it expires").isFalse();
    }
}
