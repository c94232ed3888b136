package halo.vrrp;

import java.lang.management.ManagementFactory;

/**
 * bench/alloc: what the state machine's steady state allocates (a master and two backups, 10 ms adverts, 120 virtual
 * seconds; {@link SteadyStateScenario}), measured with the thread's allocated-bytes counter on the second run (the
 * first pays for class loading). Goal: 0 bytes per advert; the JIT may allocate a few hundred bytes once when it
 * recompiles a method, which is not per advert.
 */
public final class MachineAllocationBench {
    private MachineAllocationBench() {}

    public static void main(String[] args) {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        mx.setThreadAllocatedMemoryEnabled(true);
        new SteadyStateScenario().run(() -> {});
        for (int r = 0; r < runs; r++) {
            SteadyStateScenario s = new SteadyStateScenario();
            long[] start = new long[1];
            s.run(() -> start[0] = mx.getCurrentThreadAllocatedBytes());
            long bytes = mx.getCurrentThreadAllocatedBytes() - start[0];
            System.out.printf("alloc state machine (master + 2 backups, VRRPv3 10 ms): %d bytes over %d adverts = %.3f "
                    + "bytes/advert (goal 0)%n", bytes, s.steadyAdverts, bytes / (double) s.steadyAdverts);
        }
    }
}
