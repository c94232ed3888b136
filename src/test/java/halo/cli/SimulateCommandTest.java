package halo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code halo simulate} on the seeds' keepalived.conf files, as an operator runs it. */
class SimulateCommandTest {
    record Run(int code, String out, String err) {}

    static Run simulate(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = new CommandLine(new SimulateCommand()).execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    static String conf(String dir, String node) {
        try {
            return Path.of(SimulateCommandTest.class.getResource("/halo/sim/" + dir + "/" + node + ".conf").toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The JSON lines, each as [t_ms, node, instance, from, to, reason]. */
    static List<List<String>> jsonRows(String out) {
        Pattern p = Pattern.compile("^\\{\"t_ms\":([0-9.]+),\"node\":\"([^\"]*)\",\"instance\":\"([^\"]*)\",\"from\":\"([A-Z]+)\","
                + "\"to\":\"([A-Z]+)\",\"reason\":\"([^\"]*)\"}$");
        List<List<String>> rows = new ArrayList<>();
        for (String line : out.strip().split("\n")) {
            Matcher m = p.matcher(line);
            assertThat(m.matches()).as("JSON line: %s", line).isTrue();
            rows.add(List.of(m.group(1), m.group(2), m.group(3), m.group(4), m.group(5), m.group(6)));
        }
        return rows;
    }

    @Test
    void seed004DualMasterPrintsTheTimelineAndTheMasterOfEachVrid() {
        Run r = simulate("-f", conf("seed004", "node1"), "-f", conf("seed004", "node2"), "--for", "10s");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("Simulating 2 node(s) node1, node2 for 10000 ms, seed 1");
        assertThat(r.out()).containsPattern("3609.(3|4)\\d* ms  node1 +VI_1 +BACKUP  -> MASTER  no advertisement within Master_Down_Interval");
        assertThat(r.out()).containsPattern("3609.(3|4)\\d* ms  node2 +VI_2 +BACKUP  -> MASTER");
        assertThat(r.out()).contains("VRID 6 (VI_1): MASTER node1").contains("VRID 8 (VI_2): MASTER node2");
    }

    @Test
    void jsonLinesShowCrashTakeoverAndPreemptBack() {
        Run r = simulate("-f", conf("seed002", "node1"), "-f", conf("seed002", "node2"), "--for", "30s",
                "--event", "10s crash node1", "--event", "20s restore node1", "--json", "--delay", "0");
        assertThat(r.code()).as(r.err()).isZero();
        List<List<String>> rows = jsonRows(r.out());
        assertThat(rows).contains(
                List.of("3414.062", "node1", "VI_1", "BACKUP", "MASTER", "no advertisement within Master_Down_Interval"),
                List.of("10000", "node1", "VI_1", "MASTER", "DOWN", "node crashed"),
                List.of("13023.437", "node2", "VI_1", "BACKUP", "MASTER", "no advertisement within Master_Down_Interval"),
                List.of("20000", "node1", "VI_1", "INIT", "BACKUP", "startup"),
                List.of("23414.062", "node2", "VI_1", "MASTER", "BACKUP",
                        "advert with higher priority (advert from 192.0.2.1 priority 150)"));
        // The summary goes to stderr in --json mode, so stdout stays one object per line.
        assertThat(r.err()).contains("VRID 50 (VI_1): MASTER node1");
    }

    @Test
    void failingTrackScriptWithWeightMinus5KeepsTheMaster() {
        // Seed 002: weight -5 on priority 150 leaves 145 > 100: the operator sees that no failover happens.
        Run r = simulate("-f", conf("seed002", "node1"), "-f", conf("seed002", "node2"), "--for", "60s",
                "--event", "8s fail-script node1 check");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("VRID 50 (VI_1): MASTER node1");
        assertThat(r.out()).doesNotContain("node2      VI_1         BACKUP  -> MASTER");
    }

    @Test
    void partitionGivesTwoMastersAndHealResolvesIt() {
        Run r = simulate("-f", conf("seed002", "node1"), "-f", conf("seed002", "node2"), "--for", "20s",
                "--event", "5s partition node1", "--event", "12s heal", "--json");
        assertThat(r.code()).as(r.err()).isZero();
        List<List<String>> rows = jsonRows(r.out());
        // Cut off, node2 stops hearing node1 and becomes master; after the heal it hears 150 > 100 and yields.
        assertThat(rows).anyMatch(x -> x.get(1).equals("node2") && x.get(4).equals("MASTER")
                && Double.parseDouble(x.get(0)) > 5000 && Double.parseDouble(x.get(0)) < 9000);
        assertThat(rows).anyMatch(x -> x.get(1).equals("node2") && x.get(3).equals("MASTER") && x.get(4).equals("BACKUP")
                && Double.parseDouble(x.get(0)) >= 12000 && Double.parseDouble(x.get(0)) < 13100);
        assertThat(r.err()).contains("VRID 50 (VI_1): MASTER node1");
    }

    @Test
    void sameSeedSameOutputUnderLoss() {
        String[] args = {"-f", conf("seed002", "node1"), "-f", conf("seed002", "node2"), "--for", "60s", "--loss", "0.5",
                "--seed", "7", "--json"};
        Run a = simulate(args), b = simulate(args);
        assertThat(a.out()).isEqualTo(b.out());
        // With half the adverts lost, node2 sometimes misses three in a row and takes over for a while.
        assertThat(jsonRows(a.out())).anyMatch(x -> x.get(1).equals("node2") && x.get(4).equals("MASTER"));
    }

    @Test
    void mistakesAreReportedWithExitStatus2() {
        Run unknownNode = simulate("-f", conf("seed002", "node1"), "--event", "5s crash node9");
        assertThat(unknownNode.code()).isEqualTo(2);
        assertThat(unknownNode.err()).contains("no node named 'node9'");
        Run unknownScript = simulate("-f", conf("seed002", "node2"), "--event", "5s fail-script node2 check");
        assertThat(unknownScript.code()).isEqualTo(2);
        assertThat(unknownScript.err()).contains("node node2 has no vrrp_script check");
        Run badTime = simulate("-f", conf("seed002", "node1"), "--for", "soon");
        assertThat(badTime.code()).isEqualTo(2);
        assertThat(badTime.err()).contains("not a duration: 'soon'");
    }

    @Test
    void registeredInHaloAndPrintsKeepalivedLogLines() {
        PrintStream oldOut = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Main.run("simulate", "-f", conf("seed002", "node1"), "-f", conf("seed002", "node2"), "--for", "5s", "--log");
        } finally {
            System.setOut(oldOut);
        }
        assertThat(code).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("node1: (VI_1) Entering MASTER STATE")
                .contains("VRID 50 (VI_1): MASTER node1");
    }
}
