package halo.config;

import static org.assertj.core.api.Assertions.assertThat;

import halo.config.source.Diagnostic;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ConfigLoader#load} reads and interprets on two threads (and completes a large list of virtual servers on
 * two more): its model and its diagnostics, in order, are what reading everything and then interpreting it on one
 * thread gives ({@link ConfigLoader#loadSequentially}).
 */
class ConcurrentLoadTest {

    @TempDir
    Path dir;

    static void assertSameAsSequential(Path file, LoadOptions options) {
        LoadResult sequential = ConfigLoader.loadSequentially(file, options);
        LoadResult concurrent = ConfigLoader.load(file, options);
        assertThat(concurrent.diagnostics()).as("diagnostics of %s", file).containsExactlyElementsOf(sequential.diagnostics());
        assertThat(concurrent.config()).as("model of %s", file).isEqualTo(sequential.config());
    }

    @Test
    void seedsLoadAsSequentially() throws Exception {
        try (var files = Files.list(Path.of("src/test/resources/seeds"))) {
            for (Path f : files.sorted().toList()) {
                assertSameAsSequential(f, new LoadOptions("test", false));
                assertSameAsSequential(f, new LoadOptions("test", true));
            }
        }
    }

    /**
     * Thousands of virtual servers, with mistakes spread over them that the walk reports (bad scheduler, unknown
     * keywords, keepalived's ignored '{' that closes the enclosing block early) and that completion reports (no real
     * servers, duplicated real servers, quorum above the weights, mismatched ports), plus VRRP blocks between them.
     */
    static String manyVirtualServers(int count, Random random) {
        StringBuilder b = new StringBuilder("global_defs {\n    router_id big\n    no_such_global 1\n}\n");
        for (int i = 0; i < count; i++) {
            String vip = "203.0.113." + (i % 250 + 1);
            int port = 8000 + i / 250;
            b.append("virtual_server ").append(vip).append(' ').append(port).append(" {\n");
            b.append("    delay_loop ").append(random.nextInt(10) == 0 ? "x" : "6").append('\n');
            b.append("    lb_algo ").append(random.nextInt(7) == 0 ? "nope" : "rr").append('\n');
            if (random.nextInt(5) != 0) {
                b.append("    lb_kind ").append(random.nextInt(3) == 0 ? "DR" : "NAT").append('\n');
            }
            if (random.nextInt(4) != 0) {
                b.append("    protocol TCP\n");
            }
            if (random.nextInt(9) == 0) {
                b.append("    quorum 50\n    hysteresis 60\n");
            }
            if (random.nextInt(13) == 0) {
                b.append("    unknown_block {\n        weight 1\n    }\n    persistence_timeout 50\n");
            }
            int reals = random.nextInt(11) == 0 ? 0 : 1 + random.nextInt(3);
            for (int r = 0; r < reals; r++) {
                int rport = random.nextInt(6) == 0 ? port + 1 : port;
                String rip = "192.0.2." + (random.nextInt(8) == 0 ? 1 : i % 250 + r + 1);
                b.append("    real_server ").append(rip).append(' ').append(rport).append(" {\n");
                b.append("        weight ").append(random.nextInt(20) == 0 ? "-3" : "1").append('\n');
                b.append("        TCP_CHECK {\n            connect_timeout ").append(random.nextInt(15) == 0 ? "0" : "3")
                        .append("\n            retry 3\n            bogus_checker_keyword\n        }\n    }\n");
            }
            b.append("}\n");
            if (random.nextInt(200) == 0) {
                int id = 1 + random.nextInt(300);
                b.append("vrrp_instance VI_").append(i).append(" {\n    interface eth0\n    virtual_router_id ")
                        .append(id).append("\n    priority 100\n    virtual_ipaddress {\n        192.0.2.")
                        .append(200 + random.nextInt(60)).append("/24\n    }\n    track_script {\n        chk_missing\n    }\n}\n");
            }
        }
        return b.toString();
    }

    @Test
    void manyVirtualServersWithManyMistakesLoadAsSequentially() throws Exception {
        Random random = new Random(7);
        for (int count : new int[] {3, CheckParser.PARALLEL_COMPLETION - 1, CheckParser.PARALLEL_COMPLETION, 3001}) {
            Path f = dir.resolve("many" + count + ".conf");
            Files.writeString(f, manyVirtualServers(count, random), StandardCharsets.UTF_8);
            assertSameAsSequential(f, new LoadOptions("test", false));
            if (count == 3001) {
                LoadResult r = ConfigLoader.load(f, new LoadOptions("test", false));
                // mistakes from the walk and from completion, all over the file
                assertThat(r.diagnostics()).hasSizeGreaterThan(3000);
                assertThat(r.diagnostics()).anyMatch(d -> d.message().contains("has no real servers"));
                assertThat(r.diagnostics()).anyMatch(d -> d.message().contains("is duplicated"));
                assertThat(r.diagnostics()).anyMatch(d -> d.message().startsWith("Invalid lvs_scheduler"));
                assertThat(r.diagnostics()).anyMatch(d -> d.message().equals("Unexpected '{' - ignoring"));
                List<Integer> lines = new ArrayList<>();
                for (Diagnostic d : r.diagnostics()) {
                    if (d.message().contains("has no real servers") && d.location() != null) {
                        lines.add(d.location().line());
                    }
                }
                assertThat(lines).hasSizeGreaterThan(100).isSorted();
                assertThat(r.config()).isNotNull();
                assertThat(r.config().virtualServers()).hasSizeGreaterThan(2000);
            }
        }
        // strict: unknown keywords are fatal, there is no model, the diagnostics are the same
        Path f = dir.resolve("strict.conf");
        Files.writeString(f, manyVirtualServers(600, random), StandardCharsets.UTF_8);
        assertSameAsSequential(f, new LoadOptions("test", true));
        assertThat(ConfigLoader.load(f, new LoadOptions("test", true)).config()).isNull();
    }

    @Test
    void includesParametersConditionalsAndGeneratorsLoadAsSequentially() throws Exception {
        Path sub = Files.createDirectories(dir.resolve("conf.d"));
        StringBuilder main = new StringBuilder("""
                $PORT=8080
                $CHECK=TCP_CHECK { \\
                    connect_timeout 3 \\
                }
                global_defs {
                    router_id lb01
                }
                include conf.d/*.conf
                @lb01 virtual_server 203.0.113.250 ${PORT} {
                @^lb01 virtual_server 203.0.113.251 ${PORT} {
                    lb_algo wrr
                    protocol TCP
                    ~SEQ(n, 1, 40) real_server 192.0.2.$n $PORT { weight $n
                }
                ~SEQ(v, 1, 300) virtual_server 198.51.100.${v} 80 {
                ~SEQ(v, 1, 300)     real_server 192.0.2.${v} 80 {
                ~SEQ(v, 1, 300)     }
                ~SEQ(v, 1, 300) }
                virtual_server 203.0.113.252 $LATE {
                    real_server 192.0.2.9 80 {
                        $CHECK
                    }
                }
                $LATE=9090
                """);
        Files.writeString(dir.resolve("keepalived.conf"), main.toString(), StandardCharsets.UTF_8);
        for (int i = 0; i < 5; i++) {
            Files.writeString(sub.resolve("vs" + i + ".conf"), manyVirtualServers(80, new Random(i)), StandardCharsets.UTF_8);
        }
        for (String id : List.of("lb01", "lb02")) {
            assertSameAsSequential(dir.resolve("keepalived.conf"), new LoadOptions(id, false));
        }
        LoadResult r = ConfigLoader.load(dir.resolve("keepalived.conf"), new LoadOptions("lb01", false));
        assertThat(r.config()).isNotNull();
        assertThat(r.config().virtualServers()).anyMatch(v -> v.address().equals(
                new VirtualServerAddress.Socket(Loading.ip("203.0.113.250"), 8080)));
    }

    @Test
    void filesThatCannotBeReadLoadAsSequentially() throws Exception {
        assertSameAsSequential(dir.resolve("missing.conf"), new LoadOptions("test", false));
        assertSameAsSequential(dir, new LoadOptions("test", false));
        Path loop = dir.resolve("loop.conf");
        Files.writeString(loop, "include loop.conf\nvirtual_server 203.0.113.1 80 {\n}\ninclude missing/*.conf\n");
        assertSameAsSequential(loop, new LoadOptions("test", false));
        assertThat(ConfigLoader.load(dir.resolve("missing.conf"), new LoadOptions("test", false)).hasFatal()).isTrue();
    }

    @Test
    void mutatedSeedsLoadAsSequentially() throws Exception {
        List<Path> seeds;
        try (var files = Files.list(Path.of("src/test/resources/seeds"))) {
            seeds = files.sorted().toList();
        }
        Random random = new Random(20261124);
        long deadline = System.nanoTime() + 10_000_000_000L; // bounded in time as well as in count
        for (int i = 0; i < 300 && System.nanoTime() < deadline; i++) {
            List<String> lines = new ArrayList<>(Files.readAllLines(seeds.get(random.nextInt(seeds.size()))));
            for (int m = 0, n = 1 + random.nextInt(6); m < n && !lines.isEmpty(); m++) {
                int at = random.nextInt(lines.size());
                switch (random.nextInt(5)) {
                    case 0 -> lines.remove(at);
                    case 1 -> lines.add(at, lines.get(random.nextInt(lines.size())));
                    case 2 -> java.util.Collections.swap(lines, at, random.nextInt(lines.size()));
                    case 3 -> lines.set(at, lines.get(at).replace("{", "").replace("}", ""));
                    default -> lines.add(at, FuzzTest.WORDS[random.nextInt(FuzzTest.WORDS.length)]);
                }
            }
            Path f = dir.resolve("fuzz" + i + ".conf");
            Files.write(f, lines, StandardCharsets.UTF_8);
            assertSameAsSequential(f, new LoadOptions("test", random.nextBoolean()));
        }
    }
}
