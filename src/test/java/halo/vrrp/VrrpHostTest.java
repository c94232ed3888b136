package halo.vrrp;

import static org.assertj.core.api.Assertions.assertThat;

import halo.vrrp.wire.Ipv4Header;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Two VrrpHosts joined by an in-memory LAN on a virtual clock: the glue between codec, machines and a port. */
class VrrpHostTest {

    private static final long MS = 1_000_000L;

    /** A port on a shared in-memory segment; adverts reach the other host at the same instant. */
    private final class MemoryPort implements HostPort {
        final String name;
        final byte[] address;
        VrrpHost host;
        MemoryPort peer;
        boolean vipsSet;
        int garpBatches;
        final List<String> scriptsRun = new ArrayList<>();
        int scriptExit;
        final List<String> log = new ArrayList<>();

        MemoryPort(String name, int lastOctet) {
            this.name = name;
            this.address = new byte[] {(byte) 192, 0, 2, (byte) lastOctet};
        }

        @Override public byte[] primaryAddress(String ifname, boolean ipv6) { return address; }
        @Override public boolean isUp(String ifname) { return true; }

        @Override
        public void sendAdvert(HostSetup.Instance instance, boolean ipv6, byte[] destination, int ttl, byte[] message, int offset, int length) {
            // what a raw IPv4 socket delivers: the kernel's header, then the message
            byte[] datagram = new byte[Ipv4Header.MIN_LENGTH + length];
            new Ipv4Header().wrap(MemorySegment.ofArray(datagram), 0, datagram.length)
                    .write(datagram.length, 1, ttl, 112, address, 0, destination, 0);
            System.arraycopy(message, offset, datagram, Ipv4Header.MIN_LENGTH, length);
            if (peer.host != null) {
                pending.add(() -> peer.host.receiveIpv4(now, "eth0", datagram, 0, datagram.length));
            }
        }

        final List<String> vipCalls = new ArrayList<>();

        @Override
        public void virtualAddresses(InstanceMachine instance, HostSetup.Instance setup, boolean set) {
            vipsSet = set;
            vipCalls.add(instance.name() + (set ? " set" : " remove"));
        }
        @Override public void gratuitousArps(InstanceMachine instance, HostSetup.Instance setup, int repeat) { garpBatches++; }

        @Override
        public void runTrackScript(HostSetup.Script script) {
            scriptsRun.add(script.name());
            int exit = scriptExit;
            pending.add(() -> host.onScriptExit(now, script.name(), exit, false));
        }

        @Override public void runNotifyScript(String command, List<String> extraArgs, boolean stop) { }
        @Override public void writeFifo(String line) { }
        @Override public void log(String line) { log.add(line); }
    }

    private long now;
    private final List<Runnable> pending = new ArrayList<>();

    private void runUntil(long end, MemoryPort... ports) {
        while (true) {
            while (!pending.isEmpty()) {
                pending.removeFirst().run();
            }
            long next = Long.MAX_VALUE;
            for (MemoryPort p : ports) {
                if (p.host != null) {
                    next = Math.min(next, p.host.nextDeadline());
                }
            }
            if (next > end) {
                now = end;
                return;
            }
            now = Math.max(now, next);
            for (MemoryPort p : ports) {
                if (p.host != null && p.host.nextDeadline() <= now) {
                    p.host.onTimer(now);
                }
            }
        }
    }

    private static HostSetup node(int priority) {
        InstanceSpec spec = InstanceSpec.builder("VI_1", 51).interfaceName("eth0").priority(priority)
                .advertInterval(Duration.ofSeconds(1)).virtualIpAddress("192.0.2.100").build();
        return HostSetup.of(spec).withScript("chk", Duration.ofSeconds(1), 1, 2);
    }

