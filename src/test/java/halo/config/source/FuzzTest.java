package halo.config.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import halo.config.ConfigLoader;
import halo.config.LoadOptions;
import halo.config.LoadResult;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bounded fuzzing of the whole load (reader + model): the seed configurations, mutated by bytes, tokens and lines
 * with a seeded random generator. Every case must come back as a model or diagnostics: no exception, no internal
 * error, no hang (each case has its own time limit). A failing case is printed so that it can be replayed.
 */
class FuzzTest {

    private static final long SEED = 20_261_123L;
    private static final int MAX_CASES = 3000;
    private static final long BUDGET_NANOS = TimeUnit.SECONDS.toNanos(25);
    private static final long CASE_TIMEOUT_SECONDS = 10;

    /** Tokens that poke at the reader's mechanisms (kept small: no huge ~SEQ, no includes outside the temp dir). */
    private static final String[] TOKENS = {
        "{", "}", "{ }", "\"", "'", "\"a b\"", "#", "!", "\\#", "\\", "$X", "${X}", "$X=${X}", "$X=a ${X}", "$M=\\",
        "${_RANDOM 1 5}", "${_PWD}", "${_INSTANCE}", "${_ENV HOME}", "${_HASH}", "${_BANG}", "~SEQ(i,1,20)", "~SEQx(i,0,3)",
        "~SEQ(i,1,0,5)", "~SEQ(", "~LST(a,1,2,3)", "~LST({a,b},{1,2},{3})", "~LST({a", "@main", "@^main", "@other",
        "include fuzz.conf", "include *.conf", "include sub/{a,b}.conf", "includea missing.conf", "include_check",
        "0", "-1", "256", "4294967296", "99999999999999999999", "1.5", "0x10", "", "192.0.2.1", "192.0.2.1/33",
        "2001:db8::1", "fe80::1%eth0", "255.255.255.255", "virtual_server", "real_server", "vrrp_instance", "TCP_CHECK",
        "HTTP_GET", "url", "track_script", "vrrp_sync_group", "global_defs", "virtual_server_group", "fwmark", "group",
        "state", "MASTER", "priority", "virtual_router_id", "advert_int", "unicast_peer", "lb_algo", "lb_kind", "weight",
        "delay_loop", "sorry_server", "persistence_timeout", "authentication", "auth_pass", "notify", "script",
        "中文", "\u00ff", "\t", "\r",
    };

    /** Small configurations exercising the text layer, fuzzed along with the seeds. */
    private static final String[] TEXT_SEEDS = {
        """
        $VIP=192.0.2.10
        $RS= \\
        real_server 198.51.100.${N} 80 { \\
            weight 1 \\
            TCP_CHECK { \\
                connect_timeout 3 \\
            } \\
        }
        @main global_defs { router_id main }
        virtual_server_group G {
            ~SEQ(i, 1, 3) 192.0.2.${i} 80
        }
        virtual_server $VIP 80 {
            lb_algo rr
            ~LST(N, 1, 2) $RS
        }
        """,
        """
        vrrp_script chk { script "/bin/true 'a b'" # comment
          interval 2 }
        vrrp_instance VI_1 { state BACKUP
          interface lo
          virtual_router_id 51 priority 100
          virtual_ipaddress { 192.0.2.1/24 dev lo }
          track_script { chk }
        }
        include sub/a.conf
        """,
    };

    @TempDir
    Path dir;

