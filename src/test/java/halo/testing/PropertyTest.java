package halo.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PropertyTest {

    @Test
    void aFalsePropertyFailsNamingTheSeedThatReplaysIt() {
        assertThatThrownBy(() -> Property.forAll(1000, g -> g.intBetween(0, 100), x -> assertThat(x).isLessThan(90)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("replay with -Dhalo.seed=");
    }

    @Test
    void theSameSeedGivesTheSameValues() {
        assertThat(new Gen(42).listOf(5, 5, g -> g.intBetween(0, 1_000_000)))
                .isEqualTo(new Gen(42).listOf(5, 5, g -> g.intBetween(0, 1_000_000)));
    }

    @Test
    void anyStringReachesWhitespaceQuotesAndFarUnicode() {
        Gen g = new Gen(7);
        String all = String.join("", g.listOf(200, 200, x -> x.anyString(0, 8)));
        assertThat(all).contains(" ", "\t", "\"", "{");
        assertThat(all.chars().filter(c -> c > 0x3000)).isNotEmpty();
        assertThat(all.length()).isBetween(400, 1400);
    }

    @Test
    void edgesAndRangesAreRespected() {
        Property.forAll(2000, g -> g.intWithEdges(-3, 7), x -> assertThat(x).isBetween(-3, 7));
    }

    @Test
    void rangesWiderThanLongMaxValueAreDrawnWithin() {
        Property.forAll(2000, g -> new long[] {g.longBetween(0, Long.MAX_VALUE), g.longBetween(-5, Long.MAX_VALUE),
                g.longBetween(Long.MIN_VALUE, Long.MAX_VALUE)}, x -> {
            assertThat(x[0]).isNotNegative();
            assertThat(x[1]).isGreaterThanOrEqualTo(-5);
        });
    }
}
