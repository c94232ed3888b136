package halo.demo;

import com.sun.net.httpserver.HttpServer;
import halo.os.NetNamespace;
import halo.os.Poller;
import halo.os.ReceivedPacket;
import halo.os.VrrpSocket;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The seeds' nginx + keepalived layout, live: two directors on a LAN, each with a small web server and a VRRP daemon
 * (Halo, or keepalived for comparison), the VIP 192.0.2.100 floating between them, and a client fetching a page from
 * the VIP every millisecond. It stops or crashes the master, brings it back, and measures what the client saw: who
 * answered, and for how long nobody did.
 */
public final class FailoverLab implements AutoCloseable {

    public enum Daemon { HALO, KEEPALIVED }

    public enum Event { STOP, CRASH, RESTORE }

    /** One disruption and what the client saw. */
    public record Outcome(Event event, String from, String to, long outageMicros, long probes, long failures) {}

    private static final String VIP = SeedTopology.VIP4;
    private static final Duration READY = Duration.ofSeconds(30);

    private final Daemon daemon;
    private final String advertInt;
    private final int version;
    private final PrintStream out;
    private final Path dir;
    private final SeedTopology lan;
    private final List<HttpServer> servers = new ArrayList<>();
    private final List<NetNamespace> namespaces = new ArrayList<>();
    private final Process[] directors = new Process[3];
    private final NetNamespace client;
    private final ClientProbe probe;
    private final AdvertWatch adverts;
    private volatile long lastCrashLagMicros;

    public FailoverLab(Daemon daemon, String advertInt, int version, PrintStream out) throws IOException {
        this.daemon = daemon;
        this.advertInt = advertInt;
        this.version = version;
        this.out = out;
        this.dir = Files.createTempDirectory("halo-demo-");
        java.util.Map<String, Integer> roles = new java.util.LinkedHashMap<>();
        roles.put("dir1", 11);
        roles.put("dir2", 12);
        roles.put("client", 50);
        this.lan = SeedTopology.create("demo", roles);
        try {
            for (String d : List.of("dir1", "dir2")) {
                NetNamespace ns = NetNamespace.enter(lan.host(d).namespace());
                namespaces.add(ns);
                servers.add(ns.call(() -> webServer(d)));
            }
            client = NetNamespace.enter(lan.host("client").namespace());
            namespaces.add(client);
            probe = new ClientProbe(client, VIP, out);
            adverts = new AdvertWatch(client.call(() -> VrrpSocket.open(false, "eth0", null)));
        } catch (Exception e) {
            close();
            throw e instanceof IOException io ? io : new IOException(e);
        }
    }

    /**
     * The VRRP adverts the client's LAN carries, as the client's namespace receives them, counted by sender, and
     * apart the priority-0 ones (a master that stops sends one; one that crashes cannot).
     */
    private static final class AdvertWatch implements AutoCloseable {
        /** RFC 3768/5798 5.1: version and type, VRID, then priority (the same in v2 and v3). */
        private static final int PRIORITY_OFFSET = 2;
        private final VrrpSocket socket;
        private final Poller poller;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;
        private final java.util.Map<String, Long> counts = new java.util.HashMap<>();
        private final java.util.Map<String, Long> priorityZero = new java.util.HashMap<>();
        private final java.util.Map<String, Long> lastSeenNanos = new java.util.HashMap<>();

        AdvertWatch(VrrpSocket socket) throws IOException {
            this.socket = socket;
            socket.joinGroup(VrrpSocket.MULTICAST_IPV4);
            poller = new Poller(1);
            poller.register(socket);
            thread = Thread.ofPlatform().daemon().name("advert-watch").start(this::run);
        }

        private void run() {
            byte[] buffer = new byte[1500];
            ReceivedPacket received = new ReceivedPacket();
            try {
                while (running.get()) {
                    if (poller.poll(100_000_000L) <= 0) {
                        continue;
                    }
                    int length;
                    while ((length = socket.receive(buffer, 0, buffer.length, received)) >= 0) {
                        String from = received.source().getHostAddress();
                        synchronized (counts) {
                            lastSeenNanos.put(from, System.nanoTime());
                            counts.merge(from, 1L, Long::sum);
                            if (length > PRIORITY_OFFSET && buffer[PRIORITY_OFFSET] == 0) {
                                priorityZero.merge(from, 1L, Long::sum);
                            }
                            counts.notifyAll();
                        }
                    }
                }
            } catch (IOException e) {
                // closed
            }
        }

