package halo.sim;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * bench/lan-properties: how much CPU LanPropertyTest's fault schedules take (the simulated LAN with real state
 * machines and codec, and the rules checked after every run). Prints schedules per CPU second and the CPU time the
 * unit test's 10,000 schedules take, against its goal of one minute of one core.
 *
 * <p>Usage: {@code java -cp target/classes:target/test-classes halo.sim.LanPropertyBench [schedules=10000] [seed]}
 */
public final class LanPropertyBench {
    private LanPropertyBench() {}

    public static void main(String[] args) {
        int schedules = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        long base = args.length > 1 ? Long.parseLong(args[1]) : System.nanoTime() ^ 0x5DEECE66DL;
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        // warm-up: the first schedules pay for class loading and the JIT
        LanPropertyTest.checkSchedules(base - 1_000, Math.min(500, schedules), Long.MAX_VALUE);
        long cpu0 = threads.getCurrentThreadCpuTime();
        long wall0 = System.nanoTime();
        int done = LanPropertyTest.checkSchedules(base, schedules, Long.MAX_VALUE);
        double cpu = (threads.getCurrentThreadCpuTime() - cpu0) / 1e9;
        double wall = (System.nanoTime() - wall0) / 1e9;
        double perSecond = done / cpu;
        System.out.printf("lan-properties: %d fault schedules (base seed %d), all rules held: %.1f s CPU, %.1f s wall, "
                + "%.0f schedules per CPU second%n", done, base, cpu, wall, perSecond);
        System.out.printf("lan-properties: LanPropertyTest's 10,000 schedules take %.1f s of CPU (goal: under 60 s): %s%n",
                10_000 / perSecond, 10_000 / perSecond < 60 ? "met" : "NOT met");
    }
}
