package halo.vrrp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The scenario bench/alloc measures does what it says; what it allocates is the benchmark's to print. */
class SteadyStateTest {

    @Test
    void theHighestPriorityBecomesMasterAndAdvertisesEvery10msWhileTheOthersStayBackup() {
        SteadyStateScenario s = new SteadyStateScenario();
        boolean[] marked = new boolean[1];
        s.run(() -> marked[0] = true);
        assertThat(marked[0]).isTrue();
        assertThat(s.master.state()).isEqualTo(VrrpState.MASTER);
        assertThat(s.backup1.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(s.backup2.state()).isEqualTo(VrrpState.BACKUP);
        // 120 s at 10 ms is 12,000 adverts; the election and the 2,000 warm-up events take some of them
        assertThat(s.steadyAdverts).isBetween(9_000L, 12_000L);
    }
}
