package halo.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutated seed configurations (lines dropped, duplicated, swapped, words replaced, braces removed or added): the
 * loader returns a model or diagnostics and never fails inside (an internal error would be reported as one).
 */
class FuzzTest {

    static final String[] WORDS = {"{", "}", "0", "-1", "256", "999999999999", "1.5", "x", "\"", "fwmark", "group",
            "TCP_CHECK", "weight", "state", "MASTER", "192.0.2.300", "2001:db8::1", "/", "!", "vrrp_instance", ""};

    @Test
    void mutatedSeedsNeverBreakTheLoader(@TempDir Path dir) throws Exception {
        List<Path> seeds;
        try (var files = Files.list(Path.of("src/test/resources/seeds"))) {
            seeds = files.sorted().toList();
        }
        Random random = new Random(20261123);
        long deadline = System.nanoTime() + 20_000_000_000L; // bounded in time as well as in count
        int runs = 0;
        for (int i = 0; i < 600 && System.nanoTime() < deadline; i++) {
            List<String> lines = new ArrayList<>(Files.readAllLines(seeds.get(random.nextInt(seeds.size()))));
            for (int m = 0, n = 1 + random.nextInt(6); m < n && !lines.isEmpty(); m++) {
                int at = random.nextInt(lines.size());
                switch (random.nextInt(6)) {
                    case 0 -> lines.remove(at);
                    case 1 -> lines.add(at, lines.get(random.nextInt(lines.size())));
                    case 2 -> java.util.Collections.swap(lines, at, random.nextInt(lines.size()));
                    case 3 -> {
                        String[] words = lines.get(at).trim().split("\\s+");
                        words[random.nextInt(words.length)] = WORDS[random.nextInt(WORDS.length)];
                        lines.set(at, String.join(" ", words));
                    }
                    case 4 -> lines.set(at, lines.get(at).replace("{", "").replace("}", ""));
                    default -> lines.add(at, WORDS[random.nextInt(WORDS.length)]);
                }
            }
            Path f = dir.resolve("fuzz" + i + ".conf");
            Files.write(f, lines, StandardCharsets.UTF_8);
            LoadResult r = ConfigLoader.load(f, new LoadOptions("test", random.nextBoolean()));
            assertThat(r.diagnostics()).as(String.join("\n", lines))
                    .noneMatch(d -> d.message().startsWith("internal error while interpreting"));
            assertThat(r.config() != null || r.hasFatal()).isTrue();
            if (r.config() != null) {
                // whatever was accepted can be written out
                assertThat(ConfigWriter.write(r.config())).isNotEmpty();
            }
            runs++;
        }
        assertThat(runs).isGreaterThan(50);
    }
}
