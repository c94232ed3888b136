package halo.vrrp.wire;

import java.lang.management.ManagementFactory;

/**
 * bench/vrrp-codec: CPU time and allocation per advert for encode + validate + read (see {@link CodecWorkload}),
 * one thread. Prints one line per measured round and a summary.
 *
 * <p>Usage: {@code java -cp target/classes:target/test-classes halo.vrrp.wire.CodecBench [adverts-per-round] [rounds]};
 * {@code -Dhalo.bench.segment=confined|heap|global} picks the buffer kind (default: a confined native segment).
 */
public final class CodecBench {
    private CodecBench() {}

    public static void main(String[] args) {
        int perRound = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        threads.setThreadAllocatedMemoryEnabled(true);
        try (CodecWorkload workload = new CodecWorkload()) {
            for (int warm = 0; warm < 3; warm++) {
                long b0 = threads.getCurrentThreadAllocatedBytes();
                workload.run(perRound);
                System.out.printf("warm-up %d: %.3f bytes/advert%n", warm,
                        (threads.getCurrentThreadAllocatedBytes() - b0) / (double) perRound);
            }
            double bestNs = Double.MAX_VALUE;
            long totalBytes = 0;
            for (int r = 0; r < rounds; r++) {
                long bytes0 = threads.getCurrentThreadAllocatedBytes();
                long cpu0 = threads.getCurrentThreadCpuTime();
                int accepted = workload.run(perRound);
                long cpu = threads.getCurrentThreadCpuTime() - cpu0;
                long bytes = threads.getCurrentThreadAllocatedBytes() - bytes0;
                totalBytes += bytes;
                double ns = cpu / (double) perRound;
                bestNs = Math.min(bestNs, ns);
                System.out.printf("round %d: %d adverts (%d accepted), %.1f ns CPU/advert, %.3f bytes/advert%n",
                        r, perRound, accepted, ns, bytes / (double) perRound);
            }
            for (CodecWorkload.Mix mix : CodecWorkload.Mix.values()) {
                workload.run(perRound, mix);
                long cpu0 = threads.getCurrentThreadCpuTime();
                long bytes0 = threads.getCurrentThreadAllocatedBytes();
                workload.run(perRound, mix);
                System.out.printf("  %-8s %.1f ns CPU/advert, %.3f bytes/advert%n", mix,
                        (threads.getCurrentThreadCpuTime() - cpu0) / (double) perRound,
                        (threads.getCurrentThreadAllocatedBytes() - bytes0) / (double) perRound);
            }
            System.out.printf("vrrp-codec: best %.1f ns CPU per advert (encode+validate+read; mix v3 IPv4, v2 AH, v3 IPv6), "
                    + "%.3f bytes allocated per advert over %d adverts; 1,000 instances at 10 ms = 100,000 adverts/s = %.2f%% of a core "
                    + "for encode+validate (one encode and one validate per advert) [check %d]%n",
                    bestNs, totalBytes / (double) ((long) perRound * rounds), (long) perRound * rounds, bestNs * 100_000 / 1e7,
                    workload.resultChecksum());
        }
    }
}
