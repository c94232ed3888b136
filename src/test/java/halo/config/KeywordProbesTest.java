package halo.config;

import static org.assertj.core.api.Assertions.assertThat;

import halo.config.source.Diagnostic;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every keepalived 2.2.7 keyword alone in its block, with a value and without one: whatever Halo says about it names
 * the file and line, and never prints Java's {@code null}.
 */
class KeywordProbesTest {

    @Test
    void everyMessageHasFileAndLineAndNoNull(@TempDir Path dir) throws Exception {
        List<String> paths = KeywordStates.keepalivedKeywords();
        Set<String> blocks = KeywordStates.blocks(paths);
        List<String> bad = new ArrayList<>();
        int n = 0;
        for (String p : paths) {
            String with = KeywordStates.probe(p, blocks);
            for (String text : List.of(with, with.replace(" 1\n", "\n"))) {
                Path f = dir.resolve("p" + (n++) + ".conf");
                Files.writeString(f, text);
                LoadResult r = ConfigLoader.load(f, new LoadOptions("test", false));
                for (Diagnostic d : r.diagnostics()) {
                    if (d.location() == null || d.toString().contains("null")) {
                        bad.add(p + ": " + d);
                    }
                }
            }
        }
        assertThat(bad).isEmpty();
    }
}
