package halo.lvs;

import static halo.lvs.TestConfigs.rs;
import static halo.lvs.TestConfigs.vs;
import static org.assertj.core.api.Assertions.assertThat;

import halo.testing.Gen;
import halo.testing.Property;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Random ipvsadm command sequences: what -S saves, replayed line by line into an empty table, saves the same; and
 * whatever an operator changes at run time, a reload leaves the table as a daemon without those changes would hold it.
 */
class IpvsadmPropertiesTest {

    static final String[] SERVICES = {"-t 192.0.2.1:80", "-u 192.0.2.1:53", "-t 192.0.2.2:443", "-f 7",
            "-u [2001:db8::1]:53", "-t 192.0.2.10:80"};

    static String service(Gen g) {
        return g.oneOf(SERVICES);
    }

    static String command(Gen g) {
        String svc = service(g);
        boolean v6 = svc.contains("2001:db8");
        String server = v6 ? g.oneOf("2001:db8::21", "[2001:db8::22]:8053")
                : g.oneOf("198.51.100.1", "198.51.100.2:8080", "192.0.2.21", "192.0.2.22");
        return switch (g.intBetween(0, 9)) {
            case 0, 1 -> "-A " + svc + serviceOptions(g, svc);
            case 2 -> "-E " + svc + serviceOptions(g, svc);
            case 3 -> "-D " + svc;
            case 4, 5, 6 -> "-a " + svc + " -r " + server + serverOptions(g);
            case 7 -> "-e " + svc + " -r " + server + serverOptions(g);
            case 8 -> "-d " + svc + " -r " + server;
            default -> g.chance(0.2) ? "-C" : "-Z " + svc;
        };
    }

    static String serviceOptions(Gen g, String svc) {
        StringBuilder s = new StringBuilder();
        if (g.bool()) s.append(" -s ").append(g.oneOf("rr", "wrr", "lc", "sh", "mh", "nope"));
        if (g.bool()) {
            s.append(" -p");
            if (g.bool()) s.append(' ').append(g.intBetween(1, 3600));
            if (g.bool()) s.append(" -M ").append(svc.contains("2001:db8") ? "64" : "255.255.255.0");
        }
        // not flag-3: ipvsadm saves it on sh and mh services as "-b " with no name, which its -R cannot read back
        if (g.chance(0.3)) s.append(" -b flag-").append(g.intBetween(1, 2));
        if (g.chance(0.2) && svc.startsWith("-u")) s.append(" -o");
        if (g.chance(0.1)) s.append(" --pe sip");
        return s.toString();
    }

    static String serverOptions(Gen g) {
        StringBuilder s = new StringBuilder();
        switch (g.intBetween(0, 4)) {
            case 0 -> s.append(" -m");
            case 1 -> s.append(" -g");
            case 2 -> s.append(" -i");
            case 3 -> s.append(" -i --tun-type gue --tun-port ").append(g.intBetween(1, 65535))
                    .append(g.bool() ? " --tun-csum" : "");
            default -> { }
        }
        if (g.bool()) s.append(" -w ").append(g.intBetween(0, 100));
        if (g.chance(0.3)) s.append(" -x ").append(g.intBetween(0, 50)).append(" -y ").append(g.intBetween(0, 50));
        return s.toString();
    }

    static void run(IpvsTable table, String line) {
        if (IpvsadmParser.parse("ipvsadm", List.of(line.split(" "))) instanceof IpvsadmParser.Parsed p) {
            IpvsadmRunner.run(p.command(), table);
        }
    }

    @Test
    void aSaveRestoresTheSameTable() {
        Property.forAll(300, g -> g.listOf(0, 40, IpvsadmPropertiesTest::command), lines -> {
            IpvsTable table = new IpvsTable();
            for (String line : lines) run(table, line);
            String save = IpvsadmRunner.run(IpvsadmParserTest.parsed("-S -n"), table).out();
            IpvsTable restored = new IpvsTable();
            for (String line : save.split("\n")) {
                if (line.isEmpty()) continue;
                IpvsadmRunner.Outcome o = IpvsadmRunner.run(IpvsadmParserTest.parsed(line), restored);
                assertThat(o.exitCode()).as(line + ": " + o.err()).isZero();
            }
            assertThat(IpvsadmRunner.run(IpvsadmParserTest.parsed("-S -n"), restored).out()).isEqualTo(save);
        });
    }

    record Step(boolean operator, String line, int server, boolean up) {}

    @Test
    void aReloadDropsWhateverTheOperatorChanged() {
        Property.forAll(200, g -> g.listOf(0, 40, x -> x.chance(0.6)
                ? new Step(true, command(x), 0, false)
                : new Step(false, "", x.intBetween(0, 1), x.bool())), steps -> {
            VirtualServerTable operated = table();
            VirtualServerTable untouched = table();
            operated.start();
            untouched.start();
            for (Step s : steps) {
                if (s.operator()) {
                    run(operated.ipvs(), s.line());
                } else {
                    operated.checkerResult(new CheckerId(0, s.server(), 0), s.up());
                    untouched.checkerResult(new CheckerId(0, s.server(), 0), s.up());
                }
            }
            operated.reload(config(), List.of());
            untouched.reload(config(), List.of());
            assertThat(IpvsadmView.save(operated.snapshot())).isEqualTo(IpvsadmView.save(untouched.snapshot()));
            assertThat(IpvsadmView.list(operated.snapshot(), IpvsadmView.Option.THRESHOLDS))
                    .isEqualTo(IpvsadmView.list(untouched.snapshot(), IpvsadmView.Option.THRESHOLDS));
        });
    }

    static List<halo.config.VirtualServer> config() {
        List<halo.config.VirtualServer> servers = new ArrayList<>();
        servers.add(vs("192.0.2.10", 80).kind(ForwardingMethod.DR)
                .add(rs("192.0.2.21", 80).tcp())
                .add(rs("192.0.2.22", 80).weight(3).tcp()).build());
        return servers;
    }

    static VirtualServerTable table() {
        return VirtualServerTable.fromConfig(config(), List.of(), VirtualServerTable.Options.DEFAULT);
    }
}
