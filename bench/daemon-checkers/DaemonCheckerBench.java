import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The daemon's checker side under load: {@code halo run -C} (a separate process, from target/halo.jar) with N real
 * servers, each a TCP_CHECK at delay_loop 1 s, against N loopback listeners held here. Prints the daemon's CPU over
 * the measurement (percent of one core, from /proc/PID/stat) and, after closing some listeners, the lag between each
 * close and the daemon's {@code RS [..] [..] DOWN} line on its LVS notify FIFO, against the configured bound
 * connect_timeout x (retry+1) + delay_before_retry x retry + delay_loop.
 *
 *   java -cp target/halo.jar bench/daemon-checkers/DaemonCheckerBench.java [servers] [measureSeconds] [kills]
 */
public class DaemonCheckerBench {

    static final int PER_VS = 100;

    public static void main(String[] args) throws Exception {
        int servers = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int measure = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int kills = args.length > 2 ? Integer.parseInt(args[2]) : 200;

        // the real servers: N listeners on 127.0.0.1 accepting and closing, on a selector thread
        Selector selector = Selector.open();
        List<ServerSocketChannel> listeners = new ArrayList<>();
        int[] ports = new int[servers];
        for (int i = 0; i < servers; i++) {
            ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.INET);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
            s.configureBlocking(false);
            listeners.add(s);
            ports[i] = s.socket().getLocalPort();
        }
        for (ServerSocketChannel s : listeners) s.register(selector, SelectionKey.OP_ACCEPT);
        Thread.ofPlatform().daemon().name("listeners").start(() -> {
            try {
                while (true) {
                    selector.select();
                    for (SelectionKey k : selector.selectedKeys()) {
                        if (!k.isValid()) continue;
                        SocketChannel c;
                        try {
                            c = ((ServerSocketChannel) k.channel()).accept();
                        } catch (IOException e) {
                            continue;
                        }
                        if (c != null) c.close();
                    }
                    selector.selectedKeys().clear();
                }
            } catch (Exception e) {
                // done
            }
        });

