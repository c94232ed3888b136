package halo.vrrp;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;

/**
 * State machine alone (no codec, no network): N VRIDs, each a master and a backup driven by one thread on a virtual
 * clock, adverts handed straight from master to backup. Prints CPU and allocation per advert and the share of one core
 * the load takes at real-time pace. Run with bench/vrrp-machine/run.
 */
public final class MachineBench {

    /** The shared clock and counter. */
    static final class World {
        long now;
        long adverts;
    }

    /** One pair's sink: an advert goes straight to the other instance of the pair. */
    static final class Sink implements VrrpActions {
        final World world;
        InstanceMachine a;
        InstanceMachine b;

        Sink(World world) {
            this.world = world;
        }

        @Override
        public void sendAdvert(InstanceMachine instance, int priority) {
            world.adverts++;
            InstanceMachine peer = instance == a ? b : a;
            peer.onAdvert(world.now, priority, instance.advertIntervalOnWire(), instance.sourceAddress());
        }

        @Override public void addVirtualAddresses(InstanceMachine instance) {}
        @Override public void removeVirtualAddresses(InstanceMachine instance) {}
        @Override public void sendGratuitousArps(InstanceMachine instance, int repeat) {}
        @Override public void runScript(String command, List<String> extraArgs, boolean stop) {}
        @Override public void writeFifo(String line) {}
        @Override public void log(String line) {}
    }

    /** Binary min-heap of (deadline, instance index) in primitive arrays; stale entries are re-pushed lazily. */
    static final class Heap {
        long[] keys;
        int[] vals;
        int size;

        Heap(int capacity) {
            keys = new long[capacity];
            vals = new int[capacity];
        }

        void push(long key, int val) {
            int i = size++;
            while (i > 0) {
                int p = (i - 1) >>> 1;
                if (keys[p] <= key) {
                    break;
                }
                keys[i] = keys[p];
                vals[i] = vals[p];
                i = p;
            }
            keys[i] = key;
            vals[i] = val;
        }

        void pop() {
            long key = keys[--size];
            int val = vals[size];
            int i = 0;
            for (;;) {
                int c = 2 * i + 1;
                if (c >= size) {
                    break;
                }
                if (c + 1 < size && keys[c + 1] < keys[c]) {
                    c++;
                }
                if (keys[c] >= key) {
                    break;
                }
                keys[i] = keys[c];
                vals[i] = vals[c];
                i = c;
            }
            keys[i] = key;
            vals[i] = val;
        }
    }

    public static void main(String[] args) {
        int vrids = 1000;
        int intervalMs = 10;
        int seconds = 30;
        int warmup = 10;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--instances" -> vrids = Integer.parseInt(args[i + 1]);
                case "--interval-ms" -> intervalMs = Integer.parseInt(args[i + 1]);
                case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
                case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        World sink = new World();
        int n = vrids * 2;
        InstanceMachine[] all = new InstanceMachine[n];
        for (int v = 0; v < vrids; v++) {
            // VRIDs repeat every 255: think of one pair of interfaces per 255 instances
            Sink pair = new Sink(sink);
            InstanceSpec.Builder b = InstanceSpec.builder("VI_" + (v + 1), v % 255 + 1).version(3)
                    .advertInterval(Duration.ofMillis(intervalMs)).virtualIpAddress("198.51.100." + (v % 250 + 1));
            InstanceMachine master = new InstanceMachine(b.priority(200).sourceAddress("192.0.2.1").build(), pair);
            InstanceMachine backup = new InstanceMachine(b.priority(100).sourceAddress("192.0.2.2").build(), pair);
            pair.a = master;
            pair.b = backup;
            all[v] = master;
            all[vrids + v] = backup;
        }
        Heap heap = new Heap(n * 4);
        long now = 1_000_000_000L;
        for (int i = 0; i < n; i++) {
            all[i].start(now + i * 1_000L); // spread the instances over the interval
            heap.push(all[i].nextDeadline(), i);
        }
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long warmEnd = now + warmup * 1_000_000_000L;
        long end = warmEnd + seconds * 1_000_000_000L;
        long cpu0 = 0;
        long alloc0 = 0;
        long adverts0 = 0;
        boolean measuring = false;
        while (heap.size > 0) {
            long at = heap.keys[0];
            int idx = heap.vals[0];
            if (at > end) {
                break;
            }
            if (!measuring && at >= warmEnd) {
                measuring = true;
                cpu0 = mx.getCurrentThreadCpuTime();
                alloc0 = mx.getCurrentThreadAllocatedBytes();
                adverts0 = sink.adverts;
            }
            heap.pop();
            InstanceMachine inst = all[idx];
            long due = inst.nextDeadline();
            if (due > at) { // stale: the deadline moved (an advert reset the down timer)
                if (due != InstanceMachine.NEVER) {
                    heap.push(due, idx);
                }
                continue;
            }
            now = at;
            sink.now = now;
            inst.onTimer(now);
            if (inst.nextDeadline() != InstanceMachine.NEVER) {
                heap.push(inst.nextDeadline(), idx);
            }
        }
        long cpu = mx.getCurrentThreadCpuTime() - cpu0;
        long alloc = mx.getCurrentThreadAllocatedBytes() - alloc0;
        long adverts = sink.adverts - adverts0;
        int masters = 0;
        for (InstanceMachine i : all) {
            if (i.state() == VrrpState.MASTER) {
                masters++;
            }
        }
        System.out.printf("vrrp-machine bench: %d VRIDs x (master + backup), advert every %d ms, %d virtual s measured%n",
                vrids, intervalMs, seconds);
        System.out.printf("masters: %d (expected %d)%n", masters, vrids);
        System.out.printf("adverts sent and received: %d%n", adverts);
        System.out.printf("CPU per advert (send + receive): %.0f ns%n", (double) cpu / adverts);
        System.out.printf("allocation per advert: %.3f B (total %d B)%n", (double) alloc / adverts, alloc);
        System.out.printf("share of one core at real-time pace: %.2f%% (goal < 5%%)%n", 100.0 * cpu / (seconds * 1e9));
    }
}