        /** How many priority-0 adverts ADDRESS has sent so far. */
        long priorityZeroFrom(String address) {
            synchronized (counts) {
                return priorityZero.getOrDefault(address, 0L);
            }
        }

        /** Waits for the next advert from ADDRESS and returns when it was received; throws when none comes within TIMEOUT. */
        long awaitNextFrom(String address, Duration timeout) throws IOException {
            long end = System.nanoTime() + timeout.toNanos();
            synchronized (counts) {
                long seen = counts.getOrDefault(address, 0L);
                while (counts.getOrDefault(address, 0L) == seen) {
                    long left = end - System.nanoTime();
                    if (left <= 0) {
                        throw new IOException("no VRRP advert from " + address + " within " + timeout);
                    }
                    try {
                        counts.wait(Math.max(1, left / 1_000_000));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted", e);
                    }
                }
                return lastSeenNanos.get(address);
            }
        }

        @Override
        public void close() {
            if (!running.getAndSet(false)) {
                return; // closed already (the demo's shutdown hook closes the lab a second time)
            }
            try {
                thread.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            poller.close();
            socket.close();
        }
    }

    /** A web server on port 80 that answers with the director's name, as the seeds' nginx index pages do. */
    private static HttpServer webServer(String name) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(80), 64);
        byte[] body = (name + "\n").getBytes(StandardCharsets.US_ASCII);
        s.createContext("/", ex -> {
            ex.getResponseHeaders().add("Connection", "close");
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(body);
            }
        });
        s.setExecutor(null);
        s.start();
        return s;
    }

    private Path config(int n, int priority) throws IOException {
        String auth = version == 2 ? """
                    authentication {
                        auth_type PASS
                        auth_pass halodemo
                    }
                """ : "";
        String text = """
                ! director %d of the seeds' nginx + keepalived layout
                global_defs {
                    router_id lb0%d
                }
                vrrp_instance VI_1 {
                    state %s
                    interface eth0
                    virtual_router_id 50
                    priority %d
                    version %d
                    advert_int %s
                %s    virtual_ipaddress {
                        %s/24 dev eth0
                    }
                }
                """.formatted(n, n, n == 1 ? "MASTER" : "BACKUP", priority, version, advertInt, auth, VIP);
        Path p = dir.resolve("dir" + n + ".conf");
        Files.writeString(p, text);
        return p;
    }

    /** Starts director N's daemon (N = 1 has priority 150, N = 2 has 100, as in seed 002). */
    public void startDirector(int n) throws IOException {
        Path conf = config(n, n == 1 ? 150 : 100);
        List<String> cmd = new ArrayList<>(lan.exec("dir" + n));
        if (daemon == Daemon.HALO) {
            cmd.addAll(List.of(ProcessHandle.current().info().command().orElse("java"),
                    "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-Xmx256m")); // bin/halo's heap limit
            // bin/halo passes the daemon's own JVM flags (as 'halo run' gets them); HALO_JVM_FLAGS adds others to try
            for (String env : List.of("HALO_DAEMON_JVM_FLAGS", "HALO_JVM_FLAGS")) {
                String flags = System.getenv(env);
                if (flags != null && !flags.isBlank()) cmd.addAll(List.of(flags.trim().split("\\s+")));
            }
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "halo.cli.Main",
                    "run", "-n", "-l", "-f", conf.toString(), "--control-socket", dir.resolve("dir" + n + ".sock").toString()));
        } else {
            cmd.addAll(List.of("keepalived", "-n", "-l", "-P", "-f", conf.toString(), "-i", "dir" + n,
                    "-p", dir.resolve("k" + n + ".pid").toString(), "-r", dir.resolve("k" + n + "v.pid").toString()));
        }
        ProcessBuilder builder = new ProcessBuilder(cmd);
        if (daemon == Daemon.HALO) builder.environment().put("MALLOC_ARENA_MAX", "2"); // as bin/halo run
        directors[n] = builder.redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("dir" + n + ".log").toFile())).start();
    }

    /** Whether director N has the VIP on its interface. */
    public boolean holdsVip(int n) throws IOException {
        return lan.ipOn("dir" + n, "-br", "addr", "show", "eth0").contains(" " + VIP + "/");
    }

    /** Waits until the client gets answers from {@code who}; false when it does not within the timeout. */
    public boolean awaitAnswersFrom(String who, Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (who.equals(probe.lastAnswer) && probe.lastSuccessNanos > System.nanoTime() - 50_000_000L) {
                return true;
            }
            sleep(10);
        }
        return false;
    }

    /**
     * Stops director N (SIGTERM to its daemon) or crashes it (the whole director vanishes at once: its daemon gets
     * SIGKILL and its cable is pulled, so its web server and its VIP are gone too), and measures the client's outage
     * until {@code expect} answers.
     */
    public Outcome disrupt(int n, Event event, String expect) throws IOException {
        String from = probe.lastAnswer;
        probe.resetGap();
        long before = probe.probes;
        long failuresBefore = probe.failures;
        Process p = directors[n];
        // keepalived is a parent with a VRRP child: a crash kills both (the child would otherwise live on, cut off,
        // and its pid file would keep the restarted director's VRRP child from starting)
        List<ProcessHandle> tree = new ArrayList<>(p.descendants().toList());
        tree.add(p.toHandle());
        if (event == Event.CRASH) {
            // right after one of its adverts, so that both daemons are measured at the same phase: the client then
            // waits the whole Master_Down_Interval (less the few ms the crash takes) plus the backup's takeover
            long advertSeen = adverts.awaitNextFrom(lan.host("dir" + n).ipv4(), READY);
            lan.link("dir" + n, false);
            // on a busy machine the cable goes some ms after the advert: the backup's timer started at the advert
            lastCrashLagMicros = (System.nanoTime() - advertSeen) / 1000;
            tree.forEach(ProcessHandle::destroyForcibly);
        } else {
            p.destroy();
        }
        for (ProcessHandle h : tree) {
            try {
                h.onExit().get(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                throw new IOException("dir" + n + "'s " + daemon.name().toLowerCase() + " (pid " + h.pid()
                        + ") did not exit within 10 s of " + event.name().toLowerCase());
            }
        }
        if (event == Event.CRASH && holdsVip(n)) {
            // A crashed machine comes back without the addresses it held. Here the namespace outlives the daemon: a
            // VIP left on it would answer the client, and announce itself by ARP, as soon as the cable is back,
            // before the restarted daemon runs (the restore would then end at once, and the next crash would leave
            // the client's ARP entry on a dead director for seconds).
            lan.ipOn("dir" + n, "addr", "del", VIP + "/24", "dev", "eth0");
        }
        awaitAnswersFrom(expect, READY);
        sleep(200);
        return new Outcome(event, from, probe.lastAnswer, probe.longestGapMicros(), probe.probes - before, probe.failures - failuresBefore);
    }

    /** Starts director N again and measures the client's outage until {@code expect} answers (preemption back). */
    public Outcome restore(int n, String expect) throws IOException {
        String from = probe.lastAnswer;
        probe.resetGap();
        long before = probe.probes;
        long failuresBefore = probe.failures;
        lan.link("dir" + n, true);
        startDirector(n);
        awaitAnswersFrom(expect, READY);
        sleep(200);
        return new Outcome(Event.RESTORE, from, probe.lastAnswer, probe.longestGapMicros(), probe.probes - before, probe.failures - failuresBefore);
    }

    /**
     * How long after director's last advert (as the client's LAN saw it) the last crash pulled its cable: the backup's
     * Master_Down timer started at that advert, so the client's silence can be this much shorter than the timer.
     */
    public long lastCrashLagMicros() {
        return lastCrashLagMicros;
    }

    /** The live view: the probe prints who answers whenever it changes. */
    public void printChanges(boolean on) {
        probe.print = on;
    }

    public Path workDirectory() {
        return dir;
    }

    /** How many priority-0 adverts director N has sent on the client's LAN so far (a stop sends one, a crash none). */
    public long priorityZeroAdverts(int n) {
        return adverts.priorityZeroFrom(lan.host("dir" + n).ipv4());
    }

    public String directorLog(int n) throws IOException {
        Path p = dir.resolve("dir" + n + ".log");
        return Files.exists(p) ? Files.readString(p) : "";
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
        if (probe != null) {
            probe.close();
        }
        if (adverts != null) {
            adverts.close();
        }
        for (Process p : directors) {
            if (p != null && p.isAlive()) {
                p.destroy();
                try {
                    if (!p.waitFor(5, TimeUnit.SECONDS)) {
                        p.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    p.destroyForcibly();
                    Thread.currentThread().interrupt();
                }
            }
        }
        servers.forEach(s -> s.stop(0));
        namespaces.forEach(NetNamespace::close);
        lan.close();
        // the directors' configurations, logs and pid files
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // left behind in /tmp: nothing else depends on it
        }
    }
}