        Path dir = Files.createTempDirectory("halo-bench-daemon-checkers");
        Path fifo = dir.resolve("lvs.fifo");
        Path conf = dir.resolve("keepalived.conf");
        StringBuilder c = new StringBuilder("global_defs {\n    router_id BENCH\n    lvs_notify_fifo " + fifo + "\n}\n");
        int connectTimeout = 1, retry = 0, delayBeforeRetry = 1, delayLoop = 1;
        for (int v = 0; v * PER_VS < servers; v++) {
            c.append("virtual_server 127.0.1.").append(v / 250 + 1).append(' ').append(1000 + v % 250).append(" {\n")
                    .append("    delay_loop ").append(delayLoop).append("\n    lb_algo rr\n    lb_kind NAT\n    protocol TCP\n");
            for (int i = v * PER_VS; i < Math.min(servers, (v + 1) * PER_VS); i++) {
                c.append("    real_server 127.0.0.1 ").append(ports[i]).append(" {\n        TCP_CHECK {\n")
                        .append("            connect_timeout ").append(connectTimeout).append('\n')
                        .append("            retry ").append(retry).append('\n')
                        .append("            delay_before_retry ").append(delayBeforeRetry).append('\n')
                        // spread the first checks over one delay_loop (without it all N connect at the same instant)
                        .append("            warmup ").append(delayLoop).append('\n')
                        .append("        }\n    }\n");
            }
            c.append("}\n");
        }
        Files.writeString(conf, c);
        Path log = dir.resolve("halo.log");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process daemon = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-jar", "target/halo.jar",
                "run", "-C", "-n", "-l", "-f", conf.toString(), "--control-socket", dir.resolve("halo.sock").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            long end = System.nanoTime() + 60_000_000_000L;
            while (!Files.readString(log).contains("Startup complete")) {
                if (!daemon.isAlive() || System.nanoTime() > end) throw new IllegalStateException("daemon did not start:\n" + Files.readString(log));
                Thread.sleep(100);
            }
            // the FIFO's lines, stamped on arrival
            Map<String, Long> downAt = new ConcurrentHashMap<>();
            Thread.ofPlatform().daemon().name("fifo").start(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(Files.newInputStream(fifo), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        long now = System.nanoTime();
                        if (line.startsWith("RS ") && line.endsWith(" DOWN")) {
                            String rs = line.substring(3, line.indexOf(' ', 3));
                            downAt.putIfAbsent(rs, now);
                        }
                    }
                } catch (IOException e) {
                    // daemon gone
                }
            });
            System.out.printf("halo run -C: %d real servers (TCP_CHECK, delay_loop %d s, connect_timeout %d s, retry %d, warmup 1 s) in %d virtual servers%n",
                    servers, delayLoop, connectTimeout, retry, (servers + PER_VS - 1) / PER_VS);
            Thread.sleep(10_000); // warm up: every checker has run several times, the JIT has settled
            if (!downAt.isEmpty()) {
                System.out.printf("warning: %d servers went down during warmup; the daemon's log says:%n", downAt.size());
                Files.readAllLines(log).stream().filter(l -> !l.contains("Removing service") && !l.contains("Activating")).limit(15).forEach(System.out::println);
                downAt.clear();
            }

            long pid = daemon.pid();
            long t0 = System.nanoTime();
            long cpu0 = cpuTicks(pid);
            Map<String, Long> threads0 = threadTicks(pid);
            Thread.sleep(measure * 1000L);
            long cpu1 = cpuTicks(pid);
            Map<String, Long> threads1 = threadTicks(pid);
            double seconds = (System.nanoTime() - t0) / 1e9;
            double percent = 100.0 * (cpu1 - cpu0) / 100.0 / seconds; // USER_HZ = 100
            System.out.printf("daemon CPU: %.1f%% of one core over %.0f s (goal < 10%%)%n", percent, seconds);
            System.out.printf("daemon RSS: %d MB%n", rssKb(pid) / 1024);
            Map<String, Long> byName = new java.util.TreeMap<>();
            threads1.forEach((k, v) -> byName.merge(k.substring(k.indexOf(' ') + 1), v - threads0.getOrDefault(k, 0L), Long::sum));
            System.out.print("daemon threads by CPU:");
            byName.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(6)
                    .forEach(e -> System.out.printf(" %s %.1f%%;", e.getKey(), e.getValue() / seconds));
            System.out.println();

            // deaths, spread over a few seconds so they land at every phase of the checkers' cycles
            long[] killedAt = new long[kills];
            String[] names = new String[kills];
            int step = Math.max(1, servers / Math.max(1, kills));
            for (int k = 0; k < kills; k++) {
                int i = (k * step) % servers;
                names[k] = "[127.0.0.1]:tcp:" + ports[i];
                listeners.get(i).close(); // the listening socket goes at the selector's next round, woken now
                selector.wakeup();
                killedAt[k] = System.nanoTime();
                Thread.sleep(3000 / Math.max(1, kills) + 1);
            }
            long bound = (connectTimeout * (retry + 1L) + delayBeforeRetry * (long) retry + delayLoop) * 1000;
            long wait = System.nanoTime() + (bound + 5000) * 1_000_000L;
            while (System.nanoTime() < wait && Arrays.stream(names).anyMatch(n -> !downAt.containsKey(n))) Thread.sleep(20);
            long[] lag = new long[kills];
            int missing = 0;
            for (int k = 0; k < kills; k++) {
                Long at = downAt.get(names[k]);
                if (at == null) { missing++; lag[k] = Long.MAX_VALUE; } else lag[k] = (at - killedAt[k]) / 1_000_000;
            }
            Arrays.sort(lag);
            long max = lag[kills - 1 - missing];
            System.out.printf("death -> RS DOWN on the FIFO (ms) over %d deaths: p50 %d, p99 %d, max %d; bound %d ms (+50 ms goal: %s)%s%n",
                    kills, lag[(kills - missing) / 2], lag[Math.min(kills - missing - 1, (int) ((kills - missing) * 0.99))], max,
                    bound, max <= bound + 50 ? "met" : "MISSED", missing > 0 ? "; " + missing + " not reported" : "");
            System.out.printf("other servers reported down (should be 0): %d%n",
                    downAt.keySet().stream().filter(n -> !Arrays.asList(names).contains(n)).count());
        } finally {
            daemon.destroy();
            daemon.waitFor();
            for (ServerSocketChannel s : listeners) s.close();
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) Files.deleteIfExists(p);
            }
            Files.deleteIfExists(dir);
        }
    }

    static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15)
    }

    /** Per thread "tid name" -> utime+stime ticks; thread names grouped without their numbers. */
    static Map<String, Long> threadTicks(long pid) throws IOException {
        Map<String, Long> out = new java.util.HashMap<>();
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path t : tasks.toList()) {
                try {
                    String stat = Files.readString(t.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("[0-9]+$", "#");
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    out.put(t.getFileName() + " " + name, Long.parseLong(f[11]) + Long.parseLong(f[12]));
                } catch (IOException e) {
                    // thread ended
                }
            }
        }
        return out;
    }

    static long rssKb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
        return -1;
    }
}
