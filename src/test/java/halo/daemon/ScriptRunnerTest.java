package halo.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import halo.testing.Root;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScriptRunnerTest {

    private final ScriptRunner runner = new ScriptRunner();

    @TempDir
    Path dir;

    @Test
    void splitsCommandLinesAsKeepalivedDoes() {
        assertThat(Script.split("/usr/bin/killall -0 nginx")).containsExactly("/usr/bin/killall", "-0", "nginx");
        assertThat(Script.split("/x.sh \"arg with space\" 'single q' esc\\ aped")).containsExactly("/x.sh", "arg with space", "single q", "esc aped");
        assertThat(Script.split("  ")).isEmpty();
    }

    @Test
    void executableRunsDirectlyWithExtraArgumentsAndItsExitStatusCounts() throws IOException {
        Path out = dir.resolve("out");
        Path script = executable("notify.sh", "#!/bin/sh\necho \"$@\" > " + out + "\nexit 3\n");
        ScriptRunner.Result r = runner.runNow(Script.of(script + " master", null, Duration.ofSeconds(5)), List.of("INSTANCE", "VI_1", "MASTER", "100"));
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.success()).isFalse();
        assertThat(Files.readString(out)).isEqualTo("master INSTANCE VI_1 MASTER 100\n");
    }

    @Test
    void shellTextIsNotFoundAndNeverRunsAsKeepalived227Disables() {
        // seed 004's chk_down: keepalived 2.2.7 logs "Cannot find script [[ in path - disabling"
        Script chkDown = Script.of("[[ -f /etc/keepalived/down ]] && exit 1 || exit 0", null, Duration.ofSeconds(5));
        ScriptRunner.Result r = runner.runNow(chkDown, List.of());
        assertThat(r.success()).isFalse();
        assertThat(r.error()).isEqualTo("Cannot find script [[ in path");
        assertThat(ScriptPolicy.check(chkDown)).isEqualTo(ScriptPolicy.Verdict.NOT_FOUND);
    }

    @Test
    void bareNamesAreSearchedInPath() {
        Script chkNginx = Script.of("killall -0 halo-no-such-process", null, Duration.ofSeconds(5));
        assertThat(runner.commandFor(chkNginx, List.of()).getFirst()).endsWith("/killall");
        assertThat(runner.runNow(chkNginx, List.of()).exitCode()).isEqualTo(1);
    }

    @Test
    void timeoutKillsTheScriptAndCountsAsFailure() throws IOException {
        Path script = executable("hang.sh", "#!/bin/sh\nsleep 30\n");
        long start = System.nanoTime();
        ScriptRunner.Result r = runner.runNow(Script.of(script.toString(), null, Duration.ofMillis(200)), List.of());
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(r.timedOut()).isTrue();
        assertThat(r.success()).isFalse();
        assertThat(tookMs).isLessThan(5_000);
    }

    @Test
    void missingCommandFailsWithoutThrowing() {
        ScriptRunner.Result r = runner.runNow(Script.of("/nonexistent/halo-test-script", null, Duration.ofSeconds(2)), List.of());
        assertThat(r.success()).isFalse();
        assertThat(r.error()).contains("Cannot find script /nonexistent/halo-test-script");
    }

    @Test
    void securityJudgesOwnershipAndWritability() throws IOException {
        Path script = executable("chk.sh", "#!/bin/sh\nexit 0\n");
        if (Root.isRoot()) {
            // /tmp is world-writable but sticky: only the file decides. A root-owned 0755 file is safe...
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            assertThat(ScriptPolicy.check(Script.of(script.toString(), null, null))).isEqualTo(ScriptPolicy.Verdict.SAFE);
        }
        // ...and a world-writable one run as root is not, whoever owns it...
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThat(ScriptPolicy.check(Script.of(script.toString(), "root", null))).isEqualTo(ScriptPolicy.Verdict.UNSAFE);
        // ...while run as an unprivileged script_user it is no escalation, and keepalived 2.2.7 runs it.
        assertThat(ScriptPolicy.check(Script.of(script.toString(), "nobody", null))).isEqualTo(ScriptPolicy.Verdict.SAFE);
        assertThat(ScriptPolicy.check(Script.of("/nonexistent/x", null, null))).isEqualTo(ScriptPolicy.Verdict.NOT_FOUND);
    }

    /** script_user nobody: nobody has no group named after it (Debian: nogroup), so the primary gid is used. */
    @Test
    @org.junit.jupiter.api.Tag("root")
    void runsAsTheConfiguredUserWithItsPrimaryGroup() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(Root.isRoot(), "needs root");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path out = Files.createDirectory(dir.resolve("out"));
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path script = executable("whoami.sh", "#!/bin/sh\nid -un > " + out + "/who; id -g >> " + out + "/who\n");
        ScriptRunner.Result r = runner.runNow(Script.of(script.toString(), "nobody", Duration.ofSeconds(5)), List.of());
        assertThat(r.success()).as("%s", r).isTrue();
        assertThat(Files.readString(out.resolve("who"))).isEqualTo("nobody\n" + halo.os.ProcessUser.userIds("nobody")[1] + "\n");
        assertThat(halo.os.ProcessUser.userIds("nobody")[1]).isEqualTo(65534);
    }

    private Path executable(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }
}
