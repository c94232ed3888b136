package halo.vrrp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The host's timer index: {@link VrrpHost#nextDeadline()} is always the earliest deadline of any machine, after every
 * call (timers, adverts in, sync groups pulling members), and {@link VrrpHost#onTimer} runs every machine on time.
 * Hosts on an in-memory LAN, driven as the daemon's loop drives them: wake at nextDeadline, call onTimer.
 */
class VrrpHostTimersTest {

    private static final long MS = 1_000_000L;

    private long now;
    private final List<Runnable> pending = new ArrayList<>();

    private final class Port implements HostPort {
        final byte[] address;
        VrrpHost host;
        Port peer;
        final Map<String, List<Long>> sent = new HashMap<>();

        Port(int lastOctet) {
            address = new byte[] {(byte) 192, 0, 2, (byte) lastOctet};
        }

        @Override public byte[] primaryAddress(String ifname, boolean ipv6) { return address; }
        @Override public boolean isUp(String ifname) { return true; }

        @Override
        public void sendAdvert(HostSetup.Instance instance, boolean ipv6, byte[] destination, int ttl, byte[] message,
                               int offset, int length) {
            throw new AssertionError("the host sends through sendAdvert(Slot, ...)");
        }

        @Override
        public void sendAdvert(VrrpHost.Slot slot, byte[] destination, int ttl, byte[] message, int offset, int length) {
            sent.computeIfAbsent(slot.machine.name(), k -> new ArrayList<>()).add(now);
            byte[] copy = java.util.Arrays.copyOfRange(message, offset, offset + length);
            byte[] dst = destination.clone();
            String ifname = slot.interfaceName();
            if (peer != null && peer.host != null) {
                pending.add(() -> {
                    peer.host.receiveMessage(now, ifname, false, address, dst, ttl, copy, 0, copy.length);
                    assertIndexed(peer.host);
                });
            }
        }

        @Override public void virtualAddresses(InstanceMachine instance, HostSetup.Instance setup, boolean set) { }
        @Override public void gratuitousArps(InstanceMachine instance, HostSetup.Instance setup, int repeat) { }
        @Override public void runTrackScript(HostSetup.Script script) { }
        @Override public void runNotifyScript(String command, List<String> extraArgs, boolean stop) { }
        @Override public void writeFifo(String line) { }
        @Override public void log(String line) { }
    }

    /** The index agrees with the machines: the next wake-up is the earliest deadline of all. */
    private static void assertIndexed(VrrpHost host) {
        long earliest = InstanceMachine.NEVER;
        for (VrrpHost.Slot s : host.slots()) {
            earliest = Math.min(earliest, s.machine.nextDeadline());
        }
        assertThat(host.nextDeadline()).as("next deadline").isEqualTo(earliest);
    }

    private void runUntil(long end, Port... ports) {
        for (int steps = 0; steps < 10_000_000; steps++) {
            while (!pending.isEmpty()) {
                pending.removeFirst().run();
            }
            long next = InstanceMachine.NEVER;
            for (Port p : ports) {
                next = Math.min(next, p.host.nextDeadline());
            }
            if (next > end) {
                now = end;
                return;
            }
            now = Math.max(now, next);
            for (Port p : ports) {
                if (p.host.nextDeadline() <= now) {
                    p.host.onTimer(now);
                    assertIndexed(p.host);
                }
            }
        }
        throw new AssertionError("did not reach " + end);
    }

    private static InstanceSpec.Builder v3(String name, int vrid, String ifname, int priority, long intervalMs) {
        return InstanceSpec.builder(name, vrid).version(3).interfaceName(ifname).priority(priority)
                .advertInterval(Duration.ofMillis(intervalMs)).virtualIpAddress("203.0.113." + vrid);
    }

    @Test
    void manyInstancesWithMixedIntervalsEachAdvertiseExactlyOnTime() {
        // 400 instances on two interfaces, intervals 10..70 ms; node a (priority 200) masters all, node b backs up.
        HostSetup a = new HostSetup(List.of(), List.of(), List.of());
        HostSetup b = a;
        Map<String, Long> interval = new HashMap<>();
        for (int i = 0; i < 400; i++) {
            String name = "VI_" + i;
            long ms = 10L * (1 + i % 7);
            interval.put(name, ms * MS);
            a = a.withInstances(HostSetup.Instance.of(v3(name, 1 + i % 200, "eth" + i / 200, 200, ms).build()));
            b = b.withInstances(HostSetup.Instance.of(v3(name, 1 + i % 200, "eth" + i / 200, 100, ms).build()));
        }
        Port pa = new Port(1);
        Port pb = new Port(2);
        pa.peer = pb;
        pb.peer = pa;
        pa.host = new VrrpHost(a, pa);
        pb.host = new VrrpHost(b, pb);
        pa.host.start(0);
        pb.host.start(0);
        assertIndexed(pa.host);
        runUntil(3_000 * MS, pa, pb);

        for (VrrpHost.Slot s : pa.host.slots()) {
            String name = s.machine.name();
            assertThat(s.machine.state()).as(name).isEqualTo(VrrpState.MASTER);
            List<Long> times = pa.sent.get(name);
            long step = interval.get(name);
            // it became master after its Master_Down_Interval, then advertised every interval, never late or early
            assertThat(times.getFirst()).as(name).isLessThan(4 * step);
            for (int k = 1; k < times.size(); k++) {
                assertThat(times.get(k) - times.get(k - 1)).as("%s advert %d", name, k).isEqualTo(step);
            }
            assertThat(times.getLast()).as(name).isGreaterThan(3_000 * MS - step);
        }
        for (VrrpHost.Slot s : pb.host.slots()) {
            assertThat(s.machine.state()).isEqualTo(VrrpState.BACKUP);
            assertThat(pb.sent).doesNotContainKey(s.machine.name());
        }
        assertThat(pb.host.counters().advertsReceived).isEqualTo(pa.host.counters().advertsSent);
    }

    @Test
    void aMemberPulledToMasterByItsSyncGroupAdvertisesOnItsOwnInterval() {
        // One host alone. VI_2 (1 s, priority 100) times out first but holds for the group (VI_1 does not want MASTER
        // yet), re-arming its down timer each time. VI_1 (3 s, priority 200) times out at 9 + 56 x 3 / 256 = 9.65625 s
        // and takes the group: VI_2 is pulled to MASTER there, its next advert 1 s later, before the down timer it
        // held (10.828 s). VI_3, an owner advertising every 10 ms outside the group, keeps the host busy in between,
        // so a VI_2 left filed at its old deadline would advertise late.
        HostSetup setup = HostSetup.of(
                        v3("VI_1", 1, "eth0", 200, 3_000).build(),
                        v3("VI_2", 2, "eth0", 100, 1_000).build(),
                        v3("VI_3", 3, "eth0", 255, 10).build())
                .withGroup("G1", false, "VI_1", "VI_2");
        Port p = new Port(1);
        p.host = new VrrpHost(setup, p);
        p.host.start(0);
        assertIndexed(p.host);
        runUntil(20_000 * MS, p);

        assertThat(p.host.slot("VI_1").machine.state()).isEqualTo(VrrpState.MASTER);
        assertThat(p.host.slot("VI_2").machine.state()).isEqualTo(VrrpState.MASTER);
        long takeover = 9_656_250_000L;
        assertThat(p.sent.get("VI_1").getFirst()).isEqualTo(takeover);
        List<Long> vi2 = p.sent.get("VI_2");
        assertThat(vi2.getFirst()).isEqualTo(takeover);
        for (int k = 1; k < vi2.size(); k++) {
            assertThat(vi2.get(k) - vi2.get(k - 1)).as("VI_2 advert %d", k).isEqualTo(1_000 * MS);
        }
        assertThat(vi2).hasSize(11); // 9.656 .. 19.656 s
        assertThat(p.sent.get("VI_3")).hasSize(2_001); // 0, 10 ms, ..., 20 s
    }
}
