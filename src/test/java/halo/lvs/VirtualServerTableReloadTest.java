package halo.lvs;

import static halo.lvs.TestConfigs.rs;
import static halo.lvs.TestConfigs.vs;
import static halo.lvs.VirtualServerTableTest.HEADER;
import static halo.lvs.VirtualServerTableTest.lines;
import static org.assertj.core.api.Assertions.assertThat;

import halo.lvs.ForwardingMethod;
import halo.config.VirtualServerGroup;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SIGHUP: keepalived's clear_diff_services, migrate_checkers and check_new_rs_state. */
class VirtualServerTableReloadTest {

    static TestConfigs.Vs web() {
        return vs("192.0.2.10", 80).kind(ForwardingMethod.DR);
    }

    @Test
    void keptServersKeepTheirStateGoneOnesLeaveNewOnesStart() {
        VirtualServerTable t = VirtualServerTableTest.table(web()
                .add(rs("192.0.2.21", 80).tcp())
                .add(rs("192.0.2.22", 80).tcp())
                .add(rs("192.0.2.23", 80).notify("/bin/up 23", "/bin/down 23").tcp()).build());
        t.start();
        t.checkerResult(new CheckerId(0, 1, 0), false);

        List<String> reload = lines(t.reload(List.of(web()
                .add(rs("192.0.2.21", 80).tcp())
                .add(rs("192.0.2.22", 80).tcp())
                .add(rs("192.0.2.24", 80).tcp()).build()), List.of()));
        assertThat(reload).containsExactly(
                "log service [192.0.2.23]:tcp:80 no longer exist",
                "log Removing service [192.0.2.23]:tcp:80 from VS [192.0.2.10]:tcp:80",
                "-d 192.0.2.23:80",
                "run /bin/down 23",
                "fifo RS [192.0.2.23]:tcp:80 [192.0.2.10]:tcp:80 DOWN\n",
                "-a 192.0.2.24:80 w1",
                "log Activating healthchecker for service [192.0.2.21]:tcp:80 for VS [192.0.2.10]:tcp:80",
                "log Activating healthchecker for service [192.0.2.22]:tcp:80 for VS [192.0.2.10]:tcp:80",
                "log Activating healthchecker for service [192.0.2.24]:tcp:80 for VS [192.0.2.10]:tcp:80");
        assertThat(IpvsadmView.list(t.snapshot())).isEqualTo(HEADER + """
                TCP  192.0.2.10:80 wlc
                  -> 192.0.2.21:80                Route   1      0          0         \n\
                  -> 192.0.2.24:80                Route   1      0          0         \n""");

        // the failed server kept its failed checker: its next success brings it back
        assertThat(lines(t.checkerResult(new CheckerId(0, 1, 0), true))).containsExactly(
                "log Adding service [192.0.2.22]:tcp:80 to VS [192.0.2.10]:tcp:80",
                "-a 192.0.2.22:80 w1",
                "fifo RS [192.0.2.22]:tcp:80 [192.0.2.10]:tcp:80 UP\n");
    }

    @Test
    void aNewAlphaServerStartsDownAKeptOneStaysUp() {
        VirtualServerTable t = VirtualServerTableTest.table(web().alpha().add(rs("192.0.2.21", 80).tcpAlpha()).build());
        t.start();
        t.checkerResult(new CheckerId(0, 0, 0), true);
        t.reload(List.of(web().alpha().add(rs("192.0.2.21", 80).tcpAlpha()).add(rs("192.0.2.22", 80).tcpAlpha())
                .build()), List.of());
        assertThat(IpvsadmView.list(t.snapshot())).contains("192.0.2.21:80").doesNotContain("192.0.2.22");
        assertThat(t.alive(new RealServerId(0, 1))).isFalse();
        assertThat(lines(t.checkerResult(new CheckerId(0, 1, 0), true)))
                .contains("log Adding service [192.0.2.22]:tcp:80 to VS [192.0.2.10]:tcp:80");
    }

    @Test
    void aVirtualServerNoLongerConfiguredIsRemovedWithItsNotifiers() {
        VirtualServerTable t = VirtualServerTableTest.table(
                web().quorumScripts("/bin/quorum up", "/bin/quorum down")
                        .add(rs("192.0.2.21", 80).notify("/bin/up", "/bin/down").tcp()).build(),
                vs("192.0.2.11", 443).add(rs("192.0.2.31", 443).tcp()).build());
        t.start();
        assertThat(lines(t.reload(List.of(vs("192.0.2.11", 443).add(rs("192.0.2.31", 443).tcp()).build()),
                List.of()))).containsExactly(
                "log Removing Virtual Server [192.0.2.10]:tcp:80",
                "log Removing service [192.0.2.21]:tcp:80 from VS [192.0.2.10]:tcp:80",
                "-d 192.0.2.21:80",
                "run /bin/down",
                "fifo RS [192.0.2.21]:tcp:80 [192.0.2.10]:tcp:80 DOWN\n",
                "run /bin/quorum down",
                "fifo VS [192.0.2.10]:tcp:80 DOWN\n",
                "-D Inet[address=/192.0.2.10, port=80, protocol=TCP]",
                "log Activating healthchecker for service [192.0.2.31]:tcp:443 for VS [192.0.2.11]:tcp:443");
        assertThat(IpvsadmView.list(t.snapshot())).isEqualTo(HEADER + """
                TCP  192.0.2.11:443 wlc
                  -> 192.0.2.31:443               Masq    1      0          0         \n""");
    }

