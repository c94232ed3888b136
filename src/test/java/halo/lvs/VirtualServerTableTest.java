package halo.lvs;

import static halo.lvs.TestConfigs.rs;
import static halo.lvs.TestConfigs.vs;
import static org.assertj.core.api.Assertions.assertThat;

import halo.lvs.ForwardingMethod;
import halo.config.VirtualServer;
import halo.config.VirtualServerGroup;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * keepalived's table rules (check/ipwrapper.c) on scripted checker events: what is logged, what changes in the
 * table, which scripts run and which FIFO lines are written, in order and byte for byte.
 */
class VirtualServerTableTest {

    static final String HEADER = """
            IP Virtual Server version 1.2.1 (size=4096)
            Prot LocalAddress:Port Scheduler Flags
              -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
            """;

    static VirtualServerTable table(VirtualServer... servers) {
        return VirtualServerTable.fromConfig(List.of(servers), List.of(), VirtualServerTable.Options.DEFAULT);
    }

    /** One line per action, so a whole event's effect reads as a script. FIFO lines keep their newline. */
    static List<String> lines(List<Action> actions) {
        List<String> out = new ArrayList<>();
        for (Action a : actions) {
            out.add(switch (a) {
                case Action.Log l -> "log " + l.message();
                case Action.Fifo f -> "fifo " + f.line();
                case Action.RunScript r -> "run " + r.script().commandLine() + (r.atShutdown() ? " (shutdown)" : "");
                case Action.CheckerActivity c -> "checker " + c.checker() + (c.enabled() ? " on" : " off");
                case Action.AddService s -> "-A " + s.service();
                case Action.EditService s -> "-E " + s.service();
                case Action.RemoveService s -> "-D " + s.service();
                case Action.AddDestination d -> "-a " + IpvsadmView.addressPort(d.destination().key().address(),
                        d.destination().key().port()) + " w" + d.destination().weight();
                case Action.EditDestination d -> "-e " + IpvsadmView.addressPort(d.destination().key().address(),
                        d.destination().key().port()) + " w" + d.destination().weight();
                case Action.RemoveDestination d -> "-d " + IpvsadmView.addressPort(d.destination().address(),
                        d.destination().port());
            });
        }
        return out;
    }

    static List<String> fifo(List<Action> actions) {
        return actions.stream().filter(a -> a instanceof Action.Fifo).map(a -> ((Action.Fifo) a).line()).toList();
    }

    static final CheckerId A = new CheckerId(0, 0, 0);
    static final CheckerId B = new CheckerId(0, 1, 0);
    static final CheckerId C = new CheckerId(0, 2, 0);

    @Test
    void nonAlphaServersStartUpThenLeaveAndReturnWithNotifyScriptsAndFifoLines() {
        VirtualServerTable t = table(vs("192.0.2.10", 80).scheduler("wrr")
                .add(rs("192.0.2.21", 80).weight(3).notify("/usr/local/bin/rs-up 21", "/usr/local/bin/rs-down 21").tcp())
                .add(rs("192.0.2.22", 80).weight(3).tcp()).build());

        assertThat(lines(t.start())).containsExactly(
                "-A Inet[address=/192.0.2.10, port=80, protocol=TCP]",
                "-a 192.0.2.21:80 w3",
                "-a 192.0.2.22:80 w3",
                "log Activating healthchecker for service [192.0.2.21]:tcp:80 for VS [192.0.2.10]:tcp:80",
                "log Activating healthchecker for service [192.0.2.22]:tcp:80 for VS [192.0.2.10]:tcp:80");
        String both = HEADER + """
                TCP  192.0.2.10:80 wrr
                  -> 192.0.2.21:80                Masq    3      0          0         \n\
                  -> 192.0.2.22:80                Masq    3      0          0         \n""";
        assertThat(IpvsadmView.list(t.snapshot())).isEqualTo(both);

        // a non-alpha checker's first success changes nothing and notifies nothing
        assertThat(t.checkerResult(A, true)).isEmpty();

        assertThat(lines(t.checkerResult(A, false))).containsExactly(
                "log Removing service [192.0.2.21]:tcp:80 from VS [192.0.2.10]:tcp:80",
                "-d 192.0.2.21:80",
                "run /usr/local/bin/rs-down 21",
                "fifo RS [192.0.2.21]:tcp:80 [192.0.2.10]:tcp:80 DOWN\n");
        assertThat(IpvsadmView.list(t.snapshot())).isEqualTo(HEADER + """
                TCP  192.0.2.10:80 wrr
                  -> 192.0.2.22:80                Masq    3      0          0         \n""");
        assertThat(t.alive(A.realServerId())).isFalse();

        // the same verdict again is not news
        assertThat(t.checkerResult(A, false)).isEmpty();

        assertThat(lines(t.checkerResult(A, true))).containsExactly(
                "log Adding service [192.0.2.21]:tcp:80 to VS [192.0.2.10]:tcp:80",
                "-a 192.0.2.21:80 w3",
                "run /usr/local/bin/rs-up 21",
                "fifo RS [192.0.2.21]:tcp:80 [192.0.2.10]:tcp:80 UP\n");
        assertThat(IpvsadmView.list(t.snapshot())).isEqualTo(both);
    }

