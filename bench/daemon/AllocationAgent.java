import java.util.concurrent.locks.LockSupport;

/**
 * The soak's garbage maker, loaded into 'halo run' as a Java agent (bench/daemon/run builds it and passes
 * -javaagent:JAR=MB through HALO_JVM_FLAGS, so bin/halo's own flags stay as users run them): N MB/s in 32 KB arrays,
 * the last 256 of them (8 MB) kept alive so that some survive a young collection and the old generation fills too,
 * as a busy application's would.
 */
public final class AllocationAgent {

    private AllocationAgent() {}

    public static void premain(String args) {
        int mbPerSecond = Integer.parseInt(args.trim());
        Thread t = new Thread(() -> allocate(mbPerSecond), "bench-allocate");
        t.setDaemon(true);
        t.start();
    }

    private static void allocate(int mbPerSecond) {
        byte[][] keep = new byte[256][];
        int next = 0;
        long chunk = 32 * 1024;
        long perTick = mbPerSecond * 1024L * 1024L / 100; // every 10 ms
        long tick = System.nanoTime();
        while (!Thread.currentThread().isInterrupted()) {
            for (long done = 0; done < perTick; done += chunk) {
                byte[] b = new byte[(int) chunk];
                b[(int) (done % chunk)] = 1;
                keep[next++ & 255] = b;
            }
            tick += 10_000_000L;
            long wait = tick - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            } else {
                tick = System.nanoTime();
            }
        }
    }
}
