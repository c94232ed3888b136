package halo.observe;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The process's own figures, named as Prometheus's client libraries name them (process_* as every client exports
 * them, jvm_* as the Java client's hotspot collectors do), so dashboards made for those work unchanged.
 */
public final class ProcessMetrics {

    private ProcessMetrics() {}

    public static void write(MetricsText m) {
        String status = read(Path.of("/proc/self/status"));
        long rss = statusKilobytes(status, "VmRSS:");
        long virtual = statusKilobytes(status, "VmSize:");
        if (rss >= 0) {
            m.family("process_resident_memory_bytes", MetricsText.Type.GAUGE, "Resident memory size in bytes.")
                    .sample(rss * 1024);
        }
        if (virtual >= 0) {
            m.family("process_virtual_memory_bytes", MetricsText.Type.GAUGE, "Virtual memory size in bytes.")
                    .sample(virtual * 1024);
        }
        Instant start = ProcessHandle.current().info().startInstant().orElse(null);
        if (start != null) {
            m.family("process_start_time_seconds", MetricsText.Type.GAUGE,
                    "Start time of the process since unix epoch in seconds.")
                    .sample(start.toEpochMilli() / 1000.0);
        }
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            m.family("process_cpu_seconds_total", MetricsText.Type.COUNTER,
                    "Total user and system CPU time spent in seconds.")
                    .sample(os.getProcessCpuTime() / 1e9);
        }
        long fds = openDescriptors();
        if (fds >= 0) {
            m.family("process_open_fds", MetricsText.Type.GAUGE, "Number of open file descriptors.").sample(fds);
        }
        long maxFds = maxDescriptors(read(Path.of("/proc/self/limits")));
        if (maxFds >= 0) {
            m.family("process_max_fds", MetricsText.Type.GAUGE, "Maximum number of open file descriptors.")
                    .sample(maxFds);
        }
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        MemoryUsage nonHeap = ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage();
        m.family("jvm_memory_bytes_used", MetricsText.Type.GAUGE, "Used bytes of a given JVM memory area.")
                .sample(heap.getUsed(), "area", "heap")
                .sample(nonHeap.getUsed(), "area", "nonheap");
        m.family("jvm_memory_bytes_committed", MetricsText.Type.GAUGE, "Committed bytes of a given JVM memory area.")
                .sample(heap.getCommitted(), "area", "heap")
                .sample(nonHeap.getCommitted(), "area", "nonheap");
        m.family("jvm_gc_collection_seconds", MetricsText.Type.SUMMARY,
                "Time spent in a given JVM garbage collector in seconds.");
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            m.sample("_count", Math.max(0, gc.getCollectionCount()), "gc", gc.getName());
            m.sample("_sum", Math.max(0, gc.getCollectionTime()) / 1000.0, "gc", gc.getName());
        }
        m.family("jvm_threads_current", MetricsText.Type.GAUGE, "Current thread count of a JVM.")
                .sample(ManagementFactory.getThreadMXBean().getThreadCount());
    }

    /** A "Name:   1234 kB" line of /proc/self/status in kB, -1 when absent. */
    static long statusKilobytes(String status, String name) {
        for (String line : status.split("\n")) {
            if (line.startsWith(name)) {
                String[] parts = line.substring(name.length()).strip().split("\\s+");
                try {
                    return Long.parseLong(parts[0]);
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }

    /** The soft limit of "Max open files" in /proc/self/limits, -1 when absent or unlimited. */
    static long maxDescriptors(String limits) {
        for (String line : limits.split("\n")) {
            if (line.startsWith("Max open files")) {
                String[] parts = line.substring("Max open files".length()).strip().split("\\s+");
                try {
                    return Long.parseLong(parts[0]);
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }

    private static long openDescriptors() {
        long n = 0;
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path ignored : fds) n++;
        } catch (IOException e) {
            return -1;
        }
        return n - 1; // the directory stream's own
    }

    private static String read(Path path) {
        try {
            return Files.readString(path);
        } catch (IOException e) {
            return "";
        }
    }
}
