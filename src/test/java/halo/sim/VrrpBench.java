package halo.sim;

import halo.vrrp.HostSetup;
import halo.vrrp.InstanceSpec;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Locale;

/**
 * Speed benchmark (run with {@code bench/vrrp/run}): one thread drives N VRRPv3 instances (default 1,000, advert
 * interval 10 ms) on node "a" (priority 200, all MASTER) and their N backups on node "b" (priority 100) through the
 * real codec (encode IPv4 datagram, receive validation) and state machines, on the simulated LAN. After a warm-up it
 * measures the thread's CPU time and allocated bytes over a stretch of virtual time and prints them per advert and as
 * the share of one core the load would take at real-time pace. Goal: under 5% of one core, 0 B/advert.
 */
public final class VrrpBench {
    public static void main(String[] args) {
        int instances = 1000;
        long intervalMs = 10;
        double seconds = 30;
        double warmup = 10;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--instances" -> instances = Integer.parseInt(args[++i]);
                case "--interval-ms" -> intervalMs = Long.parseLong(args[++i]);
                case "--seconds" -> seconds = Double.parseDouble(args[++i]);
                case "--warmup" -> warmup = Double.parseDouble(args[++i]);
                default -> {
                    System.err.println("usage: bench/vrrp/run [--instances N] [--interval-ms MS] [--seconds S] [--warmup S]");
                    System.exit(2);
                }
            }
        }
        SimulatedLan lan = build(instances, intervalMs);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long warmNanos = (long) (warmup * 1e9);
        long measureNanos = (long) (seconds * 1e9);
        lan.runUntil(warmNanos);
        long masters = lan.nodeNames().isEmpty() ? 0 : countMasters(lan, "a", instances);

        long sent0 = lan.advertsSent("a") + lan.advertsSent("b");
        long recv0 = lan.advertsReceived("a") + lan.advertsReceived("b");
        long events0 = lan.sim().eventsFired();
        long cpu0 = threads.getCurrentThreadCpuTime();
        long alloc0 = threads.getCurrentThreadAllocatedBytes();
        long wall0 = System.nanoTime();
        lan.runUntil(warmNanos + measureNanos);
        long wall = System.nanoTime() - wall0;
        long alloc = threads.getCurrentThreadAllocatedBytes() - alloc0;
        long cpu = threads.getCurrentThreadCpuTime() - cpu0;
        long sent = lan.advertsSent("a") + lan.advertsSent("b") - sent0;
        long received = lan.advertsReceived("a") + lan.advertsReceived("b") - recv0;
        long events = lan.sim().eventsFired() - events0;

        System.out.printf(Locale.ROOT, "VRRP benchmark: %d VRRPv3 instances, advert_int %d ms, masters on node a: %d/%d%n",
                instances, intervalMs, masters, instances);
        System.out.printf(Locale.ROOT, "  virtual time measured   %.1f s (after %.1f s warm-up), %d events%n", seconds,
                warmup, events);
        System.out.printf(Locale.ROOT, "  adverts sent / accepted %d / %d (%.0f per virtual second)%n", sent, received,
                sent / seconds);
        System.out.printf(Locale.ROOT, "  CPU                     %.3f s (wall %.3f s)%n", cpu / 1e9, wall / 1e9);
        System.out.printf(Locale.ROOT, "  CPU per advert          %.0f ns (encode + send + deliver + validate + state machine, both ends)%n",
                (double) cpu / sent);
        System.out.printf(Locale.ROOT, "  allocation per advert   %.2f B (%d B in all)%n", (double) alloc / sent, alloc);
        System.out.printf(Locale.ROOT, "  share of one core at real-time pace: %.2f%% (goal < 5%%)%n",
                100.0 * cpu / measureNanos);
        codecAlone(threads, sent);
        simulatorAlone(threads, instances, intervalMs, warmup, seconds);
    }

    /**
     * The simulator's share: the same two nodes and timers, but each "instance" sends a fixed 40-byte packet per tick
     * and the receiver only counts it (no codec, no state machine).
     */
    static void simulatorAlone(com.sun.management.ThreadMXBean threads, int instances, long intervalMs, double warmup,
                               double seconds) {
        Simulation sim = new Simulation(1);
        Segment lan = sim.segment("lan", LinkModel.CLEAN);
        long[] received = new long[1];
        for (String name : new String[] {"a", "b"}) {
            SimNode node = sim.node(name);
            node.attach("eth0", lan, new byte[] {(byte) 192, 0, 2, (byte) (name.equals("a") ? 1 : 2)}, new byte[16]);
            boolean sender = name.equals("a");
            node.setSoftware(() -> new NodeSoftware() {
                final byte[] packet = new byte[40];
                final byte[] group = {(byte) 224, 0, 0, 18};

                @Override
                public void start(SimNode n) {
                    if (!sender) return;
                    long period = intervalMs * 1_000_000L;
                    for (int i = 0; i < instances; i++) {
                        SimNode.Timer[] t = new SimNode.Timer[1];
                        t[0] = n.timer(() -> {
                            n.send(n.iface("eth0"), group, 255, packet, 0, packet.length);
                            t[0].setAfter(period);
                        });
                        t[0].setAt(period * i / instances);
                    }
                }

                @Override
                public void receive(SimInterface in, byte[] src, byte[] dst, int ttl, byte[] p, int off, int len) {
                    received[0]++;
                }
            });
            node.boot();
        }
        long warmNanos = (long) (warmup * 1e9);
        sim.runUntil(warmNanos);
        long n0 = received[0];
        long cpu0 = threads.getCurrentThreadCpuTime();
        sim.runUntil(warmNanos + (long) (seconds * 1e9));
        long cpu = threads.getCurrentThreadCpuTime() - cpu0;
        System.out.printf(Locale.ROOT, "  of which simulator      %.0f ns per packet (timers, queue, delivery; no codec, no state machine)%n",
                (double) cpu / (received[0] - n0));
    }

    /** The codec's share: encode one v3 advert and validate it, as often as the run above sent adverts. */
    static void codecAlone(com.sun.management.ThreadMXBean threads, long adverts) {
        var wire = new halo.vrrp.wire.WireInstance().family(halo.vrrp.wire.IpFamily.IPV4).version(3).vrid(1)
                .advertIntervalCentis(1).addresses(java.util.List.of(java.net.InetAddress.ofLiteral("203.0.113.1")))
                .source(java.net.InetAddress.ofLiteral("192.0.2.1"));
        var encoder = new halo.vrrp.wire.AdvertEncoder();
        var validator = new halo.vrrp.wire.AdvertValidator();
        var stats = new halo.vrrp.wire.RxStatistics();
        var info = new halo.vrrp.wire.PacketInfo();
        byte[] buf = new byte[256];
        var seg = java.lang.foreign.MemorySegment.ofArray(buf);
        byte[] src = {(byte) 192, 0, 2, 1};
        byte[] dst = halo.vrrp.wire.WireInstance.IPV4_GROUP;
        long ok = 0;
        for (int round = 0; round < 2; round++) { // the first round warms up
            long cpu0 = threads.getCurrentThreadCpuTime();
            for (long i = 0; i < adverts; i++) {
                int len = encoder.encodeMessage(wire, 100 + (int) (i & 63), seg, 0, null, 0);
                info.set(halo.vrrp.wire.IpFamily.IPV4, src, 0, dst, 0, 255, true);
                if (validator.validateMessage(wire, stats, seg, 0, len, info).accepted()) ok++;
            }
            long cpu = threads.getCurrentThreadCpuTime() - cpu0;
            if (round == 1) {
                System.out.printf(Locale.ROOT, "  of which codec alone    %.0f ns per advert (encode + receive validation, %d accepted)%n",
                        (double) cpu / adverts, ok / 2);
            }
        }
    }

    static SimulatedLan build(int instances, long intervalMs) {
        int perInterface = 250;
        HostSetup a = new HostSetup(java.util.List.of(), java.util.List.of(), java.util.List.of());
        HostSetup b = a;
        for (int i = 0; i < instances; i++) {
            String ifname = "eth" + (i / perInterface);
            int vrid = 1 + i % perInterface;
            InstanceSpec.Builder spec = InstanceSpec.builder("VI_" + i, vrid).version(3).interfaceName(ifname)
                    .advertInterval(Duration.ofMillis(intervalMs))
                    .virtualIpAddress("203.0.113." + (1 + i % perInterface));
            a = a.withInstances(HostSetup.Instance.of(spec.priority(200).build()));
            b = b.withInstances(HostSetup.Instance.of(spec.priority(100).build()));
        }
        return SimulatedLan.builder(1).link(LinkModel.CLEAN).node("a", a).node("b", b).build();
    }

    static long countMasters(SimulatedLan lan, String node, int instances) {
        long n = 0;
        for (int i = 0; i < instances; i++) if ("MASTER".equals(lan.state(node, "VI_" + i))) n++;
        return n;
    }
}
