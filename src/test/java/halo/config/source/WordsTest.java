package halo.config.source;

import static org.assertj.core.api.Assertions.assertThat;

import halo.testing.Property;
import java.util.List;
import org.junit.jupiter.api.Test;

/** keepalived's two word splitters (alloc_strvec and alloc_strvec_quoted_escaped). */
class WordsTest {

    @Test
    void splitKnowsOnlyDoubleQuotes() {
        assertThat(Words.split("  a\t\"b c\"d 'e f' \\t ").words()).containsExactly("a", "b c", "d", "'e", "f'", "\\t");
        assertThat(Words.split("x \"open").words()).containsExactly("x");
        assertThat(Words.split("x \"open").error()).isEqualTo("Unmatched quote: 'x \"open'");
    }

    @Test
    void quotedEscapedGroupsBothQuotesAndAppliesEscapes() {
        assertThat(Words.splitQuotedEscaped("/bin/x 'arg with space' \"q'q\" a\"b c\"d").words())
                .containsExactly("/bin/x", "arg with space", "q'q", "ab cd");
        assertThat(Words.splitQuotedEscaped("\\a\\b\\E\\f\\n\\r\\t\\v").words())
                .containsExactly("\u0007\b\u001b\f\n\r\t\u000b");
        assertThat(Words.splitQuotedEscaped("\\101\\x42\\x4a\\cA\\\\ \\\"x\\\" \\q").words())
                .containsExactly("ABJ\u0001\\", "\"x\"", "q");
        assertThat(Words.splitQuotedEscaped("a\\ b").words()).containsExactly("a b");
    }

    @Test
    void quotedEscapedReportsWhatIsMissing() {
        assertThat(Words.splitQuotedEscaped("a 'b").error()).isEqualTo("String 'a 'b': missing terminating '");
        assertThat(Words.splitQuotedEscaped("a \\").error()).isEqualTo("Missing escape char at end: 'a \\'");
        assertThat(Words.splitQuotedEscaped("a 'b").words()).isEmpty();
    }

    @Test
    void joinedWordsSplitBackToTheSameWords() {
        Property.forAll(300, g -> g.listOf(1, 6, x -> x.anyString(0, 8)), raw -> {
            List<String> words = raw.stream().map(w -> w.replace("\"", "")).toList();
            assertThat(Words.split(Words.join(words)).words()).isEqualTo(words);
        });
    }
}
