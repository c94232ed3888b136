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
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
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
    private final Probe probe;
    private final AdvertWatch adverts;

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
            probe = new Probe();
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

        /** Waits for the next advert from ADDRESS; throws when none comes within TIMEOUT. */
        void awaitNextFrom(String address, Duration timeout) throws IOException {
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
            adverts.awaitNextFrom(lan.host("dir" + n).ipv4(), READY);
            lan.link("dir" + n, false);
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

    /**
     * Fetches http://VIP/ from the client every millisecond and keeps the longest silence between two answers. A new
     * fetch starts every millisecond whatever the earlier ones are doing (up to {@link #IN_FLIGHT} at once, each given
     * {@link #PROBE_TIMEOUT_NANOS}): a fetch whose SYN went to a dead director's MAC waits, but the next one, sent
     * after the new master's gratuitous ARP, answers; so the silence is measured to about a millisecond, not to a
     * fetch's timeout.
     */
    private final class Probe {
        private static final int IN_FLIGHT = 256;
        private static final long PERIOD_NANOS = 1_000_000L;
        private static final long PROBE_TIMEOUT_NANOS = 200_000_000L;
        private static final long SILENCE_NANOS = 20_000_000L;

        final AtomicBoolean running = new AtomicBoolean(true);
        final Thread thread;
        volatile String lastAnswer = "";
        volatile long lastSuccessNanos;
        volatile boolean print;
        long probes;
        long failures;
        private long longestGapNanos;
        private final long startNanos = System.nanoTime();
        private boolean silenceReported;

        /** One fetch in flight. */
        private final class Fetch {
            final SocketChannel channel;
            final long started;
            final ByteBuffer in = ByteBuffer.allocate(512);
            ByteBuffer request;

            Fetch(SocketChannel channel, long started) {
                this.channel = channel;
                this.started = started;
            }
        }

        Probe() {
            thread = Thread.ofPlatform().daemon().name("probe").start(this::run);
        }

        synchronized void resetGap() {
            longestGapNanos = 0;
        }

        synchronized long longestGapMicros() {
            return longestGapNanos / 1000;
        }

        void run() {
            byte[] request = ("GET / HTTP/1.0\r\nHost: " + VIP + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            InetSocketAddress target = new InetSocketAddress(VIP, 80);
            java.util.ArrayDeque<Fetch> inFlight = new java.util.ArrayDeque<>();
            try (Selector selector = Selector.open()) {
                long next = System.nanoTime();
                while (running.get()) {
                    long now = System.nanoTime();
                    if (now >= next) {
                        next += PERIOD_NANOS;
                        if (next < now) next = now + PERIOD_NANOS; // fell behind: no burst to catch up
                        if (inFlight.size() < IN_FLIGHT) start(selector, target, request, now, inFlight);
                    }
                    selector.select(Math.max(1, (next - System.nanoTime()) / 1_000_000L));
                    for (SelectionKey key : selector.selectedKeys()) {
                        Fetch f = (Fetch) key.attachment();
                        String answer = step(key, f);
                        if (answer != null) finish(f, answer.isEmpty() ? null : answer, inFlight);
                    }
                    selector.selectedKeys().clear();
                    long expired = System.nanoTime() - PROBE_TIMEOUT_NANOS;
                    while (!inFlight.isEmpty() && inFlight.peekFirst().started < expired) {
                        Fetch f = inFlight.peekFirst();
                        finish(f, null, inFlight);
                    }
                    reportSilence(System.nanoTime());
                }
            } catch (IOException e) {
                out.println("probe: " + e.getMessage());
            } finally {
                inFlight.forEach(f -> close(f.channel));
            }
        }

        private void start(Selector selector, InetSocketAddress target, byte[] request, long now,
                java.util.ArrayDeque<Fetch> inFlight) {
            SocketChannel ch = null;
            try {
                ch = client.call(SocketChannel::open);
                ch.configureBlocking(false);
                Fetch f = new Fetch(ch, now);
                f.request = ByteBuffer.wrap(request);
                inFlight.addLast(f);
                if (ch.connect(target)) {
                    ch.register(selector, SelectionKey.OP_WRITE, f);
                } else {
                    ch.register(selector, SelectionKey.OP_CONNECT, f);
                }
            } catch (Exception e) {
                close(ch);
                synchronized (this) {
                    probes++;
                    failures++;
                }
            }
        }

        /** Moves one fetch on; returns its answer when it is over ("" for a failure), null while it goes on. */
        private String step(SelectionKey key, Fetch f) {
            try {
                if (key.isConnectable()) {
                    f.channel.finishConnect();
                    key.interestOps(SelectionKey.OP_WRITE);
                    return null;
                }
                if (key.isWritable()) {
                    f.channel.write(f.request);
                    if (!f.request.hasRemaining()) key.interestOps(SelectionKey.OP_READ);
                    return null;
                }
                if (key.isReadable()) {
                    int r = f.channel.read(f.in);
                    if (r >= 0 && f.in.hasRemaining()) return null;
                    String text = new String(f.in.array(), 0, f.in.position(), StandardCharsets.US_ASCII);
                    int body = text.indexOf("\r\n\r\n");
                    return text.startsWith("HTTP/1.") && body > 0 ? text.substring(body + 4).strip() : "";
                }
            } catch (IOException e) {
                return "";
            }
            return null;
        }

        private void finish(Fetch f, String answer, java.util.ArrayDeque<Fetch> inFlight) {
            inFlight.remove(f);
            close(f.channel);
            long t1 = System.nanoTime();
            synchronized (this) {
                probes++;
                if (answer == null) {
                    failures++;
                    return;
                }
                // fetches start every millisecond: the time between two answers is the silence the client saw
                if (lastSuccessNanos > 0) longestGapNanos = Math.max(longestGapNanos, t1 - lastSuccessNanos);
                if (print && !answer.equals(lastAnswer)) {
                    out.printf("%9.3f s  client: answered by %s%n", (t1 - startNanos) / 1e9, answer);
                }
                lastAnswer = answer;
                lastSuccessNanos = t1;
                silenceReported = false;
            }
        }

        /** The live view says so once when nobody has answered for a while. */
        private synchronized void reportSilence(long now) {
            if (print && !silenceReported && lastSuccessNanos > 0 && now - lastSuccessNanos > SILENCE_NANOS) {
                out.printf("%9.3f s  client: no answer from %s%n", (lastSuccessNanos + SILENCE_NANOS - startNanos) / 1e9, VIP);
                silenceReported = true;
                lastAnswer = "";
            }
        }

        private static void close(SocketChannel ch) {
            if (ch == null) return;
            try {
                ch.close();
            } catch (IOException e) {
                // nothing left to do
            }
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
        if (probe != null) {
            probe.running.set(false);
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
