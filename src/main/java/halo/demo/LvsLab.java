package halo.demo;

import com.sun.net.httpserver.HttpServer;
import halo.os.NetNamespace;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The seeds' LVS-DR picture, live: a client, two directors (Halo with VRRP and the nftables data plane, lb_kind DR,
 * wrr 3/1 as in seed 003, a TCP_CHECK per real server) and two real servers (a web server answering with its name,
 * the VIP on lo with arp_ignore=1 and arp_announce=2, prepared by {@code halo realserver start}). The client fetches
 * http://VIP/ every millisecond on a new connection and keeps one long-lived keep-alive connection asking every
 * 10 ms, and the lab measures what both saw while a real server stops and returns and the master director crashes.
 */
public final class LvsLab implements AutoCloseable {

    /** What the client saw across one disruption. */
    public record Outcome(String what, long outageMicros, long probes, long failures) {}

    /** What the long-lived connection saw so far: requests answered, errors (resets, timeouts), its longest stall. */
    public record LongLived(long answered, long errors, long longestStallMicros, String servedBy, String lastError) {}

    public static final String VIP = SeedTopology.VIP4;
    private static final Duration READY = Duration.ofSeconds(60);
    private static final String[] REAL_SERVERS = {"rs1", "rs2"};

    private final PrintStream out;
    private final String advertInt;
    private final Path dir;
    private final SeedTopology lan;
    private final List<NetNamespace> namespaces = new ArrayList<>();
    private final Map<String, NetNamespace> realServerNamespaces = new LinkedHashMap<>();
    private final Map<String, HttpServer> webServers = new LinkedHashMap<>();
    private final Process[] directors = new Process[3];
    private final NetNamespace client;
    private final ClientProbe probe;
    private final KeepAliveClient longLived;

    public LvsLab(String advertInt, PrintStream out) throws IOException {
        this.out = out;
        this.advertInt = advertInt;
        this.dir = Files.createTempDirectory("halo-demo-lvs-");
        this.lan = SeedTopology.seeds("lvs");
        try {
            for (String rs : REAL_SERVERS) {
                NetNamespace ns = NetNamespace.enter(lan.host(rs).namespace());
                namespaces.add(ns);
                realServerNamespaces.put(rs, ns);
                realServer(rs, "start");
                startWebServer(rs);
            }
            client = NetNamespace.enter(lan.host("client").namespace());
            namespaces.add(client);
            probe = new ClientProbe(client, VIP, out);
            longLived = new KeepAliveClient();
        } catch (Exception e) {
            close();
            throw e instanceof IOException io ? io : new IOException(e);
        }
    }

    /** Runs {@code halo realserver ACTION --vip VIP} inside the real server's namespace, as an operator's init script would. */
    private void realServer(String rs, String action) throws IOException {
        List<String> cmd = new ArrayList<>(lan.exec(rs));
        cmd.addAll(java());
        cmd.addAll(List.of("realserver", action, "--vip", VIP));
        try {
            SeedTopology.run(cmd);
        } catch (IOException e) {
            throw new IOException("halo realserver " + action + " on " + rs + " failed: " + e.getMessage(), e);
        }
    }

