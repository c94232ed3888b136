package halo.check;

import static org.assertj.core.api.Assertions.assertThat;

import halo.testing.Root;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MiscProbeTest {

    @TempDir
    Path dir;

    Path script(String name, String body) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    @Test
    void exitStatusDecides() throws Exception {
        assertThat(new MiscProbe(script("ok", "exit 0") + "", Duration.ofSeconds(5), false).run().success()).isTrue();
        ProbeResult fail = new MiscProbe(script("bad", "exit 3").toString(), Duration.ofSeconds(5), false).run();
        assertThat(fail.success()).isFalse();
        assertThat(fail.detail()).endsWith("failed (exited with status 3).");
    }

    @Test
    void argumentsAreQuotedWordsAndNonExecutablesGoThroughTheShell() throws Exception {
        Path out = dir.resolve("args");
        Path s = script("args", "printf '%s|' \"$@\" > " + out);
        assertThat(new MiscProbe(s + " one 'two words' \"three\"", Duration.ofSeconds(5), false).run().success()).isTrue();
        assertThat(Files.readString(out)).isEqualTo("one|two words|three|");
        // Not an executable file: /bin/sh -c, so shell syntax works (as keepalived's system()).
        Path flag = dir.resolve("down");
        String test = "test -f " + flag + " && exit 1 || exit 0";
        assertThat(new MiscProbe(List.of(test), Duration.ofSeconds(5), false, null, null).run().success()).isTrue();
        Files.writeString(flag, "");
        assertThat(new MiscProbe(List.of(test), Duration.ofSeconds(5), false, null, null).run().success()).isFalse();
        assertThat(new MiscProbe("true", Duration.ofSeconds(5), false).command()).containsExactly("/usr/bin/true");
    }

    @Test
    @org.junit.jupiter.api.Tag("root")
    void runsAsTheConfiguredUser() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Root.isRoot(), "needs root");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path out = dir.resolve("uid");
        Path s = script("whoami", "id -u > " + out);
        ProbeResult r = new MiscProbe(List.of(s.toString()), Duration.ofSeconds(5), false, "nobody", null).run();
        assertThat(r.success()).as(r.detail()).isTrue();
        String nobodyUid = Files.readAllLines(Path.of("/etc/passwd")).stream().filter(l -> l.startsWith("nobody:"))
                .map(l -> l.split(":")[2]).findFirst().orElseThrow();
        assertThat(Files.readString(out).trim()).isEqualTo(nobodyUid);
    }

    @Test
    void miscDynamicMapsExitCodesToWeights() throws Exception {
        for (int code : new int[] {0, 1, 2, 12, 255}) {
            ProbeResult r = new MiscProbe(script("d" + code, "exit " + code).toString(), Duration.ofSeconds(5), true)
                    .run();
            switch (code) {
                case 0 -> assertThat(r.success() && r.weight().isEmpty()).isTrue();
                case 1 -> assertThat(r.success()).isFalse();
                default -> {
                    assertThat(r.success()).isTrue();
                    assertThat(r.weight().getAsLong()).isEqualTo(code - 2);
                }
            }
        }
    }

    @Test
    void aScriptOverItsTimeoutIsTerminatedWithItsChildrenAndFails() throws Exception {
        Path pidFile = dir.resolve("child.pid");
        Path s = script("slow", "sleep 30 & echo $! > " + pidFile + "; wait");
        long t0 = System.nanoTime();
        ProbeResult r = new MiscProbe(s.toString(), Duration.ofMillis(500), false).run();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.success()).isFalse();
        assertThat(r.detail()).endsWith("timed out.");
        assertThat(ms).isBetween(450L, 4000L);
        long child = Long.parseLong(Files.readString(pidFile).trim());
        long deadline = System.nanoTime() + 3_000_000_000L;
        while (ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }

    @Test
    void dynamicWeightReachesTheListenerAsADeltaFromTheConfiguredWeight() throws Exception {
        Path value = dir.resolve("exit");
        Files.writeString(value, "12");
        Path s = script("dyn", "exit $(cat " + value + ")");
        RecordingListener listener = new RecordingListener();
        try (CheckerEngine engine = new CheckerEngine(listener, new SplittableRandom(3), Duration.ZERO)) {
            CheckTiming t = new CheckTiming(Duration.ofMillis(100), Duration.ofSeconds(1), 0, Duration.ofMillis(100),
                    Duration.ZERO, false);
            RunningChecker c = engine.add(CheckerSpec.misc("rs", t, new MiscProbe(s.toString(), Duration.ofSeconds(2), true),
                    3));
            assertThat(listener.await(0, e -> e.kind().equals("weight") && e.weight() == 7, 5000)).isNotNull();
            Files.writeString(value, "0");
            assertThat(listener.await(0, e -> e.kind().equals("weight") && e.weight() == 0, 5000)).isNotNull();
            Files.writeString(value, "1");
            assertThat(listener.awaitState(c, false, 5000)).isNotNull();
        }
    }
}
