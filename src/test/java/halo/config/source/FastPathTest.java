package halo.config.source;

import static org.assertj.core.api.Assertions.assertThat;

import halo.testing.Gen;
import halo.testing.Property;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The reader's fast path for plain lines must cut them exactly as keepalived's full read_line path does. */
class FastPathTest {

    @Test
    void theFastPathGivesTheSameTreeTextsAndDiagnosticsAsTheFullPath() {
        Property.forAll(400, FastPathTest::config, FastPathTest::bothPathsAgree);
    }

    /** The property found this: a parameter that names itself after a brace kept the reader cutting lines forever. */
    @Test
    void aParameterThatRefersToItselfAfterABraceEndsSayingSo() {
        for (String text : List.of("$V=7 } $V\n$V\n", "$V=7 {$V\n$V\n")) {
            ConfigReader.Result full = bothPathsAgree(text);
            assertThat(full.diagnostics()).as(text).anyMatch(d -> d.message().contains("does not end"));
        }
    }

    private static ConfigReader.Result bothPathsAgree(String text) {
        ConfigReader.Options options = Reading.options("main");
        ConfigReader.Result fast = ConfigReader.read(text, Path.of("t.conf"), options, true);
        ConfigReader.Result full = ConfigReader.read(text, Path.of("t.conf"), options, false);
        assertThat(fast.statements()).isEqualTo(full.statements());
        assertThat(fast.diagnostics()).isEqualTo(full.diagnostics());
        return full;
    }

    private static final List<String> PIECES = List.of("virtual_server", "192.0.2.1", "80", "{", "}", " ", "  ", "\t",
            "#c", "!", "\"q w\"", "$V", "${V}", "$V=7", "@main", "@^main", "~SEQ(i,1,2)", "x$i", "include", "\\", "\\#",
            "中文", "\r", "\f", "weight", "1", "TCP_CHECK");

    /** 1 to 12 lines, each 0 to 6 pieces. */
    static String config(Gen g) {
        List<String> lines = g.listOf(1, 12, x -> String.join("", interleave(x.listOf(0, 6, y -> y.oneOf(PIECES)))));
        return String.join("\n", lines) + "\n";
    }

    private static List<String> interleave(List<String> pieces) {
        return pieces.stream().map(p -> p + (p.hashCode() % 3 == 0 ? "" : " ")).toList();
    }

    @Test
    void plainLinesWithBraces() {
        String text = "virtual_server 192.0.2.1 80 {\n  real_server 192.0.2.2 80{\n weight 1\n  }\n}\n\n  \t \n}\n";
        ConfigReader.Options options = Reading.options("main");
        ConfigReader.Result fast = ConfigReader.read(text, Path.of("t.conf"), options, true);
        assertThat(fast.statements()).isEqualTo(ConfigReader.read(text, Path.of("t.conf"), options, false).statements());
        assertThat(Reading.render(fast)).containsExactly(
                "virtual_server 192.0.2.1 80 {", "  real_server 192.0.2.2 80 {", "    weight 1", "  }", "}");
    }
}
