package halo.config;

import static org.assertj.core.api.Assertions.assertThat;

import halo.config.KeywordStates.State;
import halo.config.source.SourceLocation;
import halo.config.source.Statement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The README's table of keepalived 2.2.7's keywords and what Halo does with each is made from Halo's own keyword
 * tables (see {@link KeywordStates}) and must be what they say today. {@code -Dhalo.writeReadme=true} rewrites it.
 */
class KeywordTableReadmeTest {

    static final Path README = Path.of("README.md");
    static final String BEGIN = "<!-- keyword table: made by KeywordTableReadmeTest, do not edit -->";
    static final String END = "<!-- end of keyword table -->";

    /** Halo's own keywords (keepalived 2.2.7 would call them unknown): the proxy data plane's settings. */
    static final List<String> HALO_EXTENSIONS = List.of("global_defs/lvs_dataplane", "global_defs/metrics_listen", "virtual_server/proxy_protocol",
            "virtual_server/proxy_transparent", "virtual_server/proxy_max_connections");

    @Test
    void everyKeepalivedKeywordIsKnownToHalo() {
        Map<String, State> states = KeywordStates.states();
        assertThat(states).hasSizeGreaterThan(450);
        assertThat(states.entrySet().stream().filter(e -> e.getValue() == State.UNKNOWN).map(Map.Entry::getKey))
                .as("keepalived 2.2.7 keywords Halo calls unknown").isEmpty();
    }

    @Test
    void haloKnowsNoOtherKeywordThanKeepalivedsAndItsDeclaredExtensions() {
        List<String> keepalived = KeywordStates.keepalivedKeywords();
        List<String> extra = haloKeywords().stream().filter(k -> !keepalived.contains(k))
                .filter(k -> !HALO_EXTENSIONS.contains(k)).toList();
        assertThat(extra).as("keywords Halo accepts that keepalived 2.2.7 calls unknown").isEmpty();
        assertThat(haloKeywords()).containsAll(HALO_EXTENSIONS);
    }

    @Test
    void readmeTableIsWhatTheKeywordTablesSay() throws Exception {
        String table = table(KeywordStates.states());
        String readme = Files.readString(README);
        int begin = readme.indexOf(BEGIN);
        int end = readme.indexOf(END);
        assertThat(begin).as("README has the keyword table's markers").isNotNegative();
        assertThat(end).isGreaterThan(begin);
        String now = readme.substring(begin + BEGIN.length(), end);
        if (Boolean.getBoolean("halo.writeReadme")) {
            Files.writeString(README, readme.substring(0, begin + BEGIN.length()) + table + readme.substring(end));
            return;
        }
        assertThat(now).as("README's keyword table (regenerate: mvn test -Dtest=KeywordTableReadmeTest"
                + " -Dhalo.writeReadme=true)").isEqualTo(table);
    }

    /** One row per block: the keywords Halo acts on, warns about, refuses. */
    static String table(Map<String, State> states) {
        Map<String, Map<State, List<String>>> byBlock = new LinkedHashMap<>();
        for (var e : states.entrySet()) {
            String path = e.getKey();
            int slash = path.lastIndexOf('/');
            String block = slash < 0 ? "(top level)" : path.substring(0, slash);
            byBlock.computeIfAbsent(block, b -> new LinkedHashMap<>())
                    .computeIfAbsent(e.getValue(), s -> new ArrayList<>()).add(path.substring(slash + 1));
        }
        long acts = states.values().stream().filter(s -> s == State.ACTS).count();
        long warns = states.values().stream().filter(s -> s == State.WARNS).count();
        long refuses = states.values().stream().filter(s -> s == State.REFUSES).count();
        StringBuilder out = new StringBuilder("\n");
        out.append(states.size()).append(" keywords (").append(acts).append(" acts, ").append(warns)
                .append(" warns, ").append(refuses).append(" refuses).\n\n");
        out.append("| block | acts | warns: accepted but not used by Halo (`halo check` exits 5, `--strict` refuses) |"
                + " refuses |\n|---|---|---|---|\n");
        for (var e : byBlock.entrySet()) {
            out.append("| `").append(e.getKey()).append("` | ")
                    .append(cell(e.getValue().get(State.ACTS))).append(" | ")
                    .append(cell(e.getValue().get(State.WARNS))).append(" | ")
                    .append(cell(e.getValue().get(State.REFUSES))).append(" |\n");
        }
        out.append("\nHalo's own keywords (keepalived 2.2.7 calls them unknown): ");
        out.append(String.join(", ", HALO_EXTENSIONS.stream().map(k -> "`" + k + "`").toList())).append(".\n");
        return out.toString();
    }

    private static String cell(List<String> keywords) {
        if (keywords == null) {
            return "";
        }
        return String.join(", ", keywords.stream().map(k -> "`" + k + "`").toList());
    }

    /** Every keyword path in Halo's keyword tables, walked from the top level through each block's opener. */
    static TreeSet<String> haloKeywords() {
        ConfigParser parser = new ConfigParser(new LoadOptions("test", false), new ArrayList<>());
        TreeSet<String> out = new TreeSet<>();
        walk(parser.topLevel, "", out, 0);
        return out;
    }

    private static void walk(ParseContext context, String prefix, TreeSet<String> out, int depth) {
        for (var e : context.keywords().entrySet()) {
            String path = prefix + e.getKey();
            out.add(path);
            KeywordHandler h = e.getValue();
            if (h instanceof KeywordHandler.Unused unused) {
                h = unused.inner();
            }
            if (h instanceof KeywordHandler.Block block && depth < 6) {
                List<String> words = Arrays.asList(KeywordStates.header(e.getKey()).split(" "));
                if (words.size() == 1 && !e.getKey().equals(words.getFirst())) {
                    words = List.of(e.getKey());
                }
                Statement s = new Statement(new SourceLocation(Path.of("probe.conf"), 1), words, List.of());
                ParseContext child = block.opener().apply(context, s);
                if (child != null) {
                    walk(child, path + "/", out, depth + 1);
                }
            }
        }
    }
}
