package halo.lvs;

import static halo.lvs.TestConfigs.rs;
import static halo.lvs.TestConfigs.vs;
import static halo.lvs.VirtualServerTableTest.HEADER;
import static halo.lvs.VirtualServerTableTest.lines;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ipvsadm's commands against the table, answered as the kernel answers ipvsadm, and dropped by a reload. */
class IpvsadmRunnerTest {

    static IpvsadmRunner.Outcome run(IpvsTable table, String line) {
        return IpvsadmRunner.run(IpvsadmParserTest.parsed(line), table);
    }

    /** What ipvsadm would print: stdout, stderr and the exit status, on one line each. */
    static String printed(IpvsTable table, String line) {
        IpvsadmRunner.Outcome o = run(table, line);
        return o.out() + o.err() + "exit " + o.exitCode();
    }

    @Test
    void theKernelsAnswersInIpvsadmsWords() {
        IpvsTable t = new IpvsTable();
        assertThat(printed(t, "-E -t 192.0.2.10:80")).isEqualTo("No such service\nexit 255");
        assertThat(printed(t, "-D -t 192.0.2.10:80")).isEqualTo("No such service\nexit 255");
        assertThat(printed(t, "-a -t 192.0.2.10:80 -r 198.51.100.1")).isEqualTo("Service not defined\nexit 255");
        assertThat(printed(t, "-e -t 192.0.2.10:80 -r 198.51.100.1")).isEqualTo("Service not defined\nexit 255");
        assertThat(printed(t, "-d -t 192.0.2.10:80 -r 198.51.100.1")).isEqualTo("Service not defined\nexit 255");
        assertThat(printed(t, "-Z -t 192.0.2.10:80")).isEqualTo("No such service\nexit 255");
        assertThat(printed(t, "-A -t 192.0.2.10:80 -s nope")).isEqualTo(
                "Scheduler or persistence engine not found\nexit 255");
        assertThat(printed(t, "-A -t 192.0.2.10:80 --pe nope")).isEqualTo(
                "Scheduler or persistence engine not found\nexit 255");
        assertThat(printed(t, "-A -t 192.0.2.10:80")).isEqualTo("exit 0");
        assertThat(printed(t, "-A -t 192.0.2.10:80 -s rr")).isEqualTo("Service already exists\nexit 255");
        assertThat(printed(t, "-a -t 192.0.2.10:80 -r 198.51.100.1")).isEqualTo("exit 0");
        assertThat(printed(t, "-a -t 192.0.2.10:80 -r 198.51.100.1 -w 5")).isEqualTo(
                "Destination already exists\nexit 255");
        assertThat(printed(t, "-e -t 192.0.2.10:80 -r 198.51.100.2")).isEqualTo("No such destination\nexit 255");
        assertThat(printed(t, "-d -t 192.0.2.10:80 -r 198.51.100.2")).isEqualTo("No such destination\nexit 255");
        // the kernel wants the lower threshold no higher than the upper one (0 = none counts as 0)
        assertThat(printed(t, "-e -t 192.0.2.10:80 -r 198.51.100.1 -y 5")).isEqualTo(
                "Numerical result out of range\nexit 255");
        assertThat(printed(t, "-a -t 192.0.2.10:80 -r 0.0.0.0")).isEqualTo(
                "Invalid operation.  Possibly wrong module version, address not unicast, ...\nexit 255");
        assertThat(printed(t, "-L -n -t 192.0.2.99:80")).isEqualTo("No such service\nexit 1");
        assertThat(t.snapshot().services()).hasSize(1);
    }