    @Test
    void alphaServersStartDownUntilTheirFirstSuccess() {
        VirtualServerTable t = table(vs("192.0.2.10", 80).alpha()
                .add(rs("192.0.2.21", 80).notify("/bin/up", "/bin/down").tcpAlpha())
                .add(rs("192.0.2.22", 80).notify("/bin/up", "/bin/down").tcpAlpha()).build());

        assertThat(lines(t.start())).containsExactly(
                "-A Inet[address=/192.0.2.10, port=80, protocol=TCP]",
                "log Starting with quorum down 1-0=1 > 0 for VS [192.0.2.10]:tcp:80",
                "fifo VS [192.0.2.10]:tcp:80 DOWN\n",
                "log Activating healthchecker for service [192.0.2.21]:tcp:80 for VS [192.0.2.10]:tcp:80",
                "log Activating healthchecker for service [192.0.2.22]:tcp:80 for VS [192.0.2.10]:tcp:80");
        assertThat(IpvsadmView.list(t.snapshot())).isEqualTo(HEADER + "TCP  192.0.2.10:80 wlc\n");

        assertThat(lines(t.checkerResult(A, true))).containsExactly(
                "log Adding service [192.0.2.21]:tcp:80 to VS [192.0.2.10]:tcp:80",
                "-a 192.0.2.21:80 w1",
                "run /bin/up",
                "fifo RS [192.0.2.21]:tcp:80 [192.0.2.10]:tcp:80 UP\n",
                "log Gained quorum 1+0=1 <= 1 for VS [192.0.2.10]:tcp:80",
                "fifo VS [192.0.2.10]:tcp:80 UP\n");

        // an alpha checker's first failure confirms the server down: keepalived notifies it
        assertThat(lines(t.checkerResult(B, false))).containsExactly(
                "run /bin/down",
                "fifo RS [192.0.2.22]:tcp:80 [192.0.2.10]:tcp:80 DOWN\n");
        assertThat(t.checkerResult(B, false)).isEmpty();
        assertThat(IpvsadmView.list(t.snapshot())).isEqualTo(HEADER + """
                TCP  192.0.2.10:80 wlc
                  -> 192.0.2.21:80                Masq    1      0          0         \n""");
    }

    @Test
    void aServerWithSeveralCheckersIsUpOnlyWhenAllAreUp() {
        VirtualServerTable t = table(vs("192.0.2.10", 80)
                .add(rs("192.0.2.21", 80).tcp().tcp())
                .add(rs("192.0.2.22", 80).tcp()).build());
        t.start();
        CheckerId first = new CheckerId(0, 0, 0);
        CheckerId second = new CheckerId(0, 0, 1);

        assertThat(fifo(t.checkerResult(first, false)))
                .containsExactly("RS [192.0.2.21]:tcp:80 [192.0.2.10]:tcp:80 DOWN\n");
        assertThat(t.checkerResult(second, false)).isEmpty();
        assertThat(t.checkerResult(first, true)).isEmpty();
        assertThat(t.alive(first.realServerId())).isFalse();
        assertThat(IpvsadmView.list(t.snapshot())).doesNotContain("192.0.2.21");

        assertThat(lines(t.checkerResult(second, true))).containsExactly(
                "log Adding service [192.0.2.21]:tcp:80 to VS [192.0.2.10]:tcp:80",
                "-a 192.0.2.21:80 w1",
                "fifo RS [192.0.2.21]:tcp:80 [192.0.2.10]:tcp:80 UP\n");
        assertThat(IpvsadmView.list(t.snapshot())).contains("  -> 192.0.2.21:80 ");
    }

