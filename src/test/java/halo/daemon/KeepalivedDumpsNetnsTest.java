package halo.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import halo.testing.Await;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * keepalived's dump signals sent to {@code halo run}: SIGUSR1 writes keepalived.data, SIGUSR2 (and SIGRTMAX-1,
 * which then zeroes the counters) keepalived.stats, SIGRTMIN+2 keepalived.json, in keepalived 2.2.7's layout (its own files, made as
 * src/test/resources/halo/daemon/dumps/README.md says, are the reference), in $TMPDIR as keepalived writes them (so
 * this test's files are its own); and {@code --signum} prints keepalived's numbers.
 */
@Tag("root")
class KeepalivedDumpsNetnsTest extends DirectorsLab {

    private static final Duration LONG = Duration.ofSeconds(20);
    private static final Path FIXTURES = Path.of("src/test/resources/halo/daemon/dumps");

    KeepalivedDumpsNetnsTest() {
        super("dumps");
    }

    @Test
    void signumPrintsKeepalivedsNumbers() throws Exception {
        for (String name : List.of("STOP", "RELOAD", "DATA", "STATS", "STATS_CLEAR", "JSON", "TDUMP")) {
            Run keepalived = run(List.of("keepalived", "--signum=" + name));
            Run halo = run(List.of(ProcessHandle.current().info().command().orElse("java"),
                    "--enable-native-access=ALL-UNNAMED", "-cp", NodeProcess.classPath(), "halo.cli.Main",
                    "--signum=" + name));
            assertThat(halo).as(name).isEqualTo(keepalived);
        }
        assertThat(run(List.of("keepalived", "--signum=JSON")).out()).isEqualTo("36\n");
    }

    @Test
    void theDumpSignalsWriteKeepalivedsFilesInItsLayout() throws Exception {
        Path tmp = dir.resolve("tmp");
        Files.createDirectories(tmp);
        Path conf = dir.resolve("dir1.conf");
        Files.writeString(conf, """
                global_defs {
                    router_id dir1
                }
                vrrp_instance VI_1 {
                    state BACKUP
                    interface eth0
                    virtual_router_id 51
                    priority 100
                    advert_int 1
                    virtual_ipaddress {
                        192.0.2.100/24
                    }
                }
                """);
        List<String> exec = new ArrayList<>(lan.exec("dir1"));
        exec.addAll(List.of("env", "TMPDIR=" + tmp));
        NodeProcess halo = NodeProcess.halo("dir1", exec, conf, dir);
        nodes.add(halo);
        halo.awaitLog("\\(VI_1\\) Entering MASTER STATE", LONG);
        String pid = "process\\(\\d+\\) on signal";

        halo.signal("USR1");
        halo.awaitLog("Printing VRRP data for " + pid, LONG);
        String data = await(tmp.resolve("keepalived.data"));
        assertThat(data).startsWith("------< Global definitions >------\n").contains(
                " Router ID = dir1\n",
                "------< VRRP Topology >------\n VRRP Instance = VI_1\n   VRRP Version = 2\n   State = MASTER\n",
                "   Interface = eth0\n", "   Virtual Router ID = 51\n", "   Priority = 100\n",
                "   Effective priority = 100\n", "   Advert interval = 1 sec\n",
                "   Virtual IP (1):\n     192.0.2.100/24 dev eth0 scope global set\n");
        // every "name = value" line is one keepalived writes, under the same name
        List<String> keepalivedNames = names(Files.readString(FIXTURES.resolve("keepalived.data")));
        assertThat(keepalivedNames).containsAll(names(data));
        assertThat(Files.getPosixFilePermissions(tmp.resolve("keepalived.data")))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));

        halo.signal("USR2");
        halo.awaitLog("Printing VRRP stats for " + pid, LONG);
        String stats = await(tmp.resolve("keepalived.stats"));
        // the same lines as keepalived's, numbers aside (the fixture's instance is VI_1 too)
        assertThat(stats.replaceAll("\\d+", "N"))
                .isEqualTo(Files.readString(FIXTURES.resolve("keepalived.stats")).replaceAll("\\d+", "N"));
        assertThat(Long.parseLong(between(stats, "    Sent: ", "\n"))).isPositive();
        assertThat(stats).contains("  Became master: 1\n");

        halo.signal("RTMIN+2");
        halo.awaitLog("Printing VRRP as json for " + pid, LONG);
        String json = await(tmp.resolve("keepalived.json"));
        // keepalived's keys in keepalived's order, and its values where the two daemons agree
        assertThat(keys(json)).isEqualTo(keys(Files.readString(FIXTURES.resolve("keepalived.json"))));
        assertThat(json).startsWith("[{\"data\":{\"iname\":\"VI_1\",").endsWith("}}]").contains(
                "\"ifp_ifname\":\"eth0\"", "\"vrid\":51,\"base_priority\":100,\"effective_priority\":100,"
                        + "\"vipset\":true", "\"state\":2,\"wantstate\":2,\"version\":2",
                "\"vips\":[\"192.0.2.100\\/24 dev eth0 scope global set\"]", "\"become_master\":1,");

        // SIGRTMAX-1 (keepalived's STATS_CLEAR) writes the stats as they are, then zeroes them, as keepalived 2.2.7's
        // vrrp_print_stats(clear_stats) does: the next SIGUSR2 counts from there
        Files.delete(tmp.resolve("keepalived.stats"));
        halo.signal("RTMAX-1");
        halo.awaitLog("Printing and clearing VRRP stats for " + pid, LONG);
        String cleared = await(tmp.resolve("keepalived.stats"));
        assertThat(cleared).startsWith("VRRP Instance: VI_1\n").contains("  Became master: 1\n");
        Files.delete(tmp.resolve("keepalived.stats"));
        int printed = halo.mark("Printing VRRP stats for ");
        halo.signal("USR2");
        halo.awaitLog("Printing VRRP stats for " + pid, printed, LONG);
        assertThat(await(tmp.resolve("keepalived.stats")))
                .as("keepalived.stats after SIGRTMAX-1").contains("  Became master: 0\n");
        assertThat(halo.isAlive()).isTrue();
        assertThat(halo.status()).contains("\"state\":\"MASTER\"");
        assertThat(halo.stop(LONG)).isZero();
    }

    private record Run(int exit, String out, String err) {}

    private static Run run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(cmd + " did not finish");
        }
        return new Run(p.exitValue(), out, err);
    }

    private static String await(Path file) throws Exception {
        assertThat(Await.until(LONG, () -> Files.exists(file) && Files.size(file) > 0)).as(file.toString()).isTrue();
        return Files.readString(file);
    }

    /** The names of keepalived.data's "name = value" lines. */
    private static List<String> names(String data) {
        List<String> names = new ArrayList<>();
        for (String line : data.split("\n")) {
            int eq = line.indexOf(" = ");
            if (eq > 0) names.add(line.substring(0, eq));
        }
        return names;
    }

    private static List<String> keys(String json) {
        List<String> keys = new ArrayList<>();
        Matcher m = Pattern.compile("\"([a-z_]+)\":").matcher(json);
        while (m.find()) keys.add(m.group(1));
        return keys;
    }

    private static String between(String text, String before, String after) {
        int start = text.indexOf(before) + before.length();
        return text.substring(start, text.indexOf(after, start));
    }
}
