package halo.vrrp;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The steady state (master sends, backups receive) allocates nothing: measured, not timed. */
class AllocationTest {

    /** A sink that only counts: the daemon's real sink encodes into a reused buffer. */
    static final class Counting implements VrrpActions {
        VrrpInstance[] peers = new VrrpInstance[0];
        long now;
        long adverts;

        @Override
        public void sendAdvert(VrrpInstance instance, int priority) {
            adverts++;
            for (VrrpInstance p : peers) {
                if (p != instance) {
                    p.onAdvert(now, priority, instance.advertIntervalOnWire(), instance.sourceAddress());
                }
            }
        }

        @Override public void addVirtualAddresses(VrrpInstance instance) {}
        @Override public void removeVirtualAddresses(VrrpInstance instance) {}
        @Override public void sendGratuitousArps(VrrpInstance instance, int repeat) {}
        @Override public void runScript(String command, List<String> extraArgs, boolean stop) {}
        @Override public void writeFifo(String line) {}
        @Override public void log(String line) {}
    }

    /** What two back-to-back readings of the counter differ by (the reading itself may allocate). */
    static long measurementOverhead(com.sun.management.ThreadMXBean mx) {
        long min = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            long a = mx.getCurrentThreadAllocatedBytes();
            long b = mx.getCurrentThreadAllocatedBytes();
            min = Math.min(min, b - a);
        }
        return min;
    }

    @Test
    void steadyStateAdvertsAllocateNothing() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        // the first run also pays for class loading and linking in the JVM; measure a second, identical run
        scenario(mx);
        long[] measured = scenario(mx);
        assertThat(measured[1]).isGreaterThan(9_000);
        // Any allocation per advert (an iterator, a boxed value, a string) would be >= 16 B per advert, i.e. > 160 KB
        // here. The JIT may still allocate a few hundred bytes once when it recompiles a method (seen: ~1 KB once per
        // JVM), which is not per advert: allow less than 1 B per advert in total.
        assertThat(measured[0]).as("bytes allocated over %d adverts", measured[1]).isLessThan(measured[1]);
    }

    /** A master and two backups for 120 virtual seconds; returns {bytes allocated, adverts} after the first 2000 events. */
    private static long[] scenario(com.sun.management.ThreadMXBean mx) {
        Counting sink = new Counting();
        InstanceSpec.Builder b = InstanceSpec.builder("VI_1", 51).version(3).advertInterval(Duration.ofMillis(10))
                .virtualIpAddress("192.0.2.100").garpMasterRefresh(Duration.ofSeconds(1)).garpMasterRefreshRepeat(1);
        VrrpInstance master = new VrrpInstance(b.priority(200).sourceAddress("192.0.2.1").build(), sink);
        VrrpInstance backup1 = new VrrpInstance(b.priority(100).sourceAddress("192.0.2.2").build(), sink);
        VrrpInstance backup2 = new VrrpInstance(b.priority(90).sourceAddress("192.0.2.3").build(), sink);
        sink.peers = new VrrpInstance[] {master, backup1, backup2};
        long now = 1_000_000_000L;
        master.start(now);
        backup1.start(now);
        backup2.start(now);
        // run 120 virtual seconds: master elected, then steady state
        long end = now + 120_000_000_000L;
        long[] measured = new long[2];
        int warmupEvents = 2_000;
        long startAlloc = 0;
        long advertsAtStart = 0;
        for (int i = 0; ; i++) {
            long next = Math.min(master.nextDeadline(), Math.min(backup1.nextDeadline(), backup2.nextDeadline()));
            if (next > end) {
                break;
            }
            now = next;
            sink.now = now;
            if (i == warmupEvents) {
                startAlloc = mx.getCurrentThreadAllocatedBytes();
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
        measured[0] = mx.getCurrentThreadAllocatedBytes() - startAlloc - measurementOverhead(mx);
        measured[1] = sink.adverts - advertsAtStart;
        assertThat(master.state()).isEqualTo(VrrpState.MASTER);
        assertThat(backup1.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(backup2.state()).isEqualTo(VrrpState.BACKUP);
        return measured;
    }
}