    @Test
    void inhibitOnFailureKeepsTheServerAtWeightZero() {
        VirtualServerTable t = table(vs("192.0.2.10", 80).kind(ForwardingMethod.DR)
                .add(rs("192.0.2.21", 80).weight(3).inhibit().tcp())
                .add(rs("192.0.2.22", 80).weight(3).tcp()).build());
        t.start();

        assertThat(lines(t.checkerResult(A, false))).containsExactly(
                "log Disabling service [192.0.2.21]:tcp:80 of VS [192.0.2.10]:tcp:80",
                "-e 192.0.2.21:80 w0",
                "fifo RS [192.0.2.21]:tcp:80 [192.0.2.10]:tcp:80 DOWN\n");
        assertThat(IpvsadmView.list(t.snapshot())).isEqualTo(HEADER + """
                TCP  192.0.2.10:80 wlc
                  -> 192.0.2.21:80                Route   0      0          0         \n\
                  -> 192.0.2.22:80                Route   3      0          0         \n""");

        assertThat(lines(t.checkerResult(A, true))).containsExactly(
                "log Enabling service [192.0.2.21]:tcp:80 of VS [192.0.2.10]:tcp:80",
                "-e 192.0.2.21:80 w3",
                "fifo RS [192.0.2.21]:tcp:80 [192.0.2.10]:tcp:80 UP\n");
        assertThat(IpvsadmView.list(t.snapshot())).contains("  -> 192.0.2.21:80                Route   3 ");
    }

    @Test
    void inhibitedAlphaServerStartsInTheTableAtWeightZero() {
        VirtualServerTable t = table(vs("192.0.2.10", 80).kind(ForwardingMethod.DR)
                .add(rs("192.0.2.21", 80).weight(3).inhibit().tcpAlpha())
                .add(rs("192.0.2.22", 80).weight(3).tcp()).build());
        assertThat(lines(t.start())).startsWith(
                "-A Inet[address=/192.0.2.10, port=80, protocol=TCP]",
                "-a 192.0.2.21:80 w0",
                "-a 192.0.2.22:80 w3");
        assertThat(lines(t.checkerResult(A, true))).containsExactly(
                "log Enabling service [192.0.2.21]:tcp:80 of VS [192.0.2.10]:tcp:80",
                "-e 192.0.2.21:80 w3",
                "fifo RS [192.0.2.21]:tcp:80 [192.0.2.10]:tcp:80 UP\n");
    }

