package halo.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import halo.config.Addresses;
import halo.lvs.Action;
import halo.lvs.DataPlane;
import halo.lvs.DataPlaneException;
import halo.lvs.DataPlaneKind;
import halo.lvs.IpvsService;
import halo.lvs.IpvsSnapshot;
import halo.lvs.IpvsTimeouts;
import halo.lvs.PlaneCounters;
import halo.lvs.Protocol;
import halo.lvs.SchedulingMethod;
import halo.lvs.ServiceKey;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DataPlaneSyncTest {

    /** A plane that records what it is asked and fails while told to. */
    static final class RecordingPlane implements DataPlane {
        final List<String> calls = new ArrayList<>();
        int failuresLeft;
        long generation;

        @Override
        public DataPlaneKind kind() {
            return DataPlaneKind.PROXY;
        }

        @Override
        public void apply(long generation, List<Action.TableChange> changes) throws DataPlaneException {
            calls.add("apply " + generation + " " + changes.size());
            fail();
            this.generation = generation;
        }

        @Override
        public void resync(long generation, IpvsSnapshot snapshot) throws DataPlaneException {
            calls.add("resync " + generation + " " + snapshot.services().size());
            fail();
            this.generation = generation;
        }

        private void fail() throws DataPlaneException {
            if (failuresLeft > 0) {
                failuresLeft--;
                throw new DataPlaneException(List.of("cannot listen on 192.0.2.10:80: Address already in use"));
            }
        }

        @Override
        public long generation() {
            return generation;
        }

        @Override
        public PlaneCounters counters() {
            return PlaneCounters.NONE;
        }

        @Override
        public void zeroCounters(ServiceKey service) {}

        @Override
        public IpvsTimeouts timeouts() {
            return IpvsTimeouts.DEFAULT;
        }

        @Override
        public void timeouts(IpvsTimeouts timeouts) {}

        @Override
        public String connectionListing(boolean numeric, boolean persistentConn) {
            return "";
        }

        @Override
        public void close() {}
    }

    private final List<String> lines = new ArrayList<>();
    private final DaemonLog log = new DaemonLog(Clock.systemUTC(), null, lines::add, false);
    private final IpvsService web = IpvsService.of(new ServiceKey.Inet(Addresses.parse("192.0.2.10"), 80,
            Protocol.TCP), SchedulingMethod.RR, Set.of(), null);
    private final IpvsSnapshot table = new IpvsSnapshot(List.of(web));
    private final RecordingPlane plane = new RecordingPlane();
    private final DataPlaneSync sync = new DataPlaneSync(plane, () -> table, log);

    @Test
    void eachEventIsOneBatchWithTheNextGeneration() {
        sync.apply(List.of(new Action.AddService(web)));
        sync.apply(List.of());
        sync.apply(List.of(new Action.EditService(web), new Action.EditService(web)));
        assertThat(plane.calls).containsExactly("apply 1 1", "apply 2 2");
        assertThat(plane.generation()).isEqualTo(2);
        assertThat(sync.inSync()).isTrue();
        assertThat(lines).isEmpty();
    }

    @Test
    void aFailedBatchIsLoggedAndTheTableResynced() {
        plane.failuresLeft = 1;
        sync.apply(List.of(new Action.AddService(web)));
        assertThat(plane.calls).containsExactly("apply 1 1", "resync 1 1");
        assertThat(sync.inSync()).isTrue();
        assertThat(lines).singleElement().asString().contains("LVS data plane proxy: applying generation 1 failed:"
                + " cannot listen on 192.0.2.10:80: Address already in use - resyncing from the table");
    }

    @Test
    void aFailedResyncIsRetriedLoggedOnceAndItsRecoverySaid() {
        plane.failuresLeft = 4; // the batch, its resync, two retries
        sync.apply(List.of(new Action.AddService(web)));
        sync.retry();
        sync.retry();
        assertThat(sync.inSync()).isFalse();
        // while out of sync a new batch is not applied on top of a plane that is behind: the table replaces it
        sync.apply(List.of(new Action.EditService(web)));
        sync.retry();
        assertThat(plane.calls).containsExactly("apply 1 1", "resync 1 1", "resync 1 1", "resync 1 1", "resync 2 1");
        assertThat(sync.inSync()).isTrue();
        assertThat(plane.generation()).isEqualTo(2);
        assertThat(lines).hasSize(3);
        assertThat(lines.get(1)).contains("resync of generation 1 failed").contains("retrying");
        assertThat(lines.get(2)).contains("LVS data plane proxy: in sync with the table again (generation 2)");
    }
}
