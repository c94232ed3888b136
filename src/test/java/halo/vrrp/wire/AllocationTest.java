package halo.vrrp.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * Encode + validate + read per advert allocates nothing once warmed up: measured with the thread's allocated-bytes
 * counter over 100,000 adverts (v3 IPv4, v2 IPv4 with AH, v3 IPv6). The figure per advert is printed by
 * bench/vrrp-codec as well.
 */
class AllocationTest {
    @Test
    void decodeValidateEncodeAllocateNothingPerAdvertInSteadyState() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertThat(threads.isThreadAllocatedMemorySupported()).isTrue();
        threads.setThreadAllocatedMemoryEnabled(true);
        try (CodecWorkload workload = new CodecWorkload()) {
            // Warm up until the JIT has compiled the loop (bounded: at most 20 rounds).
            long perRound = Long.MAX_VALUE;
            int adverts = 100_000;
            int round = 0;
            for (; round < 20 && perRound != 0; round++) {
                workload.run(50_000);
                long before = threads.getCurrentThreadAllocatedBytes();
                int accepted = workload.run(adverts);
                long after = threads.getCurrentThreadAllocatedBytes();
                assertThat(accepted).isEqualTo(adverts);
                perRound = after - before;
            }
            System.out.printf("AllocationTest: %d bytes for %d adverts after %d warm-up rounds%n", perRound, adverts, round);
            assertThat(perRound).as("bytes allocated by %d adverts after warm-up", adverts).isZero();
            assertThat(workload.receivedAdverts()).isGreaterThanOrEqualTo(150_000);
        }
    }
}