    @Test
    void mutatedConfigurationsLoadToAModelOrDiagnosticsNeverAnExceptionNeverAHang() throws Exception {
        List<byte[]> seeds = seeds();
        assertThat(seeds).hasSizeGreaterThanOrEqualTo(5);
        Files.createDirectories(dir.resolve("sub"));
        Files.writeString(dir.resolve("sub/a.conf"), "global_defs {\n  router_id sub_a\n}\n");
        Files.writeString(dir.resolve("sub/b.conf"), "vrrp_script s {\n  script /bin/true\n}\n}\n");
        Path file = dir.resolve("fuzz.conf");
        Random random = new Random(SEED);
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fuzz-case");
            t.setDaemon(true); // a hung case must not keep the test JVM alive
            return t;
        });
        long start = System.nanoTime();
        int cases = 0;
        int withModel = 0;
        try {
            while (cases < MAX_CASES && System.nanoTime() - start < BUDGET_NANOS) {
                byte[] seed = seeds.get(random.nextInt(seeds.size()));
                byte[] mutated = mutate(seed, seeds, random);
                Files.write(file, mutated);
                Future<LoadResult> future = executor.submit(() -> ConfigLoader.load(file, new LoadOptions("main", false)));
                LoadResult result;
                try {
                    result = future.get(CASE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    future.cancel(true);
                    fail("case %d did not finish in %d s:%n%s", cases, CASE_TIMEOUT_SECONDS, show(mutated));
                    return;
                } catch (ExecutionException e) {
                    throw new AssertionError("case " + cases + " threw:\n" + show(mutated), e.getCause());
                }
                cases++;
                assertThat(result).isNotNull();
                assertThat(result.diagnostics()).as("case %d:%n%s", cases, show(mutated))
                        .allSatisfy(d -> {
                            assertThat(d.message()).isNotBlank().doesNotStartWith("internal error");
                            assertThat(d.severity()).isNotNull();
                        });
                if (result.config() == null) {
                    assertThat(result.hasFatal()).as("no model without a FATAL diagnostic, case %d:%n%s", cases, show(mutated))
                            .isTrue();
                } else {
                    withModel++;
                }
            }
        } finally {
            executor.shutdownNow();
        }
        System.out.printf("fuzz: %d cases in %d ms, %d gave a model%n", cases, (System.nanoTime() - start) / 1_000_000, withModel);
        // the bound must not make the test vacuous
        assertThat(cases).as("cases run").isGreaterThanOrEqualTo(200);
        assertThat(withModel).as("cases that still gave a model").isGreaterThan(0);
    }

    private static String show(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private List<byte[]> seeds() throws IOException, URISyntaxException {
        List<byte[]> seeds = new ArrayList<>();
        Path dir = Path.of(FuzzTest.class.getResource("/seeds").toURI());
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                if (f.toString().endsWith(".conf")) seeds.add(Files.readAllBytes(f));
            }
        }
        for (String text : TEXT_SEEDS) seeds.add(text.getBytes(StandardCharsets.UTF_8));
        return seeds;
    }

    private static byte[] mutate(byte[] seed, List<byte[]> seeds, Random random) {
        byte[] b = seed;
        int mutations = 1 + random.nextInt(4);
        for (int m = 0; m < mutations; m++) {
            b = switch (random.nextInt(3)) {
                case 0 -> mutateBytes(b, random);
                case 1 -> mutateTokens(b, random);
                default -> mutateLines(b, seeds, random);
            };
        }
        return b;
    }

    private static byte[] mutateBytes(byte[] b, Random random) {
        if (b.length == 0) return new byte[] {(byte) random.nextInt(256)};
        byte[] special = "{}\"'!#$@~\\\n\r\t ".getBytes(StandardCharsets.US_ASCII);
        int pos = random.nextInt(b.length);
        byte value = random.nextBoolean() ? special[random.nextInt(special.length)] : (byte) random.nextInt(256);
        return switch (random.nextInt(3)) {
            case 0 -> { // replace
                byte[] c = b.clone();
                c[pos] = value;
                yield c;
            }
            case 1 -> { // insert
                byte[] c = new byte[b.length + 1];
                System.arraycopy(b, 0, c, 0, pos);
                c[pos] = value;
                System.arraycopy(b, pos, c, pos + 1, b.length - pos);
                yield c;
            }
            default -> { // delete
                byte[] c = new byte[b.length - 1];
                System.arraycopy(b, 0, c, 0, pos);
                System.arraycopy(b, pos + 1, c, pos, b.length - pos - 1);
                yield c;
            }
        };
    }

    private static byte[] mutateTokens(byte[] b, Random random) {
        String text = new String(b, StandardCharsets.UTF_8);
        String[] words = text.split("(?<=\\s)|(?=\\s)"); // words and the blanks between them
        if (words.length == 0) return (TOKENS[random.nextInt(TOKENS.length)] + "\n").getBytes(StandardCharsets.UTF_8);
        int pos = random.nextInt(words.length);
        String token = TOKENS[random.nextInt(TOKENS.length)];
        switch (random.nextInt(3)) {
            case 0 -> words[pos] = token;
            case 1 -> words[pos] = words[pos] + " " + token;
            default -> words[pos] = "";
        }
        return String.join("", words).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] mutateLines(byte[] b, List<byte[]> seeds, Random random) {
        List<String> lines = new ArrayList<>(List.of(new String(b, StandardCharsets.UTF_8).split("\n", -1)));
        int pos = random.nextInt(lines.size());
        switch (random.nextInt(5)) {
            case 0 -> lines.remove(pos);
            case 1 -> lines.add(pos, lines.get(random.nextInt(lines.size())));
            case 2 -> { // a line from another seed
                String[] other = new String(seeds.get(random.nextInt(seeds.size())), StandardCharsets.UTF_8).split("\n");
                lines.add(pos, other[random.nextInt(other.length)]);
            }
            case 3 -> { // swap
                int other = random.nextInt(lines.size());
                String t = lines.get(pos);
                lines.set(pos, lines.get(other));
                lines.set(other, t);
            }
            default -> { // repeat a line
                String line = lines.get(pos);
                for (int i = 0, n = random.nextInt(50); i < n; i++) lines.add(pos, line);
            }
        }
        return String.join("\n", lines).getBytes(StandardCharsets.UTF_8);
    }
}
