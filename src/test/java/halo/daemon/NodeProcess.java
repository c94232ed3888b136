package halo.daemon;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A daemon (Halo's, or real keepalived for interop) running inside a test namespace, its console log in a file the
 * test reads. Killed and reaped by {@link #close()}.
 */
final class NodeProcess implements AutoCloseable {

    /** As bin/halo passes it: the daemon catches keepalived's real-time signals (halo.os.ProcessSignals). */
    static final String SIGNAL_FLAG = "--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED";

    private final String name;
    private final Process process;
    private final Path logFile;
    final Path controlSocket;

    private NodeProcess(String name, Process process, Path logFile, Path controlSocket) {
        this.name = name;
        this.process = process;
        this.logFile = logFile;
        this.controlSocket = controlSocket;
    }

    /** Halo's daemon from this build's classes: {@code halo run -n -l -D -f CONFIG} in namespace NS. */
    static NodeProcess halo(String name, List<String> nsExec, Path config, Path dir) throws IOException {
        return halo(name, nsExec, config, dir, List.of());
    }

    /** As above, with more {@code halo run} flags ({@code -C} for the checker side alone). */
    static NodeProcess halo(String name, List<String> nsExec, Path config, Path dir, List<String> flags) throws IOException {
        return halo(name, nsExec, config, dir, flags, List.of());
    }

    /** As above, with more JVM flags (before the class path). */
    static NodeProcess halo(String name, List<String> nsExec, Path config, Path dir, List<String> flags,
                            List<String> jvmFlags) throws IOException {
        return halo(name, nsExec, config, dir, flags, jvmFlags, java.util.Map.of());
    }

    /** As above, with more environment variables (systemd's NOTIFY_SOCKET, WATCHDOG_USEC). */
    static NodeProcess halo(String name, List<String> nsExec, Path config, Path dir, List<String> flags,
                            List<String> jvmFlags, java.util.Map<String, String> env) throws IOException {
        Path sock = dir.resolve(name + ".sock");
        List<String> cmd = new ArrayList<>(nsExec);
        cmd.addAll(List.of(ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED", SIGNAL_FLAG, "-XX:+UseSerialGC", "-Xmx128m", "-Xshare:auto"));
        cmd.addAll(jvmFlags);
        cmd.addAll(List.of("-cp", classPath(), "halo.cli.Main",
                "run", "-n", "-l", "-D", "-f", config.toString(), "--control-socket", sock.toString()));
        cmd.addAll(flags);
        return start(name, cmd, dir, sock, env);
    }

    /** Real keepalived (Debian package), VRRP only. */
    static NodeProcess keepalived(String name, List<String> nsExec, Path config, Path dir) throws IOException {
        List<String> cmd = new ArrayList<>(nsExec);
        cmd.addAll(List.of("keepalived", "-n", "-l", "-D", "-P", "-f", config.toString(),
                "-p", dir.resolve(name + ".pid").toString(), "-r", dir.resolve(name + "-vrrp.pid").toString(),
                "-i", name));
        return start(name, cmd, dir, null, java.util.Map.of());
    }

    private static NodeProcess start(String name, List<String> cmd, Path dir, Path sock,
                                     java.util.Map<String, String> env) throws IOException {
        Path log = dir.resolve(name + ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        return new NodeProcess(name, p, log, sock);
    }

    static String classPath() {
        // target/classes plus the jars the classes need (picocli, Netty), as this JVM found them
        String classes = Path.of("target", "classes").toAbsolutePath().toString();
        List<String> parts = new ArrayList<>(List.of(classes));
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String name = Path.of(entry).getFileName().toString();
            if (name.startsWith("picocli") || name.startsWith("netty")) parts.add(entry);
        }
        return String.join(File.pathSeparator, parts);
    }

    String log() {
        try {
            return Files.exists(logFile) ? Files.readString(logFile, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** Waits until the log has a line matching REGEX after the first SKIP matches; fails with the log when it does not come. */
    long awaitLog(String regex, int skip, Duration timeout) {
        Pattern p = Pattern.compile(regex);
        long start = System.nanoTime();
        long end = start + timeout.toNanos();
        while (System.nanoTime() < end) {
            long count = log().lines().filter(l -> p.matcher(l).find()).count();
            if (count > skip) {
                return (System.nanoTime() - start) / 1_000_000;
            }
            if (!process.isAlive()) {
                break;
            }
            sleep(20);
        }
        throw new AssertionError(name + ": no log line matching '" + regex + "' within " + timeout + "; log:\n" + log());
    }

    long awaitLog(String regex, Duration timeout) {
        return awaitLog(regex, 0, timeout);
    }

    /** How many log lines match now: pass it as {@code skip} to wait for the next one. */
    int mark(String regex) {
        return (int) count(regex);
    }

    long count(String regex) {
        Pattern p = Pattern.compile(regex);
        return log().lines().filter(l -> p.matcher(l).find()).count();
    }

    /**
     * Waits until {@code halo status --json} contains every one of {@code parts} (a backup knows its master only after
     * the first advert), and returns that status; fails with the last status when it does not come.
     */
    String awaitStatus(Duration timeout, String... parts) throws IOException {
        long end = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < end) {
            last = status();
            String current = last;
            if (java.util.Arrays.stream(parts).allMatch(current::contains)) {
                return last;
            }
            sleep(50);
        }
        throw new AssertionError(name + ": status never contained " + java.util.Arrays.toString(parts) + "; last:\n" + last);
    }

    /**
     * A counter of {@code halo status} ({@code adverts_received}, {@code adverts_sent}, ...) summed over the instances:
     * what a test waits on to know that time passed for the daemon, in its own events rather than in wall-clock time.
     */
    long counter(String name) throws IOException {
        Matcher m = Pattern.compile("\"counters\":\\{[^}]*\"" + Pattern.quote(name) + "\":(\\d+)").matcher(status());
        long sum = 0;
        while (m.find()) {
            sum += Long.parseLong(m.group(1));
        }
        return sum;
    }

    /**
     * Waits until counter {@code name} has grown by {@code more} from {@code from} (a value {@link #counter} gave), and
     * returns its value; fails with the status and log when it does not. A backup that received N more adverts ran
     * through N advert intervals with a live master; a master that sent N more, N intervals passed on its clock.
     */
    long awaitCounter(String name, long from, long more, Duration timeout) throws IOException {
        long end = System.nanoTime() + timeout.toNanos();
        long now = counter(name);
        while (now < from + more && System.nanoTime() < end && process.isAlive()) {
            sleep(20);
            now = counter(name);
        }
        if (now < from + more) {
            String status;
            try {
                status = status();
            } catch (IOException e) {
                status = e.toString(); // the daemon is gone: its log says why
            }
            throw new AssertionError(this.name + ": " + name + " went from " + from + " to " + now + ", not "
                    + (from + more) + ", within " + timeout + "; status:\n" + status + "\nlog:\n" + log());
        }
        return now;
    }

    /** As above, from the counter's value now. */
    long awaitMore(String name, long more, Duration timeout) throws IOException {
        return awaitCounter(name, counter(name), more, timeout);
    }

    String status() throws IOException {
        return ControlServer.ask(controlSocket, "status json");
    }

    /**
     * Sends a signal by name (STOP, CONT, RTMIN+2, ...) to the daemon ('ip netns exec' execs it: same process).
     * bash's kill, which knows the real-time names as keepalived's users write them (procps's kill does not).
     */
    void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("bash", "-c", "kill -s " + name + " " + process.pid()).inheritIO().start();
        if (kill.waitFor() != 0) throw new AssertionError("kill -" + name + " " + process.pid() + " failed");
    }

    void kill9() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor();
    }

    /** SIGTERM (a graceful stop); waits for the process to end. */
    int stop(Duration timeout) throws InterruptedException {
        // 'ip netns exec' execs the daemon, so the child is the daemon itself
        process.toHandle().destroy();
        if (!process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            throw new AssertionError(name + " did not stop within " + timeout + "; log:\n" + log());
        }
        return process.exitValue();
    }

    /** Waits for the process to end by itself; its exit status. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            throw new AssertionError(name + " did not end within " + timeout + "; log:\n" + log());
        }
        return process.exitValue();
    }

    /** SIGHUP: a reload. */
    void hup() throws IOException, InterruptedException {
        Process k = new ProcessBuilder("kill", "-HUP", Long.toString(process.pid())).inheritIO().start();
        if (k.waitFor() != 0) {
            throw new AssertionError("kill -HUP " + process.pid() + " failed");
        }
    }

    /** SIGHUP: reload. */
    void reload() throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-HUP", String.valueOf(process.pid())).inheritIO().start().waitFor();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