    @Test
    void quorumWithHysteresisSwapsThePoolForTheSorryServerAndBack() {
        VirtualServerTable t = table(vs("192.0.2.10", 80).kind(ForwardingMethod.DR).quorum(4, 1)
                .quorumScripts("/etc/keepalived/quorum.sh up", "/etc/keepalived/quorum.sh down")
                .sorry("192.0.2.99", 80)
                .add(rs("192.0.2.21", 80).weight(2).tcp())
                .add(rs("192.0.2.22", 80).weight(2).tcp())
                .add(rs("192.0.2.23", 80).weight(2).tcp()).build());
        t.start();

        // 6 -> 4: still >= quorum - hysteresis = 3
        assertThat(fifo(t.checkerResult(A, false)))
                .containsExactly("RS [192.0.2.21]:tcp:80 [192.0.2.10]:tcp:80 DOWN\n");
        assertThat(t.quorumUp(0)).isTrue();

        // 4 -> 2: lost
        assertThat(lines(t.checkerResult(B, false))).containsExactly(
                "log Removing service [192.0.2.22]:tcp:80 from VS [192.0.2.10]:tcp:80",
                "-d 192.0.2.22:80",
                "fifo RS [192.0.2.22]:tcp:80 [192.0.2.10]:tcp:80 DOWN\n",
                "log Lost quorum 4-1=3 > 2 for VS [192.0.2.10]:tcp:80",
                "log Adding sorry server [192.0.2.99]:tcp:80 to VS [192.0.2.10]:tcp:80",
                "log Removing alive servers from the pool for VS [192.0.2.10]:tcp:80",
                "-d 192.0.2.23:80",
                "-a 192.0.2.99:80 w1",
                "run /etc/keepalived/quorum.sh down",
                "fifo VS [192.0.2.10]:tcp:80 DOWN\n");
        String sorryOnly = HEADER + """
                TCP  192.0.2.10:80 wlc
                  -> 192.0.2.99:80                Route   1      0          0         \n""";
        assertThat(IpvsadmView.list(t.snapshot())).isEqualTo(sorryOnly);

        // 2 -> 4: below quorum + hysteresis = 5, the sorry server stays; the server is alive but not in the pool
        assertThat(lines(t.checkerResult(A, true))).containsExactly(
                "log Adding service [192.0.2.21]:tcp:80 to VS [192.0.2.10]:tcp:80",
                "fifo RS [192.0.2.21]:tcp:80 [192.0.2.10]:tcp:80 UP\n");
        assertThat(IpvsadmView.list(t.snapshot())).isEqualTo(sorryOnly);

        // 4 -> 6: gained
        assertThat(lines(t.checkerResult(B, true))).containsExactly(
                "log Adding service [192.0.2.22]:tcp:80 to VS [192.0.2.10]:tcp:80",
                "fifo RS [192.0.2.22]:tcp:80 [192.0.2.10]:tcp:80 UP\n",
                "log Gained quorum 4+1=5 <= 6 for VS [192.0.2.10]:tcp:80",
                "log Removing sorry server [192.0.2.99]:tcp:80 from VS [192.0.2.10]:tcp:80",
                "-d 192.0.2.99:80",
                "log Adding alive servers to the pool for VS [192.0.2.10]:tcp:80",
                "-a 192.0.2.21:80 w2",
                "-a 192.0.2.22:80 w2",
                "-a 192.0.2.23:80 w2",
                "run /etc/keepalived/quorum.sh up",
                "fifo VS [192.0.2.10]:tcp:80 UP\n");
        assertThat(IpvsadmView.list(t.snapshot())).doesNotContain("192.0.2.99").contains("192.0.2.23:80");
    }

    @Test
    void sorryServerReplacesThePoolWhenAllRealServersAreDown() {
        VirtualServerTable t = table(vs("192.0.2.10", 80).kind(ForwardingMethod.DR).sorry("127.0.0.1", 80)
                .add(rs("192.0.2.21", 80).tcp()).build());
        t.start();
        assertThat(lines(t.checkerResult(A, false))).containsExactly(
                "log Removing service [192.0.2.21]:tcp:80 from VS [192.0.2.10]:tcp:80",
                "-d 192.0.2.21:80",
                "fifo RS [192.0.2.21]:tcp:80 [192.0.2.10]:tcp:80 DOWN\n",
                "log Lost quorum 1-0=1 > 0 for VS [192.0.2.10]:tcp:80",
                "log Adding sorry server [127.0.0.1]:tcp:80 to VS [192.0.2.10]:tcp:80",
                "log Removing alive servers from the pool for VS [192.0.2.10]:tcp:80",
                "-a 127.0.0.1:80 w1",
                "fifo VS [192.0.2.10]:tcp:80 DOWN\n");
    }

    @Test
    void inhibitedSorryServerWaitsAtWeightZero() {
        VirtualServerTable t = table(vs("192.0.2.10", 80).kind(ForwardingMethod.DR).sorry("192.0.2.99", 80)
                .sorryInhibit().add(rs("192.0.2.21", 80).tcp()).build());
        t.start();
        assertThat(IpvsadmView.list(t.snapshot())).isEqualTo(HEADER + """
                TCP  192.0.2.10:80 wlc
                  -> 192.0.2.21:80                Route   1      0          0         \n\
                  -> 192.0.2.99:80                Route   0      0          0         \n""");
        assertThat(lines(t.checkerResult(A, false))).contains(
                "log Enabling sorry server [192.0.2.99]:tcp:80 to VS [192.0.2.10]:tcp:80",
                "-e 192.0.2.99:80 w1");
        assertThat(lines(t.checkerResult(A, true))).contains(
                "log Disabling sorry server [192.0.2.99]:tcp:80 from VS [192.0.2.10]:tcp:80",
                "-e 192.0.2.99:80 w0");
        assertThat(IpvsadmView.list(t.snapshot())).contains("  -> 192.0.2.99:80                Route   0 ");
    }

