package halo.os;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A dedicated platform thread living in a named network namespace (the {@code ip netns} ones under
 * /var/run/netns). setns(2) moves only the calling thread, so sockets that tasks open here belong to that
 * namespace and keep working from any thread afterwards. Lets one JVM (a test, the demo) act in several
 * namespaces. Needs CAP_SYS_ADMIN.
 */
public final class NetNamespace implements AutoCloseable {
    private final String name;
    private final ExecutorService thread;

    private NetNamespace(String name) {
        this.name = name;
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = Thread.ofPlatform().name("netns-" + name).daemon(true).unstarted(r);
            return t;
        });
    }

    /** Starts a thread inside namespace NAME (as created by {@code ip netns add NAME}). */
    public static NetNamespace enter(String name) throws NativeException {
        HostOs.ensureAvailable();
        NetNamespace ns = new NetNamespace(name);
        try {
            ns.call(() -> {
                setns("/var/run/netns/" + name);
                return null;
            });
        } catch (NativeException e) {
            ns.close();
            throw e;
        } catch (Exception e) {
            ns.close();
            throw new IllegalStateException(e);
        }
        return ns;
    }

    /**
     * Threads that move into namespace NAME as they start, before running their task: for a thread pool (the
     * proxy's event loops) whose sockets must live in that namespace. A thread that cannot enter it ends at once
     * with an IllegalStateException.
     */
    public static java.util.concurrent.ThreadFactory threadsIn(String name) {
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        return task -> Thread.ofPlatform().name("netns-" + name + "-" + n.getAndIncrement()).daemon(true).unstarted(() -> {
            try {
                setns("/var/run/netns/" + name);
            } catch (NativeException e) {
                throw new IllegalStateException(e);
            }
            task.run();
        });
    }

    private static void setns(String path) throws NativeException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cs = Native.capture();
            int fd = (int) Native.OPEN.invokeExact(cs, a.allocateFrom(path), Native.O_RDONLY | Native.O_CLOEXEC);
            if (fd < 0) {
                throw NativeException.of("open", Native.errno(cs), path);
            }
            try {
                int rc = (int) Native.SETNS.invokeExact(cs, fd, Native.CLONE_NEWNET);
                if (rc < 0) {
                    throw NativeException.of("setns", Native.errno(cs), "into " + path, Capabilities.CAP_SYS_ADMIN);
                }
            } finally {
                Native.close(fd);
            }
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /**
     * Runs TASK on the namespace's thread and returns its result (its exception is rethrown as is); gives up
     * after 60 s with a TimeoutException.
     */
    public <T> T call(Callable<T> task) throws Exception {
        try {
            return thread.submit(task).get(60, java.util.concurrent.TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception ex) {
                throw ex;
            }
            throw e;
        }
    }

    public String name() {
        return name;
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
