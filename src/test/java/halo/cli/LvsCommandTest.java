package halo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import halo.lvs.IpvsSnapshot;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class LvsCommandTest {

    record Run(int exit, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = new CommandLine(new LvsCommand());
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        int exit = cmd.execute(args);
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
        Run r = run("-f", seed("seed000.conf"), "-i", "node1", "-L", "-n");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo(golden("seed000-start.txt"));
        // keepalived's own complaint about the tutorial's nb_get_retry in TCP_CHECK goes to stderr, not the listing
        assertThat(r.err()).contains("Unknown keyword 'nb_get_retry'");
    }

    @Test
    void clusteredShortOptionsAsOperatorsTypeThem() {
        Run r = run("-f", seed("seed004-ipvs.conf"), "-i", "node1", "-Ln");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo(golden("seed004-ipvs-start.txt"));
    }

    @Test
    void saveFormat() {
        Run r = run("-f", seed("seed000.conf"), "-i", "node1", "-S", "-n");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo(golden("seed000-save.txt"));
    }

    @Test
    void statsOfAFreshTableAreZero() {
        Run r = run("-f", seed("seed003.conf"), "-i", "node1", "-L", "-n", "--stats");
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
        Run r = run("-f", "/nonexistent/halo-test/keepalived.conf", "-L", "-n");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("/nonexistent/halo-test/keepalived.conf");
    }

    @Test
    void asksTheDaemonThroughItsControlSocketClient() {
        Function<Path, halo.lvs.SnapshotSource> saved = LvsCommand.daemonClient;
        try {
            Path[] asked = new Path[1];
            LvsCommand.daemonClient = path -> {
                asked[0] = path;
                return () -> new IpvsSnapshot(List.of());
            };
            Run r = run("--control-socket", "/run/halo-test.sock", "-L", "-n");
            assertThat(r.exit()).isZero();
            assertThat(asked[0]).isEqualTo(Path.of("/run/halo-test.sock"));
            assertThat(r.out()).startsWith("IP Virtual Server version 1.2.1 (size=4096)\n");
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
                request -> request.equals(LvsCommand.CONTROL_COMMAND)
                        ? halo.lvs.SnapshotText.encode(table.snapshot()) : "error: unknown command\n")) {
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

    @Test
    void listAndSaveTogetherIsAUsageError() {
        assertThat(run("-f", seed("seed000.conf"), "-L", "-S").exit()).isEqualTo(2);
    }
}
