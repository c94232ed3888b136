package halo.daemon;

import halo.os.ProcessUser;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs scripts off the protocol thread, as keepalived 2.2 does: the first word must name an executable file (searched
 * in PATH when it has no slash), which runs directly with the other words as arguments; there is no shell, so a
 * script written as shell text ({@code [[ -f /x ]] && exit 1}) is "not found" and disabled, exactly as keepalived 2.2.7
 * disables it ("Cannot find script [[ in path - disabling"). Output goes nowhere, as keepalived points scripts'
 * standard descriptors at /dev/null. A script that outlives its timeout gets SIGTERM,
 * then SIGKILL a second later, with its children; the timeout counts as a failure.
 */
public final class ScriptRunner {

    /** How a run ended. {@code exitCode} is -1 when the script did not exit by itself. */
    public record Result(int exitCode, boolean timedOut, String error) {
        public boolean success() {
            return exitCode == 0 && !timedOut && error == null;
        }
    }

    private static final Duration KILL_GRACE = Duration.ofSeconds(1);

    /** Starts the script with {@code extraArgs} appended (notify's "INSTANCE VI_1 MASTER 100") and returns at once. */
    public CompletableFuture<Result> run(Script script, List<String> extraArgs) {
        CompletableFuture<Result> result = new CompletableFuture<>();
        Thread.ofVirtual().name("script").start(() -> result.complete(runNow(script, extraArgs)));
        return result;
    }

    /** Runs the script to its end on the calling thread. */
    public Result runNow(Script script, List<String> extraArgs) {
        List<String> command = commandFor(script, extraArgs);
        if (command == null) {
            return new Result(-1, false, "Cannot find script " + (script.argv().isEmpty() ? "" : script.argv().getFirst()) + " in path");
        }
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            return new Result(-1, false, "Error exec-ing command '" + command.getFirst() + "': " + e.getMessage());
        }
        try {
            if (script.timeout() == null) {
                return new Result(process.waitFor(), false, null);
            }
            if (process.waitFor(script.timeout().toNanos(), TimeUnit.NANOSECONDS)) {
                return new Result(process.exitValue(), false, null);
            }
            kill(process);
            return new Result(-1, true, null);
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
            return new Result(-1, false, "interrupted");
        }
    }

    /**
     * Starts a script that keeps running beside the daemon (a notify FIFO's reader) and returns its process, or
     * {@code null} with {@code error} told why when it cannot start. It is stopped with {@link #kill(Process)}.
     */
    public Process startLongRunning(Script script, List<String> extraArgs, java.util.function.Consumer<String> error) {
        List<String> command = commandFor(script, extraArgs);
        if (command == null) {
            error.accept("Cannot find script " + (script.argv().isEmpty() ? "" : script.argv().getFirst()) + " in path");
            return null;
        }
        try {
            return new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            error.accept("Error exec-ing command '" + command.getFirst() + "': " + e.getMessage());
            return null;
        }
    }

    /** SIGTERM to the script and its children, SIGKILL a second later to what is left (keepalived's script_killall). */
    static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** The argv to start, or {@code null} when the script's first word names no executable file. */
    List<String> commandFor(Script script, List<String> extraArgs) {
        Path executable = script.argv().isEmpty() ? null : resolveExecutable(script.argv().getFirst());
        if (executable == null) {
            return null;
        }
        // the configured user and group (else the user's primary group, as keepalived's set_privileges)
        List<String> command = new ArrayList<>(ProcessUser.switchTo(script.user(), script.group()));
        command.add(executable.toString());
        command.addAll(script.argv().subList(1, script.argv().size()));
        command.addAll(extraArgs);
        return command;
    }

    /** The file a command word names, searched in PATH when it has no slash; {@code null} when it is not an executable file. */
    public static Path resolveExecutable(String word) {
        if (word.isEmpty()) {
            return null;
        }
        if (word.indexOf('/') >= 0) {
            Path p = Path.of(word);
            return Files.isRegularFile(p) && Files.isExecutable(p) ? p : null;
        }
        String path = System.getenv().getOrDefault("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        for (String dir : path.split(":")) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, word);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }
}