    @Test
    void electsTheHigherPriorityThenFailsOverOnGracefulStop() {
        MemoryPort a = new MemoryPort("a", 11);
        MemoryPort b = new MemoryPort("b", 12);
        a.peer = b;
        b.peer = a;
        a.host = new VrrpHost(node(100), a);
        b.host = new VrrpHost(node(90), b);
        a.host.start(0);
        b.host.start(0);
        // a non-owner waits Master_Down_Interval = 3 x 1 s + (256-100)/256 s = 3609.375 ms
        runUntil(3_600 * MS, a, b);
        assertThat(a.host.slot("VI_1").machine.state()).isEqualTo(VrrpState.BACKUP);
        runUntil(3_700 * MS, a, b);
        assertThat(a.host.slot("VI_1").machine.state()).isEqualTo(VrrpState.MASTER);
        assertThat(b.host.slot("VI_1").machine.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(a.vipsSet).isTrue();
        assertThat(a.garpBatches).isPositive();
        assertThat(a.log).contains("(VI_1) Entering MASTER STATE");
        assertThat(b.host.counters().advertsReceived).isPositive();
        assertThat(a.scriptsRun).isNotEmpty();

        // graceful stop: priority 0, b takes over after Skew_Time = (256-90)/256 s = 648.4 ms
        long stopAt = 10_000 * MS;
        runUntil(stopAt, a, b);
        a.host.shutdown(now);
        assertThat(a.vipsSet).isFalse();
        runUntil(stopAt + 640 * MS, a, b);
        assertThat(b.host.slot("VI_1").machine.state()).isEqualTo(VrrpState.BACKUP);
        runUntil(stopAt + 660 * MS, a, b);
        assertThat(b.host.slot("VI_1").machine.state()).isEqualTo(VrrpState.MASTER);
        assertThat(b.vipsSet).isTrue();
    }

    @Test
    void aFailingTrackScriptWithWeightZeroPutsTheInstanceInFaultAfterFallRuns() {
        MemoryPort a = new MemoryPort("a", 11);
        MemoryPort b = new MemoryPort("b", 12);
        a.peer = b;
        b.peer = a;
        InstanceSpec spec = InstanceSpec.builder("VI_1", 51).interfaceName("eth0").priority(100)
                .advertInterval(Duration.ofSeconds(1)).virtualIpAddress("192.0.2.100")
                .tracker(TrackerSpec.script("chk", 0)).build();
        a.host = new VrrpHost(HostSetup.of(spec).withScript("chk", Duration.ofSeconds(1), 1, 2), a);
        a.host.start(0);
        runUntil(5_000 * MS, a);
        assertThat(a.host.slot("VI_1").machine.state()).isEqualTo(VrrpState.MASTER);
        a.scriptExit = 1;
        // fall 2: the second failing run (one interval later) is the one that counts
        runUntil(6_500 * MS, a);
        assertThat(a.host.slot("VI_1").machine.state()).isEqualTo(VrrpState.MASTER);
        runUntil(7_500 * MS, a);
        assertThat(a.host.slot("VI_1").machine.state()).isEqualTo(VrrpState.FAULT);
        assertThat(a.vipsSet).isFalse();
    }

    private static HostSetup node(int priority, Duration advertInterval, String virtualAddress) {
        return HostSetup.of(InstanceSpec.builder("VI_1", 51).interfaceName("eth0").priority(priority)
                .advertInterval(advertInterval).virtualIpAddress(virtualAddress).build());
    }

    private MemoryPort[] pair(HostSetup first, HostSetup second) {
        MemoryPort a = new MemoryPort("a", 11);
        MemoryPort b = new MemoryPort("b", 12);
        a.peer = b;
        b.peer = a;
        a.host = new VrrpHost(first, a);
        b.host = new VrrpHost(second, b);
        a.host.start(0);
        b.host.start(0);
        return new MemoryPort[] {a, b};
    }

    @Test
    void aV2AdvertWithAnotherIntervalNeverReachesTheStateMachine() {
        MemoryPort[] p = pair(node(150, Duration.ofSeconds(1), "192.0.2.100"), node(100, Duration.ofSeconds(2), "192.0.2.100"));
        InstanceMachine a = p[0].host.slot("VI_1").machine;
        InstanceMachine b = p[1].host.slot("VI_1").machine;
        // a: 3 x 1 s + (256-150)/256 s = 3414.06 ms; b hears a's adverts but drops them, so it takes over too at
        // 3 x 2 s + (256-100)/256 s = 6609.38 ms (RFC 3768 7.1: "MUST discard the packet")
        runUntil(6_600 * MS, p);
        assertThat(a.state()).isEqualTo(VrrpState.MASTER);
        assertThat(b.state()).isEqualTo(VrrpState.BACKUP);
        runUntil(6_620 * MS, p);
        assertThat(b.state()).isEqualTo(VrrpState.MASTER);
        assertThat(p[1].log).contains("(VI_1) advertisement interval mismatch mine=2 sec rcv'd=1 sec");
        assertThat(b.advertiseIntervalErrors()).isPositive();
        assertThat(b.addressListErrors()).isZero();
        assertThat(b.advertisementsReceived()).isZero();
    }

    @Test
    void anAdvertWithAnotherAddressListIsDroppedInBackupAndInMaster() {
        MemoryPort[] p = pair(node(150, Duration.ofSeconds(1), "192.0.2.100"), node(100, Duration.ofSeconds(1), "192.0.2.101"));
        InstanceMachine a = p[0].host.slot("VI_1").machine;
        InstanceMachine b = p[1].host.slot("VI_1").machine;
        runUntil(3_600 * MS, p);
        assertThat(a.state()).isEqualTo(VrrpState.MASTER);
        assertThat(b.state()).isEqualTo(VrrpState.BACKUP);
        runUntil(5_000 * MS, p);
        // b never accepted a's adverts, and a (master) drops b's lower-priority adverts before answering them
        assertThat(b.state()).isEqualTo(VrrpState.MASTER);
        assertThat(a.state()).isEqualTo(VrrpState.MASTER);
        assertThat(p[1].log).contains("(VI_1) ip address associated with VRID 51 not present in MASTER advert : 192.0.2.101");
        assertThat(p[0].log).contains("(VI_1) ip address associated with VRID 51 not present in MASTER advert : 192.0.2.100");
        assertThat(p[0].log).noneMatch(line -> line.contains("forcing new election"));
        assertThat(a.addressListErrors()).isPositive();
        assertThat(b.addressListErrors()).isPositive();
        assertThat(b.advertisementsReceived()).isZero();
    }

    @Test
    void theOwnersAdvertWithAnotherAddressListIsLoggedAndCountedButObeyed() {
        MemoryPort[] p = pair(node(255, Duration.ofSeconds(1), "192.0.2.100"), node(100, Duration.ofSeconds(1), "192.0.2.101"));
        InstanceMachine b = p[1].host.slot("VI_1").machine;
        runUntil(10_000 * MS, p);
        assertThat(p[0].host.slot("VI_1").machine.state()).isEqualTo(VrrpState.MASTER);
        assertThat(b.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(p[1].log).anyMatch(line -> line.startsWith("(VI_1) ip address associated with VRID 51 not present in MASTER advert : 192.0.2.101")
                && line.endsWith("accepted from the address owner"));
        assertThat(b.addressListErrors()).isPositive();
        assertThat(b.advertisementsReceived()).isEqualTo(b.addressListErrors());
    }

    @Test
    void aTrackScriptAndATrackInterfaceOfTheSameNameCountSeparately() {
        MemoryPort a = new MemoryPort("a", 11);
        a.peer = new MemoryPort("nobody", 12);
        InstanceSpec spec = InstanceSpec.builder("VI_1", 51).interfaceName("eth0").priority(100)
                .advertInterval(Duration.ofSeconds(1)).virtualIpAddress("192.0.2.100")
                .tracker(TrackerSpec.script("eth1", -10)).tracker(TrackerSpec.iface("eth1", -20)).build();
        a.host = new VrrpHost(HostSetup.of(spec).withScript("eth1", Duration.ofSeconds(1), 1, 1), a);
        a.host.start(0);
        InstanceMachine vi = a.host.slot("VI_1").machine;
        runUntil(500 * MS, a);
        assertThat(vi.effectivePriority()).isEqualTo(100);

        a.host.onLinkChange(now, "eth1", false);
        assertThat(vi.effectivePriority()).isEqualTo(80);
        a.scriptExit = 1;
        runUntil(1_500 * MS, a); // the script's next run fails (fall 1)
        assertThat(vi.effectivePriority()).isEqualTo(70);
        a.host.onLinkChange(now, "eth1", true);
        assertThat(vi.effectivePriority()).isEqualTo(90);
        a.scriptExit = 0;
        runUntil(2_500 * MS, a);
        assertThat(vi.effectivePriority()).isEqualTo(100);
        // the script's failure alone, then the link's alone
        a.scriptExit = 1;
        runUntil(3_500 * MS, a);
        assertThat(vi.effectivePriority()).isEqualTo(90);
        a.scriptExit = 0;
        runUntil(4_500 * MS, a);
        a.host.onLinkChange(now, "eth1", false);
        assertThat(vi.effectivePriority()).isEqualTo(80);
    }

    private static HostSetup groupNode(int priority) {
        InstanceSpec one = InstanceSpec.builder("VI_1", 51).interfaceName("eth0").priority(priority)
                .advertInterval(Duration.ofSeconds(1)).virtualIpAddress("192.0.2.100").build();
        InstanceSpec two = InstanceSpec.builder("VI_2", 52).interfaceName("eth0").priority(priority)
                .advertInterval(Duration.ofSeconds(1)).virtualIpAddress("192.0.2.101").build();
        return HostSetup.of(one, two).withGroup("VG_1", false, "VI_1", "VI_2");
    }

    private static void reload(MemoryPort p, HostSetup setup, long now) {
        VrrpHost old = p.host;
        p.host = new VrrpHost(setup, p, old.counters());
        p.host.startAfterReload(now, old);
    }

    @Test
    void aReloadKeepsASyncGroupMasterAndItsAddresses() {
        MemoryPort a = new MemoryPort("a", 11);
        MemoryPort b = new MemoryPort("b", 12);
        a.peer = b;
        b.peer = a;
        a.host = new VrrpHost(groupNode(100), a);
        b.host = new VrrpHost(groupNode(90), b);
        a.host.start(0);
        b.host.start(0);
        runUntil(5_000 * MS, a, b);
        assertThat(a.host.slot("VI_1").machine.state()).isEqualTo(VrrpState.MASTER);
        assertThat(a.host.slot("VI_2").machine.state()).isEqualTo(VrrpState.MASTER);
        assertThat(a.host.syncGroups().getFirst().state()).isEqualTo(VrrpState.MASTER);
        a.log.clear();
        a.vipCalls.clear();

        // keepalived's restore_vrrp_state keeps every instance's state, sync group members included
        reload(a, groupNode(100), now);
        assertThat(a.host.slot("VI_1").machine.state()).isEqualTo(VrrpState.MASTER);
        assertThat(a.host.slot("VI_2").machine.state()).isEqualTo(VrrpState.MASTER);
        assertThat(a.host.syncGroups().getFirst().state()).isEqualTo(VrrpState.MASTER);
        runUntil(15_000 * MS, a, b);
        assertThat(a.host.slot("VI_1").machine.state()).isEqualTo(VrrpState.MASTER);
        assertThat(a.host.slot("VI_2").machine.state()).isEqualTo(VrrpState.MASTER);
        assertThat(b.host.slot("VI_1").machine.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(a.log).noneMatch(l -> l.contains("Entering"));
        assertThat(a.vipCalls).containsExactlyInAnyOrder("VI_1 set", "VI_2 set").noneMatch(c -> c.endsWith("remove"));
        assertThat(a.vipsSet).isTrue();
    }

    @Test
    void aReloadKeepsASyncGroupBackupWithoutAnElection() {
        MemoryPort a = new MemoryPort("a", 11);
        MemoryPort b = new MemoryPort("b", 12);
        a.peer = b;
        b.peer = a;
        a.host = new VrrpHost(groupNode(100), a);
        b.host = new VrrpHost(groupNode(90), b);
        a.host.start(0);
        b.host.start(0);
        runUntil(5_000 * MS, a, b);
        b.log.clear();
        reload(b, groupNode(90), now);
        assertThat(b.host.syncGroups().getFirst().state()).isEqualTo(VrrpState.BACKUP);
        runUntil(15_000 * MS, a, b);
        assertThat(b.host.slot("VI_1").machine.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(b.host.slot("VI_2").machine.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(a.host.slot("VI_1").machine.state()).isEqualTo(VrrpState.MASTER);
        assertThat(b.log).noneMatch(l -> l.contains("Entering"));
    }

    @Test
    void aSyncGroupWithANewMemberStartsAfreshAtReload() {
        MemoryPort a = new MemoryPort("a", 11);
        MemoryPort b = new MemoryPort("b", 12);
        a.peer = b;
        b.peer = a;
        a.host = new VrrpHost(groupNode(100), a);
        a.host.start(0);
        runUntil(5_000 * MS, a);
        assertThat(a.host.syncGroups().getFirst().state()).isEqualTo(VrrpState.MASTER);
        InstanceSpec three = InstanceSpec.builder("VI_3", 53).interfaceName("eth0").priority(100)
                .advertInterval(Duration.ofSeconds(1)).virtualIpAddress("192.0.2.102").build();
        HostSetup bigger = new HostSetup(List.of(groupNode(100).instances().get(0), groupNode(100).instances().get(1),
                HostSetup.Instance.of(three)), List.of(), List.of()).withGroup("VG_1", false, "VI_1", "VI_2", "VI_3");
        reload(a, bigger, now);
        // the new member was never master: the group cannot stay MASTER as a whole, so it starts as at startup
        assertThat(a.host.syncGroups().getFirst().state()).isEqualTo(VrrpState.BACKUP);
        assertThat(a.host.slot("VI_1").machine.state()).isEqualTo(VrrpState.BACKUP);
    }

    @Test
    void aReloadReadsTrackFileValuesAfreshWithTheNewWeight() {
        MemoryPort a = new MemoryPort("a", 11);
        MemoryPort b = new MemoryPort("b", 12);
        a.peer = b;
        b.peer = a;
        java.util.function.BiFunction<Integer, Long, HostSetup> node = (weight, value) -> HostSetup.of(
                InstanceSpec.builder("VI_1", 51).interfaceName("eth0").priority(100)
                        .advertInterval(Duration.ofSeconds(1)).virtualIpAddress("192.0.2.100")
                        .tracker(TrackerSpec.file("tf", weight).withInitialValue(value)).build());
        a.host = new VrrpHost(node.apply(10, 5L), a);
        a.host.start(0);
        runUntil(5_000 * MS, a);
        assertThat(a.host.slot("VI_1").machine.effectivePriority()).isEqualTo(150);
        // the file now read at the reload holds 2 (another path, or written meanwhile), and the weight is 20
        reload(a, node.apply(20, 2L), now);
        assertThat(a.host.slot("VI_1").machine.effectivePriority()).isEqualTo(140);
        assertThat(a.host.slot("VI_1").machine.state()).isEqualTo(VrrpState.MASTER);
    }
}