    @Test
    void changesComeBackForTheDataPlane() {
        IpvsTable t = new IpvsTable();
        List<Action> done = new ArrayList<>();
        done.addAll(run(t, "-A -u 192.0.2.53:53 -s rr -o").changes());
        done.addAll(run(t, "-a -u 192.0.2.53:53 -r 198.51.100.53 -m -w 2").changes());
        done.addAll(run(t, "-e -u 192.0.2.53:53 -r 198.51.100.53 -m -w 0").changes());
        done.addAll(run(t, "-E -u 192.0.2.53:53 -s wrr").changes());
        done.addAll(run(t, "-d -u 192.0.2.53:53 -r 198.51.100.53").changes());
        done.addAll(run(t, "-C").changes());
        assertThat(lines(done)).containsExactly(
                "-A " + key("192.0.2.53", 53, Protocol.UDP),
                "-a 198.51.100.53:53 w2",
                "-e 198.51.100.53:53 w0",
                "-E " + key("192.0.2.53", 53, Protocol.UDP),
                "-d 198.51.100.53:53",
                "-D " + key("192.0.2.53", 53, Protocol.UDP));
        assertThat(t.snapshot().services()).isEmpty();
    }

    static ServiceKey key(String address, int port, Protocol protocol) {
        return new ServiceKey.Inet(TestConfigs.ip(address), port, protocol);
    }

    @Test
    void editingAServiceWithoutOptionsResetsItToIpvsadmsDefaults() {
        IpvsTable t = new IpvsTable();
        run(t, "-A -t 192.0.2.10:80 -s sh -b sh-port -p 60 -M 255.255.255.0");
        assertThat(printed(t, "-L -n")).isEqualTo(HEADER + "TCP  192.0.2.10:80 sh (sh-port) persistent 60 mask "
                + "255.255.255.0\nexit 0");
        run(t, "-E -t 192.0.2.10:80");
        assertThat(printed(t, "-L -n")).isEqualTo(HEADER + "TCP  192.0.2.10:80 wlc\nexit 0");
    }

    @Test
    void aSaveReplayedThroughRestoreRebuildsTheSameTable() {
        IpvsTable t = new IpvsTable();
        for (String line : List.of(
                "-A -t 192.0.2.10:80 -s wrr -p 300 -M 255.255.255.0",
                "-a -t 192.0.2.10:80 -r 198.51.100.1:8080 -m -w 3 -x 100 -y 10",
                "-a -t 192.0.2.10:80 -r 198.51.100.2 -g -w 0",
                "-a -t 192.0.2.10:80 -r 198.51.100.3 -i --tun-type gue --tun-port 6080 --tun-remcsum",
                "-A -u [2001:db8::53]:53 -s sh -b sh-fallback,sh-port -o",
                "-a -u [2001:db8::53]:53 -r [2001:db8::1]:53 -m",
                "-A -f 7 -6 -s mh -p -M 64",
                "-a -f 7 -6 -r 2001:db8::2 -g -w 4",
                "-A --sctp-service 192.0.2.10:3868 -s lc --pe sip -p 30")) {
            assertThat(run(t, line).exitCode()).as(line).isZero();
        }
        String save = run(t, "-S -n").out();
        IpvsTable restored = new IpvsTable();
        for (String line : save.split("\n")) {
            assertThat(run(restored, line).exitCode()).as(line).isZero();
        }
        assertThat(run(restored, "-S -n").out()).isEqualTo(save);
        // the save leaves thresholds out, as ipvsadm's does; everything else comes back
        assertThat(run(restored, "-L -n --tun-info").out()).isEqualTo(run(t, "-L -n --tun-info").out());
        assertThat(save).contains("-a -t 192.0.2.10:80 -r 198.51.100.3:80 -i -w 1 --tun-type gue --tun-port 6080"
                + " --tun-remcsum\n");
    }

    @Test
    void dataPlaneCommandsAreHandedOn() {
        IpvsTable t = new IpvsTable();
        run(t, "-A -t 192.0.2.10:80");
        assertThat(run(t, "-Z").dataPlane()).isEqualTo(new IpvsadmRunner.DataPlaneRequest.Zero(null));
        assertThat(run(t, "-Z -t 192.0.2.10:80").dataPlane()).isEqualTo(
                new IpvsadmRunner.DataPlaneRequest.Zero(key("192.0.2.10", 80, Protocol.TCP)));
        assertThat(run(t, "--set 900 0 300").dataPlane()).isEqualTo(new IpvsadmRunner.DataPlaneRequest.SetTimeouts(
                new IpvsTimeouts(900, 0, 300)));
        assertThat(run(t, "-L --timeout").dataPlane()).isEqualTo(new IpvsadmRunner.DataPlaneRequest.ListTimeouts());
        assertThat(run(t, "-L -c -n").dataPlane()).isEqualTo(
                new IpvsadmRunner.DataPlaneRequest.ListConnections(true, java.util.Set.of()));
        assertThat(IpvsadmRunner.timeoutsText(new IpvsTimeouts(900, 120, 300)))
                .isEqualTo("Timeout (tcp tcpfin udp): 900 120 300\n");
    }

