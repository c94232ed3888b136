package halo.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The property checker itself: it must flag each broken rule (a checker that cannot fail proves nothing). */
class LanPropertiesTest {
    static final long MS = 1_000_000L;
    static final long MDI = 3_609 * MS;

    static final LanProperties PROPS = new LanProperties(List.of(
            new LanProperties.Member("node1", "VI_1", 150, 1, false, MDI),
            new LanProperties.Member("node2", "VI_1", 100, 2, false, MDI)), 1_000 * MS, MS);

    static Transition t(long ms, String node, String from, String to) {
        return new Transition(ms * MS, node, "VI_1", from, to, "test");
    }

    static FaultSchedule healAt(long ms, ScriptedEvent... more) {
        List<ScriptedEvent> events = new java.util.ArrayList<>(List.of(more));
        events.add(new ScriptedEvent(ms * MS, ScriptedEvent.Kind.HEAL, List.of()));
        return new FaultSchedule(events, ms * MS);
    }

    @Test
    void aGoodRunPasses() {
        List<Transition> run = List.of(t(0, "node1", "INIT", "BACKUP"), t(0, "node2", "INIT", "BACKUP"),
                t(3414, "node1", "BACKUP", "MASTER"));
        assertThat(PROPS.check(run, healAt(0), 20_000 * MS)).isEmpty();
    }

    @Test
    void flagsTwoMastersTooLongWhileWhole() {
        List<Transition> run = List.of(t(0, "node1", "INIT", "BACKUP"), t(0, "node2", "INIT", "BACKUP"),
                t(3414, "node1", "BACKUP", "MASTER"), t(3609, "node2", "BACKUP", "MASTER"),
                t(6000, "node2", "MASTER", "BACKUP"));
        assertThat(PROPS.check(run, healAt(0), 20_000 * MS)).anyMatch(v -> v.startsWith("two masters from 3609"));
    }

    @Test
    void flagsNoMasterTooLongWhileANodeIsUp() {
        List<Transition> run = List.of(t(0, "node1", "INIT", "BACKUP"), t(0, "node2", "INIT", "BACKUP"),
                t(5000, "node1", "BACKUP", "MASTER"));
        assertThat(PROPS.check(run, healAt(0), 20_000 * MS)).anyMatch(v -> v.startsWith("no master from 0 to 5000"));
    }

    @Test
    void flagsTheWrongMasterAfterSettling() {
        List<Transition> run = List.of(t(0, "node1", "INIT", "BACKUP"), t(0, "node2", "INIT", "BACKUP"),
                t(3609, "node2", "BACKUP", "MASTER"));
        assertThat(PROPS.check(run, healAt(0), 20_000 * MS))
                .anyMatch(v -> v.contains("masters are [node2], the rules say one of [node1]"));
    }

    @Test
    void flagsFlappingAfterSettling() {
        List<Transition> run = List.of(t(0, "node1", "INIT", "BACKUP"), t(0, "node2", "INIT", "BACKUP"),
                t(3414, "node1", "BACKUP", "MASTER"), t(15_000, "node1", "MASTER", "BACKUP"),
                t(15_000, "node2", "BACKUP", "MASTER"), t(15_001, "node2", "MASTER", "BACKUP"),
                t(15_001, "node1", "BACKUP", "MASTER"));
        assertThat(PROPS.check(run, healAt(0), 20_000 * MS)).anyMatch(v -> v.startsWith("transition after settling"));
    }

    @Test
    void aPartitionExcusesSplitBrainUntilTheHeal() {
        ScriptedEvent cut = new ScriptedEvent(5_000 * MS, ScriptedEvent.Kind.PARTITION, List.of("node1"));
        List<Transition> run = List.of(t(0, "node1", "INIT", "BACKUP"), t(0, "node2", "INIT", "BACKUP"),
                t(3414, "node1", "BACKUP", "MASTER"), t(8000, "node2", "BACKUP", "MASTER"),
                t(10_500, "node2", "MASTER", "BACKUP"));
        assertThat(PROPS.check(run, healAt(10_000, cut), 30_000 * MS)).isEmpty();
    }
}
