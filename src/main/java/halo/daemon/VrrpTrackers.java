package halo.daemon;

import halo.check.FileCheckerLogic;
import halo.config.KeepalivedConfig;
import halo.config.TrackFile;
import halo.config.TrackProcess;
import halo.vrrp.HostSetup;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The VRRP side's track_file and vrrp_track_process watchers (keepalived's track_file.c and track_process.c).
 * <ul>
 * <li>track_file: {@code init_file [VALUE] [overwrite]} writes the value at startup (only when the file is missing,
 *     unless overwrite); the file's number (strtol, base 0; missing or empty is 0; an invalid number is ignored) is
 *     read at startup and again whenever inotify (a WatchService on the file's directory) reports it written,
 *     created, moved or deleted.</li>
 * <li>vrrp_track_process: a process matches by its name (/proc/PID/stat's comm, as pgrep) or with
 *     {@code full_command} by argv[0]; parameters match exactly, as a prefix of the argument list ({@code partial}) or
 *     with the last one a prefix ({@code initial}); zombies do not count. Quorum is {@code quorum <= n <= quorum_max};
 *     gaining it waits {@code fork_delay}, losing it {@code terminate_delay}, and the state is judged again when the
 *     delay ends. Halo scans /proc every {@link #PROCESS_SCAN} instead of keepalived's proc connector (which needs a
 *     netlink multicast group), so a change is seen within that period; a scan lists /proc and reads only new, young
 *     and matching processes.</li>
 * </ul>
 * Values go to the {@link Sink} from the watcher threads; the daemon hands them to its protocol thread.
 */
public final class VrrpTrackers implements AutoCloseable {

    public static final Duration PROCESS_SCAN = Duration.ofMillis(200);
    private static final Duration SETTLE = Duration.ofMillis(20);
    private static final Duration SETTLE_MAX = Duration.ofMillis(200);

    /** Where changes go (called from the watcher threads). */
    public interface Sink {
        void fileValue(String trackFileName, long value);

        void processQuorum(String trackProcessName, boolean up);
    }

    private final List<TrackFile> files;
    private final List<TrackProcess> processes;
    private final DaemonLog log;
    private final Map<String, Long> fileValues = new HashMap<>();
    private final Map<String, ProcessState> processStates = new LinkedHashMap<>();
    private ScheduledExecutorService scanner;
    private WatchService watcher;
    private Thread watchThread;
    private volatile Sink sink;

    private static final class ProcessState {
        final TrackProcess config;
        boolean up;
        ScheduledFuture<?> pending;
        boolean pendingUp;

        ProcessState(TrackProcess config) {
            this.config = config;
        }
    }

    public VrrpTrackers(KeepalivedConfig config, DaemonLog log) {
        this.files = config.trackFiles();
        this.processes = config.trackProcesses();
        this.log = log;
    }

    /** init_file, the files' first values and the first /proc scan: what the instances start with. */
    public HostSetup.TrackedState initialise() {
        return initialise(false);
    }

    /**
     * As {@link #initialise()}; at a reload ({@code reload}) init_file's overwrite leaves an existing file alone, as
     * keepalived's vrrp_tfile_end_handler ("Don't overwrite a file on reload"); a missing one is still made.
     */
    public HostSetup.TrackedState initialise(boolean reload) {
        for (TrackFile f : files) {
            initFile(f, reload);
            Long v = FileCheckerLogic.readValue(Path.of(f.file()));
            fileValues.put(f.name(), v == null ? 0L : v);
        }
        if (!processes.isEmpty()) {
            Map<String, Integer> counts = countProcesses();
            for (TrackProcess p : processes) {
                ProcessState s = new ProcessState(p);
                s.up = hasQuorum(p, counts.getOrDefault(p.name(), 0));
                processStates.put(p.name(), s);
            }
        }
        Map<String, Long> values = Map.copyOf(fileValues);
        Map<String, Boolean> up = new HashMap<>();
        processStates.forEach((n, s) -> up.put(n, s.up));
        return new HostSetup.TrackedState() {
            @Override
            public long fileValue(String name) {
                return values.getOrDefault(name, 0L);
            }

            @Override
            public boolean processUp(String name) {
                return up.getOrDefault(name, true);
            }
        };
    }

    /** Starts watching; changes from now on go to {@code sink}. */
    public void start(Sink sink) throws IOException {
        this.sink = sink;
        if (!files.isEmpty()) {
            watcher = FileSystems.getDefault().newWatchService();
            List<Path> dirs = new ArrayList<>();
            for (TrackFile f : files) {
                Path dir = Path.of(f.file()).toAbsolutePath().normalize().getParent();
                if (dir != null && !dirs.contains(dir)) {
                    dirs.add(dir);
                    try {
                        dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                                StandardWatchEventKinds.ENTRY_DELETE);
                    } catch (IOException e) {
                        log.info("Unable to watch directory " + dir + " for track_file: " + e.getMessage());
                    }
                }
            }
            WatchService w = watcher;
            watchThread = Thread.ofPlatform().daemon().name("halo-track-files").start(() -> watchLoop(w));
        }
        if (!processes.isEmpty()) {
            scanner = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon()
                    .name("halo-track-processes").factory());
            scanner.scheduleWithFixedDelay(this::scan, PROCESS_SCAN.toMillis(), PROCESS_SCAN.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    // --- track_file ---

    /** keepalived's vrrp_tfile_end_handler: init_file writes "VALUE\n" to a missing file, or to any with overwrite. */
    private void initFile(TrackFile f, boolean reload) {
        if (!f.initFile()) {
            return;
        }
        Path p = Path.of(f.file());
        if (Files.exists(p)) {
            if (!f.initOverwrite()) {
                return;
            }
            if (!Files.isRegularFile(p)) {
                log.info("Cannot initialise track file " + f.name() + " - it is not a regular file");
                return;
            }
            if (reload) {
                return;
            }
        }
        try {
            Files.writeString(p, f.initValue() + "\n", StandardCharsets.US_ASCII);
        } catch (IOException e) {
            log.info("Unable to initialise track file " + f.name());
        }
    }

    private void watchLoop(WatchService w) {
        while (true) {
            WatchKey key;
            try {
                key = w.take();
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            }
            // keepalived reads a file on IN_CLOSE_WRITE, when its writer is done; a WatchService reports IN_MODIFY,
            // first for the truncation of "echo 1 > file" (an empty file reads 0). So events are gathered until the
            // directory is quiet for SETTLE, at most SETTLE_MAX, and the files are read once after that.
            boolean overflow = false;
            List<Path> touched = new ArrayList<>();
            long settleEnd = System.nanoTime() + SETTLE_MAX.toNanos();
            try {
                while (key != null) {
                    Path dir = (Path) key.watchable();
                    for (WatchEvent<?> ev : key.pollEvents()) {
                        if (ev.kind() == StandardWatchEventKinds.OVERFLOW) {
                            overflow = true;
                        } else {
                            touched.add(dir.resolve((Path) ev.context()));
                        }
                    }
                    key.reset();
                    if (System.nanoTime() > settleEnd) {
                        break;
                    }
                    key = w.poll(SETTLE.toMillis(), TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            }
            for (TrackFile f : files) {
                Path p = Path.of(f.file()).toAbsolutePath().normalize();
                if (overflow || touched.contains(p)) {
                    readFile(f, p);
                }
            }
        }
    }

    private void readFile(TrackFile f, Path p) {
        Long v = FileCheckerLogic.readValue(p);
        if (v == null) {
            log.info("Invalid number read from " + f.file() + " - ignoring");
            return;
        }
        Long before;
        synchronized (fileValues) {
            before = fileValues.put(f.name(), v);
        }
        if (before == null || before.longValue() != v) {
            sink.fileValue(f.name(), v);
        }
    }

    // --- vrrp_track_process ---

    private static boolean hasQuorum(TrackProcess p, int n) {
        return n >= p.quorum() && n <= p.quorumMax();
    }

    private void scan() {
        try {
            Map<String, Integer> counts = countProcesses();
            for (ProcessState s : processStates.values()) {
                boolean want = hasQuorum(s.config, counts.getOrDefault(s.config.name(), 0));
                judge(s, want);
            }
        } catch (RuntimeException e) {
            log.info("Process scan failed: " + e);
        }
    }

    /** On the scanner thread: a change waits for its delay, and is dropped when the count goes back meanwhile. */
    private void judge(ProcessState s, boolean want) {
        if (want == s.up) {
            if (s.pending != null) {
                s.pending.cancel(false);
                s.pending = null;
            }
            return;
        }
        if (s.pending != null && s.pendingUp == want) {
            return; // already waiting for this change
        }
        if (s.pending != null) {
            s.pending.cancel(false);
        }
        Duration delay = want ? s.config.forkDelay() : s.config.terminateDelay();
        if (delay.isZero()) {
            s.pending = null;
            set(s, want);
            return;
        }
        s.pendingUp = want;
        s.pending = scanner.schedule(() -> {
            s.pending = null;
            // keepalived judges the quorum again when the delay ends
            boolean now = hasQuorum(s.config, countProcesses().getOrDefault(s.config.name(), 0));
            if (now == want) {
                set(s, want);
            }
        }, delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void set(ProcessState s, boolean up) {
        s.up = up;
        sink.processQuorum(s.config.name(), up);
    }

    /** What a scan learnt about one pid; re-read while young (fork then exec) or while it matches (exit, zombie). */
    private static final class Seen {
        final long firstSeen;
        List<String> matches = List.of();

        Seen(long firstSeen) {
            this.firstSeen = firstSeen;
        }
    }

    /** A process younger than this is read again at every scan: a fork shows the parent's name until it execs. */
    private static final long YOUNG_NANOS = 2_000_000_000L;

    private final Map<Integer, Seen> seen = new HashMap<>();

    /**
     * How many live processes match each vrrp_track_process. Listing /proc is cheap; reading every process's stat at
     * every scan is not, so a process is read when new, while young, and while it matches a tracker (to see it become
     * a zombie); an old process that matched nothing is not read again.
     */
    private synchronized Map<String, Integer> countProcesses() {
        Map<String, Integer> counts = new HashMap<>();
        boolean needCmdline = processes.stream().anyMatch(p -> p.fullCommand() || !p.parameters().isEmpty());
        long now = System.nanoTime();
        java.util.Set<Integer> alive = new java.util.HashSet<>();
        try (DirectoryStream<Path> proc = Files.newDirectoryStream(Path.of("/proc"),
                e -> !e.getFileName().toString().isEmpty() && Character.isDigit(e.getFileName().toString().charAt(0)))) {
            for (Path pidDir : proc) {
                int pid;
                try {
                    pid = Integer.parseInt(pidDir.getFileName().toString());
                } catch (NumberFormatException e) {
                    continue;
                }
                alive.add(pid);
                Seen s = seen.get(pid);
                if (s == null) {
                    s = new Seen(now);
                    seen.put(pid, s);
                } else if (s.matches.isEmpty() && now - s.firstSeen > YOUNG_NANOS) {
                    continue; // an old process that matched nothing
                }
                s.matches = read(pidDir, needCmdline);
                for (String name : s.matches) {
                    counts.merge(name, 1, Integer::sum);
                }
            }
        } catch (IOException e) {
            log.info("Cannot read /proc: " + e.getMessage());
        }
        seen.keySet().retainAll(alive);
        return counts;
    }

    /** The trackers one process matches now (none when it is gone or a zombie). */
    private List<String> read(Path pidDir, boolean needCmdline) {
        String comm;
        try {
            String stat = Files.readString(pidDir.resolve("stat"), StandardCharsets.ISO_8859_1);
            int open = stat.indexOf('(');
            int close = stat.lastIndexOf(')');
            if (open < 0 || close < open || close + 2 >= stat.length() || stat.charAt(close + 2) == 'Z') {
                return List.of(); // a zombie does not count
            }
            comm = stat.substring(open + 1, close);
        } catch (IOException e) {
            return List.of();
        }
        List<String> argv = null;
        if (needCmdline) {
            try {
                argv = splitCmdline(Files.readAllBytes(pidDir.resolve("cmdline")));
            } catch (IOException e) {
                return List.of();
            }
        }
        List<String> out = new ArrayList<>(1);
        for (TrackProcess p : processes) {
            if (matches(p, comm, argv)) {
                out.add(p.name());
            }
        }
        return out;
    }

    static List<String> splitCmdline(byte[] bytes) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                out.add(new String(bytes, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        if (start < bytes.length) {
            out.add(new String(bytes, start, bytes.length - start, StandardCharsets.UTF_8));
        }
        return out;
    }

    /** keepalived's read_procs/check_params for one process. */
    static boolean matches(TrackProcess p, String comm, List<String> argv) {
        String name;
        if (p.fullCommand()) {
            if (argv == null || argv.isEmpty()) {
                return false;
            }
            name = argv.getFirst();
        } else {
            name = comm;
        }
        if (!p.process().equals(name)) {
            return false;
        }
        List<String> want = p.parameters();
        if (want.isEmpty()) {
            return true; // no parameters written: any
        }
        if (argv == null) {
            return false;
        }
        List<String> have = argv.subList(1, argv.size());
        return switch (p.paramMatch() == null ? "exact" : p.paramMatch()) {
            case "partial" -> have.size() >= want.size() && have.subList(0, want.size()).equals(want);
            case "initial" -> have.size() >= want.size()
                    && have.subList(0, want.size() - 1).equals(want.subList(0, want.size() - 1))
                    && have.get(want.size() - 1).startsWith(want.getLast());
            default -> have.equals(want);
        };
    }

    @Override
    public void close() {
        if (scanner != null) {
            scanner.shutdownNow();
        }
        if (watcher != null) {
            try {
                watcher.close();
            } catch (IOException e) {
                // closing
            }
            watchThread.interrupt();
        }
    }
}
