package halo.config.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The reader's fast path for plain lines must cut them exactly as keepalived's full read_line path does. */
class FastPathTest {

    @Property(tries = 400)
    void theFastPathGivesTheSameTreeTextsAndDiagnosticsAsTheFullPath(@ForAll("configs") String text) {
        ConfigReader.Options options = Reading.options("main");
        ConfigReader.Result fast = ConfigReader.read(text, Path.of("t.conf"), options, true);
        ConfigReader.Result full = ConfigReader.read(text, Path.of("t.conf"), options, false);
        assertThat(fast.statements()).isEqualTo(full.statements());
        assertThat(fast.diagnostics()).isEqualTo(full.diagnostics());
    }

    @Provide
    Arbitrary<String> configs() {
        Arbitrary<String> piece = Arbitraries.of("virtual_server", "192.0.2.1", "80", "{", "}", " ", "  ", "\t", "#c", "!",
                "\"q w\"", "$V", "${V}", "$V=7", "@main", "@^main", "~SEQ(i,1,2)", "x$i", "include", "\\", "\\#", "中文",
                "\r", "\f", "weight", "1", "TCP_CHECK");
        Arbitrary<String> line = piece.list().ofMinSize(0).ofMaxSize(6).map(l -> String.join("", interleave(l)));
        return line.list().ofMinSize(1).ofMaxSize(12).map(lines -> String.join("\n", lines) + "\n");
    }

    private static List<String> interleave(List<String> pieces) {
        return pieces.stream().map(p -> p + (p.hashCode() % 3 == 0 ? "" : " ")).toList();
    }

    @org.junit.jupiter.api.Test
    void plainLinesWithBraces() {
        String text = "virtual_server 192.0.2.1 80 {\n  real_server 192.0.2.2 80{\n weight 1\n  }\n}\n\n  \t \n}\n";
        ConfigReader.Options options = Reading.options("main");
        ConfigReader.Result fast = ConfigReader.read(text, Path.of("t.conf"), options, true);
        assertThat(fast.statements()).isEqualTo(ConfigReader.read(text, Path.of("t.conf"), options, false).statements());
        assertThat(Reading.render(fast)).containsExactly(
                "virtual_server 192.0.2.1 80 {", "  real_server 192.0.2.2 80 {", "    weight 1", "  }", "}");
    }
}
