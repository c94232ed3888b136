package halo.vrrp;

import java.time.Duration;
import java.util.List;

/**
 * A master and two backups (VRRPv3, 10 ms adverts) for 120 virtual seconds, adverts handed straight between them:
 * election, then steady state. {@link SteadyStateTest} checks what it does; bench/alloc
 * ({@link MachineAllocationBench}) measures what its steady state allocates.
 */
final class SteadyStateScenario {

    /** A sink that only counts and delivers: the daemon's real sink encodes into a reused buffer. */
    static final class Counting implements VrrpActions {
        InstanceMachine[] peers = new InstanceMachine[0];
        long now;
        long adverts;

        @Override
        public void sendAdvert(InstanceMachine instance, int priority) {
            adverts++;
            for (InstanceMachine p : peers) {
                if (p != instance) {
                    p.onAdvert(now, priority, instance.advertIntervalOnWire(), instance.sourceAddress());
                }
            }
        }

        @Override public void addVirtualAddresses(InstanceMachine instance) {}
        @Override public void removeVirtualAddresses(InstanceMachine instance) {}
        @Override public void sendGratuitousArps(InstanceMachine instance, int repeat) {}
        @Override public void runScript(String command, List<String> extraArgs, boolean stop) {}
        @Override public void writeFifo(String line) {}
        @Override public void log(String line) {}
    }

    /** Called once, at the first steady-state event (after {@link #WARMUP_EVENTS}). */
    interface Mark {
        void steadyStateStarts();
    }

    static final int WARMUP_EVENTS = 2_000;

    final Counting sink = new Counting();
    final InstanceMachine master;
    final InstanceMachine backup1;
    final InstanceMachine backup2;
    /** Adverts sent from the first steady-state event to the end. */
    long steadyAdverts;

    SteadyStateScenario() {
        InstanceSpec.Builder b = InstanceSpec.builder("VI_1", 51).version(3).advertInterval(Duration.ofMillis(10))
                .virtualIpAddress("192.0.2.100").garpMasterRefresh(Duration.ofSeconds(1)).garpMasterRefreshRepeat(1);
        master = new InstanceMachine(b.priority(200).sourceAddress("192.0.2.1").build(), sink);
        backup1 = new InstanceMachine(b.priority(100).sourceAddress("192.0.2.2").build(), sink);
        backup2 = new InstanceMachine(b.priority(90).sourceAddress("192.0.2.3").build(), sink);
        sink.peers = new InstanceMachine[] {master, backup1, backup2};
    }

    /** Runs the 120 virtual seconds, calling {@code mark} when steady state starts. */
    void run(Mark mark) {
        long now = 1_000_000_000L;
        master.start(now);
        backup1.start(now);
        backup2.start(now);
        long end = now + 120_000_000_000L;
        long advertsAtStart = 0;
        for (int i = 0; ; i++) {
            long next = Math.min(master.nextDeadline(), Math.min(backup1.nextDeadline(), backup2.nextDeadline()));
            if (next > end) {
                break;
            }
            now = next;
            sink.now = now;
            if (i == WARMUP_EVENTS) {
                mark.steadyStateStarts();
                advertsAtStart = sink.adverts;
            }
            if (master.nextDeadline() == now) {
                master.onTimer(now);
            } else if (backup1.nextDeadline() == now) {
                backup1.onTimer(now);
            } else {
                backup2.onTimer(now);
            }
        }
        steadyAdverts = sink.adverts - advertsAtStart;
    }
}
