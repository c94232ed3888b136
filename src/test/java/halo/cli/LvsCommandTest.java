package halo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LvsCommandTest {

    record Run(int exit, String out, String err) {}

    static Run run(String... args) {
        return runWithInput("", args);
    }

    static Run runWithInput(String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = LvsCommand.run(List.of(args), new java.io.ByteArrayInputStream(
                stdin.getBytes(java.nio.charset.StandardCharsets.UTF_8)), new PrintWriter(out), new PrintWriter(err));
        return new Run(exit, out.toString(), err.toString());
    }

    static String seed(String name) {
        try {
            return Path.of(LvsCommandTest.class.getResource("/halo/lvs/seeds/" + name).toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static String golden(String name) {
        try (java.io.InputStream in = LvsCommandTest.class.getResourceAsStream("/halo/lvs/golden/" + name)) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void previewsTheSeedTableAsIpvsadmListsIt() {
        Run r = run("--use-file", seed("seed000.conf"), "--config-id", "node1", "-L", "-n");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo(golden("seed000-start.txt"));
        // keepalived's own complaint about the tutorial's nb_get_retry in TCP_CHECK goes to stderr, not the listing
        assertThat(r.err()).contains("Unknown keyword 'nb_get_retry'");
    }

    @Test
    void clusteredShortOptionsAsOperatorsTypeThem() {
        Run r = run("--use-file", seed("seed004-ipvs.conf"), "--config-id", "node1", "-Ln");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo(golden("seed004-ipvs-start.txt"));
    }

    @Test
    void saveFormat() {
        Run r = run("--use-file", seed("seed000.conf"), "--config-id", "node1", "-S", "-n");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo(golden("seed000-save.txt"));
    }

    @Test
    void statsOfAFreshTableAreZero() {
        Run r = run("--use-file", seed("seed003.conf"), "--config-id", "node1", "-L", "-n", "--stats");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo("""
                IP Virtual Server version 1.2.1 (size=4096)
                Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes
                  -> RemoteAddress:Port
                TCP  10.0.2.99:80                        0        0        0        0        0
                  -> 10.0.2.62:80                        0        0        0        0        0
                  -> 10.0.2.63:80                        0        0        0        0        0
                """);
    }

    @Test
    void anUnreadableConfigurationIsAnError() {
        Run r = run("--use-file", "/nonexistent/halo-test/keepalived.conf", "-L", "-n");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("/nonexistent/halo-test/keepalived.conf");
    }

    @Test
    void asksTheDaemonThroughItsControlSocketClient() {
        LvsCommand.DaemonClient saved = LvsCommand.daemonClient;
        try {
            Path[] asked = new Path[1];
            String[] request = new String[1];
            LvsCommand.daemonClient = (path, text) -> {
                asked[0] = path;
                request[0] = text;
                return halo.lvs.IpvsadmText.encodeAnswer(new halo.lvs.IpvsadmText.Answer(
                        "IP Virtual Server version 1.2.1 (size=4096)\n", "", 0));
            };
            Run r = run("--control-socket", "/run/halo-test.sock", "-L", "-n");
            assertThat(r.exit()).isZero();
            assertThat(asked[0]).isEqualTo(Path.of("/run/halo-test.sock"));
            assertThat(request[0]).isEqualTo("ipvsadm -L -n");
            assertThat(r.out()).isEqualTo("IP Virtual Server version 1.2.1 (size=4096)\n");
        } finally {
            LvsCommand.daemonClient = saved;
        }
    }

    @Test
    void asksARunningDaemonOverItsControlSocket(@TempDir Path dir) throws Exception {
        // what the daemon does for "lvs": encode the table it runs
        halo.lvs.VirtualServerTable table = halo.lvs.VirtualServerTable.fromConfig(
                halo.config.ConfigLoader.load(Path.of(seed("seed000.conf")),
                        new halo.config.LoadOptions("node1", false)).config());
        table.start();
        table.checkerResult(new halo.lvs.CheckerId(0, 1, 0), false);
        Path socket = dir.resolve("halo.sock");
        try (halo.daemon.ControlServer server = halo.daemon.ControlServer.start(socket,
                request -> request.startsWith("ipvsadm ") ? daemonAnswer(request, table) : "error: unknown command\n")) {
            Run r = run("--control-socket", socket.toString(), "-L", "-n");
            assertThat(r.err()).isEmpty();
            assertThat(r.exit()).isZero();
            assertThat(r.out()).isEqualTo(golden("seed000-rs40-down.txt"));
        }
    }

    @Test
    void noDaemonListeningIsAnError(@TempDir Path dir) {
        Run r = run("--control-socket", dir.resolve("absent.sock").toString(), "-L", "-n");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("cannot reach the Halo daemon at " + dir.resolve("absent.sock"));
    }

    @Test
    void aDaemonErrorIsShown(@TempDir Path dir) throws Exception {
        Path socket = dir.resolve("halo.sock");
        try (halo.daemon.ControlServer server = halo.daemon.ControlServer.start(socket,
                request -> "error: the load balancer is not running\n")) {
            Run r = run("--control-socket", socket.toString(), "-L", "-n");
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err()).contains("answered: error: the load balancer is not running");
        }
    }

    /** What the daemon's checker side answers (CheckerSide.ipvsadm), without the daemon. */
    static String daemonAnswer(String request, halo.lvs.VirtualServerTable table) {
        synchronized (table) {
            halo.lvs.IpvsadmRunner.Outcome o = halo.lvs.IpvsadmRunner.run(halo.lvs.IpvsadmText.decode(request),
                    table.ipvs());
            return halo.lvs.IpvsadmText.encodeAnswer(new halo.lvs.IpvsadmText.Answer(o.out(), o.err(),
                    o.exitCode()));
        }
    }

    @Test
    void listAndSaveTogetherIsIpvsadmsInvalidOption() {
        Run r = run("--use-file", seed("seed000.conf"), "-L", "-S");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("invalid option `-S'\n");
    }

    @Test
    void changesTheDaemonsTableAsIpvsadmChangesTheKernels(@TempDir Path dir) throws Exception {
        halo.lvs.VirtualServerTable table = halo.lvs.VirtualServerTable.fromConfig(List.of(), List.of(),
                halo.lvs.VirtualServerTable.Options.DEFAULT);
        table.start();
        Path socket = dir.resolve("halo.sock");
        try (halo.daemon.ControlServer server = halo.daemon.ControlServer.start(socket,
                request -> daemonAnswer(request, table))) {
            String s = socket.toString();
            assertThat(run("--control-socket", s, "-A", "-t", "192.0.2.10:80", "-s", "wrr", "-p")).isEqualTo(
                    new Run(0, "", ""));
            assertThat(run("--control-socket", s, "-a", "-t", "192.0.2.10:80", "-r", "198.51.100.1:8080", "-m",
                    "-w", "3")).isEqualTo(new Run(0, "", ""));
            assertThat(run("--control-socket", s, "-a", "-t", "192.0.2.10:80", "-r", "198.51.100.2")).isEqualTo(
                    new Run(0, "", ""));
            assertThat(run("--control-socket", s, "-A", "-t", "192.0.2.10:80"))
                    .isEqualTo(new Run(255, "", "Service already exists\n"));
            assertThat(run("--control-socket", s, "-d", "-t", "192.0.2.10:80", "-r", "198.51.100.3"))
                    .isEqualTo(new Run(255, "", "No such destination\n"));
            assertThat(run("--control-socket", s, "-Ln").out()).isEqualTo("""
                    IP Virtual Server version 1.2.1 (size=4096)
                    Prot LocalAddress:Port Scheduler Flags
                      -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
                    TCP  192.0.2.10:80 wrr persistent 360
                      -> 198.51.100.1:8080            Masq    3      0          0        \s
                      -> 198.51.100.2:80              Route   1      0          0        \s
                    """);
            Run saved = run("--control-socket", s, "-S", "-n");
            assertThat(saved.out()).isEqualTo("""
                    -A -t 192.0.2.10:80 -s wrr -p 360
                    -a -t 192.0.2.10:80 -r 198.51.100.1:8080 -m -w 3
                    -a -t 192.0.2.10:80 -r 198.51.100.2:80 -g -w 1
                    """);
            // clear, then restore the saved rules: the same table again
            assertThat(run("--control-socket", s, "-C")).isEqualTo(new Run(0, "", ""));
            assertThat(run("--control-socket", s, "-S", "-n").out()).isEmpty();
            assertThat(runWithInput(saved.out(), "--control-socket", s, "-R")).isEqualTo(new Run(0, "", ""));
            assertThat(run("--control-socket", s, "-S", "-n").out()).isEqualTo(saved.out());
            assertThat(run("--control-socket", s, "-D", "-t", "192.0.2.10:80")).isEqualTo(new Run(0, "", ""));
            assertThat(run("--control-socket", s, "-L", "-n", "-t", "192.0.2.10:80"))
                    .isEqualTo(new Run(1, "", "No such service\n"));
        }
    }

    @Test
    void restoreGoesOnAfterARefusedLineAndStopsAtAParseError(@TempDir Path dir) throws Exception {
        halo.lvs.VirtualServerTable table = halo.lvs.VirtualServerTable.fromConfig(List.of(), List.of(),
                halo.lvs.VirtualServerTable.Options.DEFAULT);
        table.start();
        Path socket = dir.resolve("halo.sock");
        try (halo.daemon.ControlServer server = halo.daemon.ControlServer.start(socket,
                request -> daemonAnswer(request, table))) {
            String s = socket.toString();
            Run r = runWithInput("""

                    ipvsadm -A -u 192.0.2.53:53 -s rr
                    -A -u 192.0.2.53:53 -s rr
                    -a -u 192.0.2.53:53 -r 198.51.100.53 -w 2
                    -a -u 192.0.2.53:53 -r 198.51.100.54 -w abc
                    -a -u 192.0.2.53:53 -r 198.51.100.55
                    """, "--control-socket", s, "-R");
            assertThat(r).isEqualTo(new Run(2, "", "Service already exists\nillegal weight specified\n"));
            assertThat(run("--control-socket", s, "-S", "-n").out()).isEqualTo("""
                    -A -u 192.0.2.53:53 -s rr
                    -a -u 192.0.2.53:53 -r 198.51.100.53:53 -g -w 2
                    """);
        }
    }

    @Test
    void parseErrorsNeverReachTheDaemon() {
        LvsCommand.DaemonClient saved = LvsCommand.daemonClient;
        try {
            LvsCommand.daemonClient = (path, text) -> {
                throw new AssertionError("asked the daemon " + text);
            };
            assertThat(run("-A", "-t", "192.0.2.10:80", "-x", "3")).isEqualTo(new Run(2, "",
                    "Illegal 'u-threshold' option with the 'add-service' command\n"));
            assertThat(run("-Q")).isEqualTo(new Run(255, "",
                    "Try `halo lvs -h' or 'halo lvs --help' for more information.\n"));
            Run help = run("-h");
            assertThat(help.exit()).isZero();
            assertThat(help.out()).startsWith("ipvsadm v1.31 2019/12/24 (compiled with popt and IPVS v1.2.1)\n"
                    + "Usage:\n  halo lvs -A|E virtual-service [-s scheduler]");
        } finally {
            LvsCommand.daemonClient = saved;
        }
    }

    @Test
    void theConfigurationPreviewTakesCommandsToo() {
        Run r = run("--use-file", seed("seed003.conf"), "--config-id", "node1", "-L", "-n", "-t", "10.0.2.99:80");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("Prot LocalAddress:Port Scheduler Flags\n");
        assertThat(r.out()).contains("TCP  10.0.2.99:80 wrr");
        assertThat(run("--use-file", seed("seed003.conf"), "-Z").exit()).isEqualTo(1);
    }
}
