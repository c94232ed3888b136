package halo.vrrp.wire;

import java.lang.management.ManagementFactory;

/**
 * bench/alloc: what encode + validate + read allocate per advert once the JIT has compiled the loop (v3 IPv4, v2
 * IPv4 with AH, v3 IPv6 in turn; {@link CodecWorkload}). Warms up in rounds until one allocates nothing (at most 20),
 * then prints the bytes per advert of the last round. Goal: 0.
 */
public final class CodecAllocationBench {
    private CodecAllocationBench() {}

    public static void main(String[] args) {
        int adverts = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        threads.setThreadAllocatedMemoryEnabled(true);
        try (CodecWorkload workload = new CodecWorkload()) {
            long perRound = Long.MAX_VALUE;
            int round = 0;
            for (; round < 20 && perRound != 0; round++) {
                workload.run(adverts / 2);
                long before = threads.getCurrentThreadAllocatedBytes();
                int accepted = workload.run(adverts);
                perRound = threads.getCurrentThreadAllocatedBytes() - before;
                if (accepted != adverts) {
                    throw new IllegalStateException(accepted + " of " + adverts + " adverts accepted");
                }
            }
            System.out.printf("alloc codec (encode + validate + read; v3 IPv4, v2 AH, v3 IPv6): %d bytes over %d adverts "
                    + "= %.3f bytes/advert after %d warm-up rounds (goal 0)%n", perRound, adverts,
                    perRound / (double) adverts, round);
        }
    }
}
