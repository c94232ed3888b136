package halo.vrrp.wire;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The workload bench/vrrp-codec and bench/alloc measure: every advert it encodes is validated and accepted. */
class CodecWorkloadTest {

    @Test
    void everyAdvertOfEveryKindIsAcceptedAndCounted() {
        try (CodecWorkload workload = new CodecWorkload()) {
            assertThat(workload.run(3_000)).isEqualTo(3_000);
            for (CodecWorkload.Mix mix : CodecWorkload.Mix.values()) {
                assertThat(workload.run(1_000, mix)).as("%s", mix).isEqualTo(1_000);
            }
            assertThat(workload.receivedAdverts()).isEqualTo(7_000);
            assertThat(workload.resultChecksum()).isPositive();
        }
    }
}
