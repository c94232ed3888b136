package halo.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import halo.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * startup_script and shutdown_script as keepalived's parent runs them: the startup script before anything starts,
 * the shutdown script after everything stopped, each waited for up to its timeout. A daemon with one virtual server
 * on loopback (the checker side alone: no root needed).
 */
class StartStopScriptsTest {

    @TempDir
    Path dir;

    Path script(String name, String body) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
        return f;
    }

    record Stopped(int status, List<String> log) {}

    /** Runs the daemon on GLOBAL's global_defs until it logs STARTED, then stops it. */
    Stopped runUntil(String global, String started) throws Exception {
        Path conf = dir.resolve("keepalived.conf");
        Files.writeString(conf, """
                global_defs {
                %s
                }
                virtual_server 127.0.0.1 %d {
                    lb_algo rr
                    lb_kind NAT
                    protocol TCP
                    real_server 127.0.0.1 9 {
                    }
                }
                """.formatted(global, 20000 + (int) (ProcessHandle.current().pid() % 20000)));
        List<String> logged = new CopyOnWriteArrayList<>();
        DaemonLog log = new DaemonLog(Clock.systemUTC(), null, logged::add, true);
        Daemon daemon = new Daemon(new Daemon.Options(conf, "test", dir.resolve("halo.sock"),
                dir.resolve("halo.pid"), dir.resolve("vrrp.pid"), true, false, false, true,
                dir.resolve("checkers.pid"), false, false, "proxy", null), log);
        int[] status = {-1};
        Thread t = Thread.ofPlatform().start(() -> status[0] = daemon.run());
        try {
            assertThat(Await.until(Duration.ofSeconds(30), () -> logged.stream().anyMatch(l -> l.contains(started))))
                    .as(String.join("\n", logged)).isTrue();
        } finally {
            daemon.requestStop();
            t.join(Duration.ofSeconds(30));
        }
        assertThat(t.isAlive()).isFalse();
        return new Stopped(status[0], logged);
    }

    static int index(List<String> log, String containing) {
        for (int i = 0; i < log.size(); i++) {
            if (log.get(i).contains(containing)) return i;
        }
        return -1;
    }

    @Test
    void theStartupScriptRunsBeforeTheStartAndTheShutdownScriptAfterTheStop() throws Exception {
        Path marks = dir.resolve("marks");
        Path start = script("start.sh", "echo start >> " + marks);
        Path stop = script("stop.sh", "echo stop >> " + marks + "; exit 3");
        Stopped s = runUntil("    startup_script " + start + "\n    shutdown_script " + stop, "LVS data plane");
        assertThat(s.status()).isZero();
        assertThat(Files.readAllLines(marks)).containsExactly("start", "stop");
        List<String> log = s.log();
        int running = index(log, "Running startup script " + start);
        int succeeded = index(log, "startup script script succeeded");
        int plane = index(log, "LVS data plane");
        int failed = index(log, "shutdown script script failed, status 3");
        assertThat(running).as(String.join("\n", log)).isNotNegative();
        assertThat(succeeded).isGreaterThan(running);
        assertThat(plane).isGreaterThan(succeeded);
        assertThat(failed).isGreaterThan(plane);
        assertThat(index(log, "Running shutdown script " + stop)).isGreaterThan(plane).isLessThan(failed);
        assertThat(index(log, "SECURITY VIOLATION - start/shutdown scripts are being executed but script_security not"
                + " enabled.")).isNotNegative().isLessThan(running);
    }

    @Test
    void aStartupScriptThatOverrunsItsTimeoutIsKilledAndTheStartGoesOn() throws Exception {
        Path marks = dir.resolve("marks");
        Path start = script("start.sh", "echo start >> " + marks + "; exec sleep 60");
        Stopped s = runUntil("    startup_script " + start + "\n    startup_script_timeout 1", "LVS data plane");
        assertThat(s.status()).isZero();
        assertThat(Files.readAllLines(marks)).containsExactly("start");
        assertThat(index(s.log(), "startup script timed out")).as(String.join("\n", s.log()))
                .isNotNegative().isLessThan(index(s.log(), "LVS data plane"));
    }

    @Test
    void aMissingScriptIsNotRun() throws Exception {
        Path missing = dir.resolve("missing.sh");
        Stopped s = runUntil("    startup_script " + missing, "LVS data plane");
        assertThat(s.status()).isZero();
        assertThat(s.log()).anyMatch(l -> l.endsWith("Script " + missing + " cannot be accessed - No such file or directory"));
        assertThat(index(s.log(), "Running startup script")).isNegative();
    }
}