    @Test
    void haSuspendRunsCheckersOnlyWhileTheVirtualAddressIsLocal() {
        VirtualServerTable t = table(vs("192.0.2.10", 80).haSuspend().add(rs("192.0.2.21", 80).tcp()).build());
        assertThat(lines(t.start())).endsWith(
                "log Deactivating healthchecker for service [192.0.2.21]:tcp:80 for VS [192.0.2.10]:tcp:80");
        assertThat(t.checkerEnabled(A)).isFalse();
        assertThat(t.checkerResult(A, false)).as("a suspended checker's verdict").isEmpty();
        assertThat(IpvsadmView.list(t.snapshot())).contains("192.0.2.21:80");

        assertThat(t.addressAdded(TestConfigs.ip("192.0.2.11"))).isEmpty();
        assertThat(lines(t.addressAdded(TestConfigs.ip("192.0.2.10")))).containsExactly(
                "log Activating healthchecker for service [192.0.2.21]:tcp:80 for VS [192.0.2.10]:tcp:80",
                "checker CheckerId[virtualServer=0, realServer=0, checker=0] on");
        assertThat(fifo(t.checkerResult(A, false))).containsExactly(
                "RS [192.0.2.21]:tcp:80 [192.0.2.10]:tcp:80 DOWN\n", "VS [192.0.2.10]:tcp:80 DOWN\n");

        // the address on two interfaces: checks stop when the last copy goes
        assertThat(t.addressAdded(TestConfigs.ip("192.0.2.10"))).isEmpty();
        assertThat(t.addressRemoved(TestConfigs.ip("192.0.2.10"))).isEmpty();
        assertThat(lines(t.addressRemoved(TestConfigs.ip("192.0.2.10")))).containsExactly(
                "log Suspending healthchecker for service [192.0.2.21]:tcp:80 for VS [192.0.2.10]:tcp:80",
                "checker CheckerId[virtualServer=0, realServer=0, checker=0] off");
    }

    @Test
    void omegaRunsTheDownNotifiersAtShutdown() {
        VirtualServerTable t = table(vs("192.0.2.10", 80).omega()
                .quorumScripts("/bin/quorum up", "/bin/quorum down")
                .add(rs("192.0.2.21", 80).notify("/bin/rs up", "/bin/rs down").tcp())
                .add(rs("192.0.2.22", 80).notify("/bin/rs up", "/bin/rs down").tcp()).build());
        t.start();
        t.checkerResult(B, false);
        assertThat(lines(t.shutdown())).containsExactly(
                "log Shutting down service [192.0.2.21]:tcp:80 from VS [192.0.2.10]:tcp:80",
                "-d 192.0.2.21:80",
                "run /bin/rs down (shutdown)",
                "fifo RS [192.0.2.21]:tcp:80 [192.0.2.10]:tcp:80 DOWN\n",
                "log Shutting down service [192.0.2.22]:tcp:80 from VS [192.0.2.10]:tcp:80",
                "run /bin/quorum down (shutdown)",
                "fifo VS [192.0.2.10]:tcp:80 DOWN\n",
                "-D Inet[address=/192.0.2.10, port=80, protocol=TCP]");
        assertThat(IpvsadmView.list(t.snapshot())).isEqualTo(HEADER);
        assertThat(t.checkerResult(B, true)).as("after shutdown").isEmpty();
    }

    @Test
    void withoutOmegaShutdownIsSilent() {
        VirtualServerTable t = table(vs("192.0.2.10", 80).quorumScripts("/bin/quorum up", "/bin/quorum down")
                .add(rs("192.0.2.21", 80).inhibit().notify("/bin/rs up", "/bin/rs down").tcp())
                .add(rs("192.0.2.22", 80).tcp()).build());
        t.start();
        t.checkerResult(A, false);
        assertThat(lines(t.shutdown())).containsExactly(
                "log Shutting down (inhibited) service [192.0.2.21]:tcp:80 from VS [192.0.2.10]:tcp:80",
                "-d 192.0.2.21:80",
                "log Shutting down service [192.0.2.22]:tcp:80 from VS [192.0.2.10]:tcp:80",
                "-d 192.0.2.22:80",
                "-D Inet[address=/192.0.2.10, port=80, protocol=TCP]");
    }

