package halo.lvs.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import halo.testing.Await;
import io.netty.channel.EventLoop;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.ThreadAwareExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The TCP loop's poller ({@link NativeTcpLoop}, the IoHandler of Netty's event loop): a turn blocked in epoll_wait
 * with no timeout ends on a wake-up from another thread (the eventfd, read back once); run by Netty's loop, it wakes
 * for its timers (the timeout from Netty's timer queue) in deadline order, and tasks from several threads all run on
 * the loop's thread.
 */
class NativeTcpLoopTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private final Map<ThreadAwareExecutor, NativeTcpLoop> pollers = new ConcurrentHashMap<>();
    private final MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, ProxyEngine.daemonThreads(),
            NativeTcpLoop.factory(pollers::put));
    private final EventLoop loop = group.next();
    private final NativeTcpLoop poller = pollers.get((ThreadAwareExecutor) loop);

    @AfterEach
    void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }

    /** Starts the loop's thread and waits until it has gone to sleep in epoll_wait with no timer (nothing to do). */
    private void untilAsleep() throws Exception {
        loop.submit(() -> null).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        long before = poller.blockedTurns();
        assertThat(Await.until(WAIT, () -> poller.blockedTurns() > before)).as("the loop went to sleep").isTrue();
    }

    /** A turn that may block with no timer: only a socket or the eventfd can end it. */
    private static final IoHandlerContext FOREVER = new IoHandlerContext() {
        @Override
        public boolean canBlock() {
            return true;
        }

        @Override
        public long delayNanos(long currentTimeNanos) {
            return Long.MAX_VALUE;
        }

        @Override
        public long deadlineNanos() {
            return -1;
        }
    };

    private static final IoHandlerContext NOW = new IoHandlerContext() {
        @Override
        public boolean canBlock() {
            return false;
        }

        @Override
        public long delayNanos(long currentTimeNanos) {
            return 0;
        }

        @Override
        public long deadlineNanos() {
            return -1;
        }
    };

    @Test
    void aWakeUpFromAnotherThreadEndsATurnWithNoTimeoutAndIsReadOnce() throws Exception {
        AtomicReference<Thread> loopThread = new AtomicReference<>();
        ThreadAwareExecutor executor = new ThreadAwareExecutor() {
            @Override
            public boolean isExecutorThread(Thread thread) {
                return thread == loopThread.get();
            }

            @Override
            public void execute(Runnable command) {
                throw new UnsupportedOperationException();
            }
        };
        NativeTcpLoop alone = NativeTcpLoop.open(executor);
        try {
            CompletableFuture<Integer> turn = new CompletableFuture<>();
            Thread.ofPlatform().daemon().start(() -> {
                loopThread.set(Thread.currentThread());
                turn.complete(alone.run(FOREVER));
            });
            assertThat(Await.until(WAIT, () -> alone.blockedTurns() == 1)).as("the turn began").isTrue();

            alone.wakeup();

            assertThat(turn.get(WAIT.toSeconds(), TimeUnit.SECONDS)).as("events: the eventfd").isEqualTo(1);
            assertThat(alone.wakeUpsByTasks()).isEqualTo(1);
            // the eventfd was read back to zero: a turn that does not wait finds nothing
            CompletableFuture<Integer> next = new CompletableFuture<>();
            Thread.ofPlatform().daemon().start(() -> {
                loopThread.set(Thread.currentThread());
                alone.wakeup(); // on the loop's own thread: nothing to wake
                next.complete(alone.run(NOW));
            });
            assertThat(next.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isZero();
        } finally {
            alone.destroy();
        }
    }

    @Test
    void aTaskFromAnotherThreadRunsOnTheLoop() throws Exception {
        untilAsleep();

        String ranOn = loop.submit(() -> Thread.currentThread().getName()).get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertThat(ranOn).startsWith("halo-proxy-");
    }

    @Test
    void timersFireInDeadlineOrderOnALoopWithNothingElseToDo() throws Exception {
        untilAsleep();
        List<String> fired = new CopyOnWriteArrayList<>();

        // scheduled one after the other with growing delays: their deadlines grow whatever the machine's load
        loop.schedule(() -> fired.add("10 ms"), 10, TimeUnit.MILLISECONDS);
        loop.schedule(() -> fired.add("20 ms"), 20, TimeUnit.MILLISECONDS);
        loop.schedule(() -> fired.add("30 ms"), 30, TimeUnit.MILLISECONDS);

        assertThat(Await.until(WAIT, () -> fired.size() == 3)).as("all three timers fired").isTrue();
        assertThat(fired).containsExactly("10 ms", "20 ms", "30 ms");
    }

    @Test
    void aTimerScheduledOnTheLoopEndsItsSleep() throws Exception {
        untilAsleep();
        AtomicInteger fired = new AtomicInteger();

        // scheduled from the loop itself (no eventfd write): the next epoll_wait must time out for it
        loop.execute(() -> loop.schedule(fired::incrementAndGet, 5, TimeUnit.MILLISECONDS));

        assertThat(Await.until(WAIT, () -> fired.get() == 1)).as("the timer fired").isTrue();
    }

    @Test
    void everyTaskFromSeveralThreadsRunsOnTheLoop() throws Exception {
        untilAsleep();
        int threads = 4;
        int perThread = 2_000;
        AtomicInteger ran = new AtomicInteger();
        AtomicInteger offLoop = new AtomicInteger();
        List<Thread> submitters = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            submitters.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < perThread; i++) {
                    loop.execute(() -> {
                        if (!loop.inEventLoop()) {
                            offLoop.incrementAndGet();
                        }
                        ran.incrementAndGet();
                    });
                }
            }));
        }
        for (Thread t : submitters) {
            t.join(WAIT.toMillis());
        }

        assertThat(Await.until(WAIT, () -> ran.get() == threads * perThread)).as("every task ran").isTrue();
        assertThat(offLoop.get()).isZero();
    }

    @Test
    void theTimeoutIsTheNextTimerRoundedUpToAMillisecond() {
        assertThat(NativeTcpLoop.timeoutMillis(-1, 1_000_000_000L)).as("no timer: no timeout").isEqualTo(-1);
        assertThat(NativeTcpLoop.timeoutMillis(42, 0)).as("due").isZero();
        assertThat(NativeTcpLoop.timeoutMillis(42, -5)).as("overdue").isZero();
        assertThat(NativeTcpLoop.timeoutMillis(42, 1)).as("under a millisecond still sleeps").isEqualTo(1);
        assertThat(NativeTcpLoop.timeoutMillis(42, 1_000_000)).isEqualTo(1);
        assertThat(NativeTcpLoop.timeoutMillis(42, 1_000_001)).isEqualTo(2);
        assertThat(NativeTcpLoop.timeoutMillis(42, Long.MAX_VALUE)).isEqualTo(Integer.MAX_VALUE);
    }
}