    /** This JVM's java and class path running halo.cli.Main: the demo's processes run the same Halo as the demo. */
    private static List<String> java() {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-Xmx256m"));
        for (String env : List.of("HALO_DAEMON_JVM_FLAGS", "HALO_JVM_FLAGS")) {
            String flags = System.getenv(env);
            if (flags != null && !flags.isBlank()) cmd.addAll(List.of(flags.trim().split("\\s+")));
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "halo.cli.Main"));
        return cmd;
    }

    /** A web server on port 80 (every address, the VIP on lo included) that answers with the real server's name. */
    private void startWebServer(String rs) throws IOException {
        NetNamespace ns = realServerNamespaces.get(rs);
        HttpServer s;
        try {
            s = ns.call(() -> HttpServer.create(new InetSocketAddress(80), 256));
        } catch (Exception e) {
            throw e instanceof IOException io ? io : new IOException(e);
        }
        byte[] body = (rs + "\n").getBytes(StandardCharsets.US_ASCII);
        s.createContext("/", ex -> {
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(body);
            }
        });
        s.setExecutor(null);
        s.start();
        webServers.put(rs, s);
    }

    private Path config(int n, int priority) throws IOException {
        StringBuilder realServers = new StringBuilder();
        int[] weights = {3, 1};
        for (int i = 0; i < REAL_SERVERS.length; i++) {
            realServers.append("""
                        real_server %s 80 {
                            weight %d
                            TCP_CHECK {
                                connect_timeout 1
                            }
                        }
                    """.formatted(lan.host(REAL_SERVERS[i]).ipv4(), weights[i]));
        }
        String text = """
                ! director %d of the seeds' LVS-DR layout (seed 003's wrr 3/1)
                global_defs {
                    router_id lb0%d
                    lvs_dataplane nftables
                }
                vrrp_instance VI_1 {
                    state %s
                    interface eth0
                    virtual_router_id 51
                    priority %d
                    advert_int %s
                    authentication {
                        auth_type PASS
                        auth_pass halodemo
                    }
                    virtual_ipaddress {
                        %s/24 dev eth0
                    }
                }
                virtual_server %s 80 {
                    delay_loop 1
                    lb_algo wrr
                    lb_kind DR
                    protocol TCP
                %s}
                """.formatted(n, n, n == 1 ? "MASTER" : "BACKUP", priority, advertInt, VIP, VIP, realServers);
        Path p = dir.resolve("dir" + n + ".conf");
        Files.writeString(p, text);
        return p;
    }

    /** Starts director N's `halo run` (N = 1 has priority 150, N = 2 has 100). */
    public void startDirector(int n) throws IOException {
        Path conf = config(n, n == 1 ? 150 : 100);
        List<String> cmd = new ArrayList<>(lan.exec("dir" + n));
        cmd.addAll(java());
        cmd.addAll(List.of("run", "-n", "-l", "-f", conf.toString(), "--control-socket", dir.resolve("dir" + n + ".sock").toString(),
                "-p", dir.resolve("dir" + n + ".pid").toString(), "-r", dir.resolve("dir" + n + "-vrrp.pid").toString(),
                "-c", dir.resolve("dir" + n + "-checkers.pid").toString()));
        ProcessBuilder builder = new ProcessBuilder(cmd);
        builder.environment().put("MALLOC_ARENA_MAX", "2");
        directors[n] = builder.redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("dir" + n + ".log").toFile())).start();
    }

    /**
     * Waits until dir1 (priority 150) holds the VIP and the client's fetches are answered by both real servers; false
     * when not within the timeout. On a busy machine dir2 may become master first (dir1's JVM still starting) and serve
     * until dir1 preempts it; the lab's later steps (crashMaster) need dir1 to be the master.
     */
    public boolean awaitServing(Duration timeout) throws IOException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!(holdsVip(1) && !holdsVip(2))) {
            if (System.nanoTime() >= end) return false;
            sleep(20);
        }
        probe.resetAnswers();
        while (System.nanoTime() < end) {
            Map<String, Long> a = probe.answers();
            if (a.getOrDefault("rs1", 0L) > 0 && a.getOrDefault("rs2", 0L) > 0) return true;
            sleep(20);
        }
        return false;
    }

    /** The next COUNT answers the client gets, by real server (empty counts when they do not come within a minute). */
    public Map<String, Long> spread(int count) {
        probe.resetAnswers();
        probe.awaitAnswers(count, READY);
        return probe.answers();
    }

    /**
     * Stops real server RS's web server (its TCP_CHECK fails, and Halo takes it out of the table) and measures how
     * long the client's fetches failed: from the stop to the last failed fetch, once none has failed for 2 s.
     */
    public Outcome stopRealServer(String rs) {
        long failuresBefore = probe.failures;
        long probesBefore = probe.probes;
        long stopped = System.nanoTime();
        webServers.remove(rs).stop(0);
        long end = stopped + READY.toNanos();
        while (System.nanoTime() < end) {
            long last = probe.lastFailureNanos;
            boolean failedSince = probe.failures > failuresBefore;
            if (failedSince && System.nanoTime() - last > 2_000_000_000L) break;
            if (!failedSince && System.nanoTime() - stopped > 5_000_000_000L) break; // nothing failed at all
            sleep(20);
        }
        long outage = probe.failures > failuresBefore ? (probe.lastFailureNanos - stopped) / 1000 : 0;
        return new Outcome(rs + " stopped", outage, probe.probes - probesBefore, probe.failures - failuresBefore);
    }

    /** Starts RS's web server again and measures the time until the client is answered by it again (its checker put it back). */
    public Outcome startRealServer(String rs) throws IOException {
        long probesBefore = probe.probes;
        long failuresBefore = probe.failures;
        probe.resetAnswers();
        long started = System.nanoTime();
        startWebServer(rs);
        long end = started + READY.toNanos();
        long back = -1;
        while (System.nanoTime() < end) {
            if (probe.answers().getOrDefault(rs, 0L) > 0) {
                back = System.nanoTime();
                break;
            }
            sleep(5);
        }
        return new Outcome(rs + " back", back < 0 ? -1 : (back - started) / 1000, probe.probes - probesBefore,
                probe.failures - failuresBefore);
    }

    /**
     * Crashes director 1 (SIGKILL to its daemon and its cable pulled, so its VIP and its rules are gone with it) and
     * measures the client's longest silence until fetches are answered again, through director 2.
     */
    public Outcome crashMaster() throws IOException {
        probe.resetGap();
        long probesBefore = probe.probes;
        long failuresBefore = probe.failures;
        Process p = directors[1];
        lan.link("dir1", false);
        p.destroyForcibly();
        try {
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // a crashed machine comes back without its addresses: the namespace outlives the daemon, so drop the VIP
        if (holdsVip(1)) lan.ipOn("dir1", "addr", "del", VIP + "/24", "dev", "eth0");
        long end = System.nanoTime() + READY.toNanos();
        while (System.nanoTime() < end && !holdsVip(2)) sleep(20);
        sleep(500); // fetches through the new master for a while, so the silence measured has ended
        probe.resetAnswers();
        probe.awaitAnswers(50, READY);
        return new Outcome("dir1 crashed", probe.longestGapMicros(), probe.probes - probesBefore, probe.failures - failuresBefore);
    }

    /**
     * Waits until both directors schedule new flows the same way (their scheduler maps and pick chains are the same
     * text): each runs its own checkers, and on a busy machine one may see a real server come back seconds after the
     * other. A DR flow survives the master's crash only when the backup would hash it to the same real server; false
     * when the tables do not agree within the timeout.
     */
    public boolean awaitSameSchedule(Duration timeout) throws IOException {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            String one = schedule(ruleset(1));
            if (!one.isEmpty() && one.equals(schedule(ruleset(2)))) return true;
            if (System.nanoTime() >= end) return false;
            sleep(100);
        }
    }

    /** The scheduler maps and pick chains of a ruleset listing, in order. */
    static String schedule(String ruleset) {
        StringBuilder out = new StringBuilder();
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("(?ms)^\\s*(map s\\d+_sched|chain s\\d+_pick) \\{.*?^\\s*\\}").matcher(ruleset);
        while (m.find()) out.append(m.group()).append('\n');
        return out.toString();
    }

    /** Director N's nftables ruleset as `nft list ruleset` prints it. */
    public String ruleset(int n) throws IOException {
        List<String> cmd = new ArrayList<>(lan.exec("dir" + n));
        cmd.addAll(List.of("nft", "list", "ruleset"));
        return SeedTopology.run(cmd);
    }

    public boolean holdsVip(int n) throws IOException {
        return lan.ipOn("dir" + n, "-br", "addr", "show", "eth0").contains(" " + VIP + "/");
    }

    public LongLived longLived() {
        return longLived.snapshot();
    }

    /** Waits until the long-lived connection has been answered COUNT times in all; false when not within the timeout. */
    public boolean awaitLongLivedAnswers(long count, Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (longLived.snapshot().answered() >= count) return true;
            sleep(10);
        }
        return false;
    }

    /** Starts measuring the long-lived connection's stall afresh (its counts go on). */
    public void resetLongLivedStall() {
        longLived.resetStall();
    }

    /**
     * Closes the long-lived connection (not counted as an error) and opens a new one, whose flow is scheduled on the
     * table as it is now. A backup director has no flow state of the master's: after a failover it schedules a flow
     * by its hash over its own table, which reaches the flow's real server when the table is the one the flow began
     * with. Waits until the new connection has been answered; false when it is not within the timeout.
     */
    public boolean reopenLongLived(Duration timeout) {
        long connection = longLived.connections;
        longLived.reopen = true;
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (longLived.connections > connection && longLived.answeredOnConnection > 0) return true;
            sleep(10);
        }
        return false;
    }

    public void printChanges(boolean on) {
        probe.print = on;
    }

    public String directorLog(int n) throws IOException {
        Path p = dir.resolve("dir" + n + ".log");
        return Files.exists(p) ? Files.readString(p) : "";
    }

    /**
     * One keep-alive HTTP/1.1 connection to the VIP asking every 10 ms: which real server serves it, how many answers
     * and errors, and its longest stall. An error (a reset or a 10 s silence) opens a new connection.
     */
    private final class KeepAliveClient {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;
        private long answered;
        private long errors;
        private long lastAnswerNanos;
        private long longestStallNanos;
        private String servedBy = "";
        private String lastError = "";
        /** Set by the lab: close the connection after the next answer and open a new one. */
        private volatile boolean reopen;
        /** Connections opened so far, and the answers on the current one. */
        private volatile long connections;
        private volatile long answeredOnConnection;

        KeepAliveClient() {
            thread = Thread.ofPlatform().daemon().name("long-lived").start(this::run);
        }

        private void run() {
            byte[] request = ("GET / HTTP/1.1\r\nHost: " + VIP + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            while (running.get()) {
                // java.net.Socket makes its descriptor at connect: connect inside the client's namespace
                try (Socket s = client.call(() -> {
                    Socket c = new Socket();
                    c.connect(new InetSocketAddress(VIP, 80), 2_000);
                    return c;
                })) {
                    synchronized (this) {
                        answeredOnConnection = 0;
                        connections++;
                    }
                    s.setSoTimeout(10_000);
                    OutputStream o = s.getOutputStream();
                    InputStream in = s.getInputStream();
                    while (running.get()) {
                        o.write(request);
                        String body = readResponse(in);
                        record(body);
                        if (reopen) break;
                        sleep(10);
                    }
                    reopen = false;
                } catch (Exception e) {
                    if (!running.get()) return;
                    synchronized (this) {
                        if (answered > 0) errors++;
                        lastError = String.valueOf(e);
                    }
                    sleep(100);
                }
            }
        }

        /** The body of one response (Content-Length framed, as the real servers send it). */
        private static String readResponse(InputStream in) throws IOException {
            StringBuilder head = new StringBuilder();
            int c;
            while (!head.toString().endsWith("\r\n\r\n")) {
                if ((c = in.read()) < 0) throw new IOException("connection closed");
                head.append((char) c);
            }
            int length = 0;
            for (String line : head.toString().split("\r\n")) {
                if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) length = Integer.parseInt(line.substring(15).trim());
            }
            byte[] body = in.readNBytes(length);
            if (body.length < length) throw new IOException("connection closed");
            return new String(body, StandardCharsets.US_ASCII).strip();
        }

        private synchronized void record(String body) {
            long now = System.nanoTime();
            if (lastAnswerNanos > 0) longestStallNanos = Math.max(longestStallNanos, now - lastAnswerNanos);
            lastAnswerNanos = now;
            answered++;
            answeredOnConnection++;
            servedBy = body;
        }

        synchronized void resetStall() {
            longestStallNanos = 0;
        }

        synchronized LongLived snapshot() {
            return new LongLived(answered, errors, longestStallNanos / 1000, servedBy, lastError);
        }

        void close() {
            running.set(false);
            thread.interrupt();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (probe != null) probe.close();
        if (longLived != null) longLived.close();
        for (Process p : directors) {
            if (p != null && p.isAlive()) {
                p.destroy();
                try {
                    if (!p.waitFor(5, TimeUnit.SECONDS)) p.destroyForcibly();
                } catch (InterruptedException e) {
                    p.destroyForcibly();
                    Thread.currentThread().interrupt();
                }
            }
        }
        webServers.values().forEach(s -> s.stop(0));
        for (String rs : realServerNamespaces.keySet()) {
            try {
                realServer(rs, "stop");
            } catch (IOException e) {
                // the namespace goes next, and the addresses and settings with it
            }
        }
        namespaces.forEach(NetNamespace::close);
        lan.close();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // left behind in /tmp: nothing else depends on it
        }
    }
}