    @Test
    void weightChangesReachTheTableOnlyForServersInThePool() {
        VirtualServerTable t = table(vs("192.0.2.10", 80).quorum(3, 0)
                .add(rs("192.0.2.21", 80).weight(2).tcp())
                .add(rs("192.0.2.22", 80).weight(2).tcp()).build());
        t.start();
        assertThat(lines(t.setWeight(A.realServerId(), 5))).containsExactly(
                "log Changing weight from 2 to 5 for active service [192.0.2.21]:tcp:80 of VS [192.0.2.10]:tcp:80",
                "-e 192.0.2.21:80 w5");
        t.checkerResult(B, false);
        assertThat(lines(t.setWeight(B.realServerId(), 7))).containsExactly(
                "log Changing weight from 2 to 7 for inactive service [192.0.2.22]:tcp:80 of VS [192.0.2.10]:tcp:80");
        // a weight that drops the live sum below quorum loses it
        assertThat(lines(t.setWeight(A.realServerId(), 1))).containsExactly(
                "log Changing weight from 5 to 1 for active service [192.0.2.21]:tcp:80 of VS [192.0.2.10]:tcp:80",
                "-e 192.0.2.21:80 w1",
                "log Lost quorum 3-0=3 > 1 for VS [192.0.2.10]:tcp:80",
                "fifo VS [192.0.2.10]:tcp:80 DOWN\n");
        assertThat(t.setWeight(A.realServerId(), 1)).as("same weight").isEmpty();
        assertThat(lines(t.setWeight(A.realServerId(), 100_000))).first()
                .isEqualTo("log Changing weight from 1 to 65535 for active service [192.0.2.21]:tcp:80 of VS "
                        + "[192.0.2.10]:tcp:80");
    }

    @Test
    void fwmarkServicesNameTheirServersWithoutProtocolAndPort() {
        VirtualServerTable t = table(TestConfigs.fwmark(3).scheduler("rr").kind(ForwardingMethod.DR)
                .add(rs("192.0.2.21", 80).tcp()).build());
        t.start();
        assertThat(lines(t.checkerResult(A, false))).containsExactly(
                "log Removing service [192.0.2.21]:none:0 from VS FWM 3",
                "-d 192.0.2.21:0",
                "fifo RS [192.0.2.21]:none:0 FWM 3 DOWN\n",
                "log Lost quorum 1-0=1 > 0 for VS FWM 3",
                "fifo VS FWM 3 DOWN\n");
    }

    @Test
    void persistenceGranularityAndSchedulerFlagsReachTheService() {
        VirtualServerTable t = table(vs("192.0.2.10", 0).protocol(halo.lvs.Protocol.UDP)
                .scheduler("sh", "sh-port").persistence(600).granularity("255.255.255.0").ops()
                .add(rs("192.0.2.21", 0).tcp()).build());
        t.start();
        assertThat(IpvsadmView.list(t.snapshot())).isEqualTo(HEADER + """
                UDP  192.0.2.10:0 sh (sh-port) persistent 600 mask 255.255.255.0 ops
                  -> 192.0.2.21:0                 Masq    1      0          0         \n""");
        assertThat(IpvsadmView.save(t.snapshot())).isEqualTo("""
                -A -u 192.0.2.10:0 -s sh -p 600 -M 255.255.255.0 -o -b sh-port
                -a -u 192.0.2.10:0 -r 192.0.2.21:0 -m -w 1
                """);
    }

    @Test
    void thresholdsAreKeptOnTheDestination() {
        VirtualServerTable t = table(vs("192.0.2.10", 80)
                .add(rs("192.0.2.21", 8080).thresholds(100, 75).tcp()).build());
        t.start();
        assertThat(IpvsadmView.list(t.snapshot(), IpvsadmView.Option.THRESHOLDS))
                .contains("  -> 192.0.2.21:8080              100        75         0          0         \n");
    }

