import halo.check.CheckTiming;
import halo.check.RunningChecker;
import halo.check.CheckerEngine;
import halo.check.CheckerListener;
import halo.check.CheckerSpec;
import halo.check.ConnectOptions;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checker engine benchmark: N real servers (loopback listeners in a separate process) each with a TCP_CHECK at
 * delay_loop 1 s. Prints the engine's CPU (percent of one core, whole JVM, from /proc) and, after killing some
 * listeners, the lag between a listener's death and its checker's DOWN verdict.
 *
 *   java -cp target/halo.jar bench/checkers/CheckerBench.java [servers] [measureSeconds] [kills]
 *   java -cp target/halo.jar bench/checkers/CheckerBench.java listen N      (child: the real servers)
 */
public class CheckerBench {

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("listen")) {
            listen(Integer.parseInt(args[1]));
            return;
        }
        int servers = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int measure = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int kills = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        run(servers, measure, kills);
    }

    /** The real servers: N listening sockets on 127.0.0.1, accepting and closing; "kill i" closes listener i. */
    static void listen(int n) throws Exception {
        Selector selector = Selector.open();
        List<ServerSocketChannel> listeners = new ArrayList<>();
        StringBuilder ports = new StringBuilder();
        for (int i = 0; i < n; i++) {
            ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.INET);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
            s.configureBlocking(false);
            s.register(selector, SelectionKey.OP_ACCEPT, i);
            listeners.add(s);
            ports.append(i == 0 ? "" : ",").append(s.socket().getLocalPort());
        }
        System.out.println(ports);
        System.out.flush();
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.startsWith("kill ")) {
                        int i = Integer.parseInt(line.substring(5).trim());
                        listeners.get(i).close(); // the selector drops the key
                        System.out.println("killed " + i);
                        System.out.flush();
                    }
                }
            } catch (Exception e) {
                // parent gone
            }
            System.exit(0);
        });
        while (true) {
            selector.select();
            for (SelectionKey k : selector.selectedKeys()) {
                if (!k.isValid()) continue;
                SocketChannel c;
                while ((c = ((ServerSocketChannel) k.channel()).accept()) != null) c.close();
            }
            selector.selectedKeys().clear();
        }
    }

    static long cpuTicks() throws Exception {
        long[] t = cpuSplit();
        return t[0] + t[1];
    }

    /** utime, stime in clock ticks (fields 14 and 15 of /proc/self/stat). */
    static long[] cpuSplit() throws Exception {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])};
    }

    static void run(int servers, int measureSeconds, int kills) throws Exception {
        String javaCmd = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String source = Path.of(CheckerBench.class.getProtectionDomain().getCodeSource() == null ? "bench/checkers/CheckerBench.java"
                : "bench/checkers/CheckerBench.java").toString();
        Process child = new ProcessBuilder(javaCmd, "-cp", System.getProperty("java.class.path"), source, "listen",
                String.valueOf(servers)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader fromChild = new BufferedReader(new InputStreamReader(child.getInputStream()));
        PrintWriter toChild = new PrintWriter(child.getOutputStream(), true);
        int[] ports = Arrays.stream(fromChild.readLine().split(",")).mapToInt(Integer::parseInt).toArray();

        Duration loop = Duration.ofSeconds(1), timeout = Duration.ofSeconds(1), dbr = Duration.ofSeconds(1);
        int retry = 1;
        CheckTiming timing = new CheckTiming(loop, timeout, retry, dbr, loop, false);
        Map<Integer, Long> downAt = new ConcurrentHashMap<>();
        long[] unexpected = new long[1];
        CheckerListener listener = new CheckerListener() {
            @Override
            public void stateChanged(RunningChecker checker, boolean up, String reason) {
                if (!up) {
                    downAt.put((Integer) checker.key(), System.nanoTime());
                }
            }
        };
        // Latency of one TCP_CHECK probe on the connect loop, sequentially, before the load starts.
        long lat0 = System.nanoTime();
        for (int i = 0; i < 1000; i++) {
            new halo.check.TcpProbe(ConnectOptions.to(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                    ports[i % ports.length]), timeout)).start().get();
        }
        System.out.printf("single probe latency (sequential, idle engine): %.0f us%n",
                (System.nanoTime() - lat0) / 1000.0 / 1000);
        try (CheckerEngine engine = new CheckerEngine(listener)) {
            for (int i = 0; i < servers; i++) {
                engine.add(CheckerSpec.tcp(i, timing,
                        ConnectOptions.to(new InetSocketAddress(InetAddress.getLoopbackAddress(), ports[i]), timeout)));
            }
            Thread.sleep(5000); // bootstrap (1 s) + warmup spread (1 s) + JIT
            int downBefore = downAt.size();
            long[] split0 = cpuSplit();
            long ticks0 = cpuTicks(), t0 = System.nanoTime();
            List<RunningChecker> all = engine.checkers().stream()
                    .sorted(java.util.Comparator.comparingInt(c -> (Integer) c.key())).toList();
            long probes0 = all.stream().mapToLong(RunningChecker::probes).sum();
            Thread.sleep(measureSeconds * 1000L);
            long ticks1 = cpuTicks(), t1 = System.nanoTime();
            long[] split1 = cpuSplit();
            long probes1 = all.stream().mapToLong(RunningChecker::probes).sum();
            double hz = 100.0; // USER_HZ
            double cpu = (ticks1 - ticks0) / hz / ((t1 - t0) / 1e9) * 100;
            double rate = (probes1 - probes0) / ((t1 - t0) / 1e9);

            unexpected[0] = all.stream().filter(c -> !c.isUp()).count();
            // Kill listeners spread over a couple of seconds; measure death -> DOWN.
            Map<Integer, Long> killedAt = new ConcurrentHashMap<>();
            int alreadyDown = 0;
            for (int k = 0; k < kills; k++) {
                int victim = (int) ((long) k * servers / kills);
                if (!all.get(victim).isUp()) {
                    alreadyDown++; // overloaded host: this one failed before we killed it; not a lag sample
                    continue;
                }
                downAt.remove(victim);
                killedAt.put(victim, System.nanoTime());
                toChild.println("kill " + victim);
                fromChild.readLine(); // "killed i": the socket is closed
                killedAt.put(victim, System.nanoTime());
                Thread.sleep(10);
            }
            long bound = timeout.multipliedBy(retry + 1).plus(dbr.multipliedBy(retry)).plus(loop).toMillis();
            long deadline = System.nanoTime() + Duration.ofMillis(bound + 5000).toNanos();
            while (System.nanoTime() < deadline && !downAt.keySet().containsAll(killedAt.keySet())) Thread.sleep(50);
            long[] lags = killedAt.entrySet().stream().mapToLong(e -> {
                Long d = downAt.get(e.getKey());
                return d == null ? Long.MAX_VALUE : (d - e.getValue()) / 1_000_000;
            }).sorted().toArray();
            long missing = Arrays.stream(lags).filter(l -> l == Long.MAX_VALUE).count();
            System.out.printf("servers=%d delay_loop=1s connect_timeout=1s retry=1 delay_before_retry=1s%n", servers);
            System.out.printf("host: %d cores, load average %s (a loaded host starves the engine; compare runs on an idle"
                    + " host)%n", Runtime.getRuntime().availableProcessors(),
                    Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
            System.out.printf("CPU per check: %.0f us%n", (ticks1 - ticks0) / hz * 1e6 / Math.max(1, probes1 - probes0));
            System.out.printf("probe rate: %.0f checks/s (expected ~%d)%n", rate, servers);
            System.out.printf("checker engine CPU: %.1f%% of one core over %ds (goal < 10%%)%n", cpu, measureSeconds);
            System.out.printf("  of which user %.1f%%, kernel %.1f%%%n",
                    (split1[0] - split0[0]) / hz / ((t1 - t0) / 1e9) * 100,
                    (split1[1] - split0[1]) / hz / ((t1 - t0) / 1e9) * 100);
            System.out.printf("checkers down before the kills (should be 0; >0 means the host could not keep up): %d%n",
                    unexpected[0]);
            System.out.printf("death->DOWN lag over %d kills (%d skipped, already down): min %d ms, p50 %d ms, p99 %d ms,"
                    + " max %d ms, missing %d%n", lags.length, alreadyDown, lags[0], lags[lags.length / 2], lags[(int) (lags.length * 0.99)],
                    lags[lags.length - 1 - (int) missing], missing);
            System.out.printf("configured bound: connect_timeout x (retry+1) + delay_before_retry x retry + delay_loop"
                    + " = %d ms (goal: max lag <= bound + 50 ms) -> %s%n", bound,
                    missing == 0 && lags[lags.length - 1] <= bound + 50 ? "OK" : "MISSED");
        } finally {
            child.destroy();
        }
    }
}
