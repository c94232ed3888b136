package halo.sim;

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
    }

    static SimulatedLan build(int instances, long intervalMs) {
        int perInterface = 250;
        NodeSetup a = new NodeSetup(java.util.List.of(), java.util.List.of(), java.util.List.of());
        NodeSetup b = a;
        for (int i = 0; i < instances; i++) {
            String ifname = "eth" + (i / perInterface);
            int vrid = 1 + i % perInterface;
            InstanceSpec.Builder spec = InstanceSpec.builder("VI_" + i, vrid).version(3).interfaceName(ifname)
                    .advertInterval(Duration.ofMillis(intervalMs))
                    .virtualIpAddress("203.0.113." + (1 + i % perInterface));
            a = a.withInstances(NodeSetup.Instance.of(spec.priority(200).build()));
            b = b.withInstances(NodeSetup.Instance.of(spec.priority(100).build()));
        }
        return SimulatedLan.builder(1).link(LinkModel.CLEAN).node("a", a).node("b", b).build();
    }

    static long countMasters(SimulatedLan lan, String node, int instances) {
        long n = 0;
        for (int i = 0; i < instances; i++) if ("MASTER".equals(lan.state(node, "VI_" + i))) n++;
        return n;
    }
}
