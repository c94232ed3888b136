package halo.check;

import halo.os.ProcessUser;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * MISC_CHECK (keepalived check_misc.c): runs misc_path; exit 0 is success, anything else failure. With
 * misc_dynamic, exit 1 is failure and 2..255 success asking for weight exit - 2. A script still running after
 * misc_timeout gets SIGTERM (with its children), then SIGKILL 2 s later, and counts as failed ("timed out").
 *
 * <p>Like keepalived's system_call: when the first word is an executable file (found through PATH when it has
 * no '/') it is executed directly with the other words as arguments; otherwise the command line goes to
 * /bin/sh -c. stdin, stdout and stderr are /dev/null. With a user, the script runs under that user and group
 * (through setpriv when Halo runs as root).
 */
public final class MiscProbe implements Probe {

    /** keepalived waits 2 s between SIGTERM and SIGKILL. */
    static final Duration KILL_GRACE = Duration.ofSeconds(2);

    private final List<String> command;
    private final Duration timeout;
    private final boolean dynamic;
    private final String user;
    private final String group;

    /**
     * @param words   misc_path split into words (quotes removed)
     * @param timeout misc_timeout (keepalived's default: the virtual server's delay_loop)
     * @param dynamic misc_dynamic
     * @param user    user to run as, or null; {@code group} defaults to the user's group
     */
    public MiscProbe(List<String> words, Duration timeout, boolean dynamic, String user, String group) {
        if (words.isEmpty()) throw new IllegalArgumentException("No script path has been specified for MISC_CHECKER");
        this.command = commandLine(List.copyOf(words));
        this.timeout = Objects.requireNonNull(timeout);
        this.dynamic = dynamic;
        this.user = user;
        this.group = group;
    }

    public MiscProbe(String miscPath, Duration timeout, boolean dynamic) {
        this(splitWords(miscPath), timeout, dynamic, null, null);
    }

    List<String> command() {
        return command;
    }

    static List<String> commandLine(List<String> words) {
        String first = words.getFirst();
        if (executable(first) != null) {
            List<String> c = new ArrayList<>(words);
            c.set(0, executable(first));
            return c;
        }
        return List.of("/bin/sh", "-c", String.join(" ", words));
    }

    private static String executable(String name) {
        if (name.contains("/")) {
            Path p = Path.of(name);
            return Files.isRegularFile(p) && Files.isExecutable(p) ? name : null;
        }
        String path = System.getenv().getOrDefault("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) continue;
            Path p = Path.of(dir, name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) return p.toString();
        }
        return null;
    }

    /** Splits a script line into words: spaces separate, single or double quotes group, backslash escapes. */
    public static List<String> splitWords(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quote != 0) {
                if (ch == quote) quote = 0;
                else cur.append(ch);
            } else if (ch == '"' || ch == '\'') {
                quote = ch;
                inWord = true;
            } else if (ch == '\\' && i + 1 < line.length()) {
                cur.append(line.charAt(++i));
                inWord = true;
            } else if (ch == ' ' || ch == '\t') {
                if (inWord) words.add(cur.toString());
                cur.setLength(0);
                inWord = false;
            } else {
                cur.append(ch);
                inWord = true;
            }
        }
        if (inWord) words.add(cur.toString());
        return words;
    }

    /** Only root can run a script as another user; the kernel's uid says, not the name Java was started with. */
    private static final boolean ROOT = ProcessUser.isRoot();

    @Override
    public ProbeResult run() throws InterruptedException {
        List<String> cmd = command;
        if (user != null && ROOT) {
            // Without a group, the user's primary group (Debian's nobody has no group called nobody).
            List<String> c = new ArrayList<>(ProcessUser.switchTo(user, group));
            c.addAll(command);
            cmd = c;
        }
        String script = command.getFirst().equals("/bin/sh") ? command.get(2) : command.getFirst();
        Process p;
        try {
            p = new ProcessBuilder(cmd)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            return ProbeResult.failure("Misc check by [" + script + "] failed (cannot execute: " + e.getMessage()
                    + ").");
        }
        try {
            if (!p.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                terminate(p);
                return ProbeResult.failure("Misc check by [" + script + "] timed out.");
            }
        } catch (InterruptedException e) {
            terminate(p);
            throw e;
        }
        int status = p.exitValue();
        if (status == 0) return ProbeResult.success("Misc check by [" + script + "] succeeded.");
        if (dynamic && status >= 2 && status <= 255) {
            return ProbeResult.successWithWeight("Misc check by [" + script + "] succeeded.", status - 2);
        }
        return ProbeResult.failure("Misc check by [" + script + "] failed (exited with status " + status + ").");
    }

    /** SIGTERM to the script and its children, SIGKILL after the grace period (keepalived kills -pgid). */
    private static void terminate(Process p) throws InterruptedException {
        List<ProcessHandle> all = new ArrayList<>(p.descendants().toList());
        all.add(p.toHandle());
        all.forEach(ProcessHandle::destroy);
        if (!p.waitFor(KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
            all.addAll(p.descendants().toList());
        }
        all.forEach(ProcessHandle::destroyForcibly);
        p.waitFor(KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    }
}