    @Test
    void listingsPrintTheSnapshotWithTheDataPlanesCounters() {
        IpvsTable t = new IpvsTable();
        run(t, "-A -t 192.0.2.10:80");
        IpvsService s = t.snapshot().services().getFirst().withCounters(new Stats(7, 70, 60, 7000, 600000), null);
        IpvsSnapshot merged = new IpvsSnapshot(List.of(s));
        IpvsadmRunner.Outcome o = IpvsadmRunner.run(IpvsadmParserTest.parsed("-L -n --stats --exact"), t, () -> merged);
        assertThat(o.out()).endsWith("TCP  192.0.2.10:80                       7       70       60     7000   600000\n");
    }

    @Test
    void aReloadDropsRuntimeChanges() {
        TestConfigs.Vs web = vs("192.0.2.10", 80).kind(ForwardingMethod.DR)
                .add(rs("192.0.2.21", 80).tcp())
                .add(rs("192.0.2.22", 80).tcp());
        VirtualServerTable table = VirtualServerTableTest.table(web.build());
        table.start();
        String configured = IpvsadmView.list(table.snapshot());
        IpvsTable ipvs = table.ipvs();
        run(ipvs, "-d -t 192.0.2.10:80 -r 192.0.2.21");
        run(ipvs, "-e -t 192.0.2.10:80 -r 192.0.2.22 -w 9");
        run(ipvs, "-a -t 192.0.2.10:80 -r 192.0.2.23");
        run(ipvs, "-E -t 192.0.2.10:80 -s rr");
        run(ipvs, "-A -u 192.0.2.53:53");
        assertThat(IpvsadmView.list(table.snapshot())).isEqualTo(HEADER + """
                TCP  192.0.2.10:80 rr
                  -> 192.0.2.22:80                Route   9      0          0         \n\
                  -> 192.0.2.23:80                Route   1      0          0         \n\
                UDP  192.0.2.53:53 wlc
                """);

        List<String> reload = lines(table.reload(List.of(web.build()), List.of()));
        assertThat(reload).contains(
                "-D " + key("192.0.2.53", 53, Protocol.UDP),
                "-E " + key("192.0.2.10", 80, Protocol.TCP),
                "-d 192.0.2.23:80",
                "-a 192.0.2.21:80 w1",
                "-e 192.0.2.22:80 w1");
        assertThat(IpvsadmView.list(table.snapshot())).isEqualTo(configured);

        // the checkers keep driving the restored table
        assertThat(lines(table.checkerResult(new CheckerId(0, 0, 0), false))).contains("-d 192.0.2.21:80");
    }

    @Test
    void aServiceTheOperatorDeletedComesBackWithItsServersAtTheReload() {
        TestConfigs.Vs web = vs("192.0.2.10", 80).kind(ForwardingMethod.DR).add(rs("192.0.2.21", 80).tcp());
        VirtualServerTable table = VirtualServerTableTest.table(web.build());
        table.start();
        String configured = IpvsadmView.list(table.snapshot());
        run(table.ipvs(), "-D -t 192.0.2.10:80");
        // a checker's change to a deleted service is refused by the table, as by the kernel
        assertThat(lines(table.checkerResult(new CheckerId(0, 0, 0), false))).doesNotContain("-d 192.0.2.21:80");
        assertThat(table.snapshot().services()).isEmpty();
        table.reload(List.of(web.build()), List.of());
        assertThat(IpvsadmView.list(table.snapshot())).isEqualTo(configured.replace(
                "  -> 192.0.2.21:80                Route   1      0          0         \n", ""));
    }
}
