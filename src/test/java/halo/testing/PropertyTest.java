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
    void edgesAndRangesAreRespected() {
        Property.forAll(2000, g -> g.intWithEdges(-3, 7), x -> assertThat(x).isBetween(-3, 7));
    }
}