    @Test
    void countersFromTheDataPlaneShowInTheListing() {
        VirtualServerTable t = table(vs("192.0.2.10", 80).add(rs("192.0.2.21", 80).tcp()).build());
        t.start();
        ServiceKey web = t.snapshot().services().getFirst().key();
        DestinationKey d = t.snapshot().services().getFirst().destinations().getFirst().key();
        Stats totals = new Stats(10, 100, 90, 6000, 50000);
        PlaneCounters counters = new PlaneCounters(java.util.Map.of(web, new PlaneCounters.ServiceCounters(totals,
                Stats.ZERO, java.util.Map.of(d, new PlaneCounters.DestinationCounters(new Connections(3, 7, 0), totals,
                        Stats.ZERO)))));
        IpvsSnapshot merged = counters.mergeInto(t.snapshot());
        assertThat(IpvsadmView.list(merged)).contains(
                "  -> 192.0.2.21:80                Masq    1      3          7         \n");
        assertThat(IpvsadmView.list(merged, IpvsadmView.Option.STATS)).contains(
                "  -> 192.0.2.21:80" + " ".repeat(15) + "       10      100       90     6000    50000\n");
    }
    @Test
    void aVirtualServerGroupExpandsToOneServicePerAddressAndFwmark() {
        VirtualServerGroup web = new VirtualServerGroup("WEB", List.of(
                new VirtualServerGroup.Range(TestConfigs.ip("192.0.2.10"), TestConfigs.ip("192.0.2.11"), 80),
                new VirtualServerGroup.Fwmark(5)));
        VirtualServer config = TestConfigs.group("WEB").scheduler("rr").kind(ForwardingMethod.DR)
                .add(rs("198.51.100.1", 80).tcp()).add(rs("198.51.100.2", 80).tcp()).build();
        VirtualServerTable t = VirtualServerTable.fromConfig(List.of(config), List.of(web),
                VirtualServerTable.Options.DEFAULT);
        t.start();
        assertThat(IpvsadmView.list(t.snapshot())).isEqualTo(HEADER + """
                TCP  192.0.2.10:80 rr
                  -> 198.51.100.1:80              Route   1      0          0         \n\
                  -> 198.51.100.2:80              Route   1      0          0         \n\
                TCP  192.0.2.11:80 rr
                  -> 198.51.100.1:80              Route   1      0          0         \n\
                  -> 198.51.100.2:80              Route   1      0          0         \n\
                FWM  5 rr
                  -> 198.51.100.1:0               Route   1      0          0         \n\
                  -> 198.51.100.2:0               Route   1      0          0         \n""");
        // each member service keeps its group's identity, for a data plane that installs a group as one set
        assertThat(t.snapshot().services()).extracting(IpvsService::group).containsOnly("WEB");
        assertThat(lines(t.checkerResult(A, false))).containsExactly(
                "log Removing service [198.51.100.1]:tcp:80 from VS [WEB]:0",
                "-d 198.51.100.1:80",
                "-d 198.51.100.1:80",
                "-d 198.51.100.1:0",
                "fifo RS [198.51.100.1]:tcp:80 [WEB]:0 DOWN\n");
        assertThat(IpvsadmView.list(t.snapshot())).doesNotContain("198.51.100.1");
    }

    @Test
    void checkerWeightDeltasAddToTheConfiguredWeight() {
        VirtualServerTable t = table(vs("192.0.2.10", 80)
                .add(rs("192.0.2.21", 80).weight(10).tcp().tcp()).build());
        t.start();
        assertThat(lines(t.checkerWeight(new CheckerId(0, 0, 0), -4))).containsExactly(
                "log Changing weight from 10 to 6 for active service [192.0.2.21]:tcp:80 of VS [192.0.2.10]:tcp:80",
                "-e 192.0.2.21:80 w6");
        assertThat(lines(t.checkerWeight(new CheckerId(0, 0, 1), 20))).containsExactly(
                "log Changing weight from 6 to 26 for active service [192.0.2.21]:tcp:80 of VS [192.0.2.10]:tcp:80",
                "-e 192.0.2.21:80 w26");
        assertThat(lines(t.checkerWeight(new CheckerId(0, 0, 0), -40))).containsExactly(
                "log Changing weight from 26 to 0 for active service [192.0.2.21]:tcp:80 of VS [192.0.2.10]:tcp:80",
                "-e 192.0.2.21:80 w0",
                "log Lost quorum 1-0=1 > 0 for VS [192.0.2.10]:tcp:80",
                "fifo VS [192.0.2.10]:tcp:80 DOWN\n");
    }

    @Test
    void rsInitNotifiesAnnouncesTheServersThatStartUp() {
        VirtualServerTable t = VirtualServerTable.fromConfig(List.of(vs("192.0.2.10", 80)
                        .add(rs("192.0.2.21", 80).notify("/bin/up", null).tcp())
                        .add(rs("192.0.2.22", 80).tcpAlpha()).build()), List.of(),
                new VirtualServerTable.Options(true));
        assertThat(fifo(t.start())).containsExactly("RS [192.0.2.21]:tcp:80 [192.0.2.10]:tcp:80 UP\n");
    }
}