    @Test
    void schedulerChangesEditTheServiceAndWeightsAreKept() {
        VirtualServerTable t = VirtualServerTableTest.table(web().scheduler("rr")
                .add(rs("192.0.2.21", 80).weight(2).tcp()).build());
        t.start();
        List<String> reload = lines(t.reload(List.of(web().scheduler("wrr").persistence(300)
                .add(rs("192.0.2.21", 80).weight(5).tcp()).build()), List.of()));
        assertThat(reload).startsWith("-E Inet[address=/192.0.2.10, port=80, protocol=TCP]");
        // keepalived carries the running (effective) weight over a reload
        assertThat(IpvsadmView.list(t.snapshot())).isEqualTo(HEADER + """
                TCP  192.0.2.10:80 wrr persistent 300
                  -> 192.0.2.21:80                Route   2      0          0         \n""");
    }

    @Test
    void removingAnActiveSorryServerBringsTheLiveServersBack() {
        VirtualServerTable t = VirtualServerTableTest.table(web().quorum(2, 0).sorry("192.0.2.99", 80)
                .add(rs("192.0.2.21", 80).tcp()).add(rs("192.0.2.22", 80).tcp()).build());
        t.start();
        t.checkerResult(new CheckerId(0, 1, 0), false);
        assertThat(IpvsadmView.list(t.snapshot())).contains("192.0.2.99:80").doesNotContain("192.0.2.21");
        assertThat(lines(t.reload(List.of(web().quorum(2, 0)
                .add(rs("192.0.2.21", 80).tcp()).add(rs("192.0.2.22", 80).tcp()).build()), List.of())))
                .startsWith(
                        "log Removing sorry server [192.0.2.99]:tcp:80 from VS [192.0.2.10]:tcp:80",
                        "-d 192.0.2.99:80",
                        "log Adding alive servers to the pool for VS [192.0.2.10]:tcp:80",
                        "-a 192.0.2.21:80 w1");
        assertThat(IpvsadmView.list(t.snapshot())).isEqualTo(HEADER + """
                TCP  192.0.2.10:80 wlc
                  -> 192.0.2.21:80                Route   1      0          0         \n""");
        assertThat(t.quorumUp(0)).isFalse();
    }

    @Test
    void groupEntriesComeAndGo() {
        VirtualServerGroup before = new VirtualServerGroup("WEB", List.of(
                new VirtualServerGroup.Range(TestConfigs.ip("192.0.2.10"), null, 80),
                new VirtualServerGroup.Fwmark(5)));
        VirtualServerGroup after = new VirtualServerGroup("WEB", List.of(
                new VirtualServerGroup.Range(TestConfigs.ip("192.0.2.10"), null, 80),
                new VirtualServerGroup.Range(TestConfigs.ip("192.0.2.11"), null, 80)));
        TestConfigs.Vs config = TestConfigs.group("WEB").kind(ForwardingMethod.DR).add(rs("198.51.100.1", 80).tcp());
        VirtualServerTable t = VirtualServerTable.fromConfig(List.of(config.build()), List.of(before),
                VirtualServerTable.Options.DEFAULT);
        t.start();
        assertThat(lines(t.reload(List.of(config.build()), List.of(after)))).containsExactly(
                "log VS [5] in group WEB no longer exists",
                "-d 198.51.100.1:0",
                "-D Fwmark[mark=5, ipv6=false]",
                "-A Inet[address=/192.0.2.11, port=80, protocol=TCP]",
                "log VS [[192.0.2.11]:tcp:80] added into group WEB",
                "-a 198.51.100.1:80 w1",
                "log Activating healthchecker for service [198.51.100.1]:tcp:80 for VS [WEB]:0");
        assertThat(IpvsadmView.list(t.snapshot())).isEqualTo(HEADER + """
                TCP  192.0.2.10:80 wlc
                  -> 198.51.100.1:80              Route   1      0          0         \n\
                TCP  192.0.2.11:80 wlc
                  -> 198.51.100.1:80              Route   1      0          0         \n""");
    }
}
