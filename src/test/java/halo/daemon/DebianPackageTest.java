package halo.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import halo.testing.Root;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The .deb on a Debian 12 root that is not this machine's (packaging/test-package: an overlay of / in a mount namespace
 * of its own, the JDKs hidden, booted by systemd-nspawn with systemd as its PID 1 in a network namespace): it installs
 * with apt; {@code systemctl start halo} (the unit as shipped: Type=notify, WatchdogSec) brings up a VRRP instance that
 * {@code curl} of the metrics endpoint shows MASTER; {@code systemctl reload halo} with a VIP added keeps the daemon,
 * the state and the first VIP (no transition, no address deleted); the watchdog restarts a SIGSTOPped daemon;
 * {@code systemctl stop} ends it with status 0. Debian's keepalived.service (from the keepalived package) with a
 * drop-in pointing ExecStart at halo runs it too, with keepalived's pid files and keepalived's refusal of a second
 * start; and apt purge leaves no file behind. Builds the package first (packaging/build-deb) when target/ has none or
 * it is stale. 82 s on 2 cores under load average 12, about 2 minutes under 20, the package build aside.
 */
@Tag("root")
class DebianPackageTest {

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void installsRunsAndPurgesInAThrowawayRoot() throws Exception {
        assertThat(Root.isRoot()).as("needs root (mount and network namespaces, systemd-nspawn)").isTrue();
        Path deb = packageFile();
        if (deb == null) {
            Output build = run(900, "packaging/build-deb");
            assertThat(build.status).as("packaging/build-deb:\n" + build.text).isZero();
            deb = packageFile();
        }
        assertThat(deb).as("target/halo_*_amd64.deb").isNotNull();

        Output test = run(600, "packaging/test-package", deb.toString());
        assertThat(test.status).as("packaging/test-package:\n" + test.text).isZero();
        assertThat(test.text)
                .contains("install ok installed")
                .contains("halo.service active/running, Type=notify, WatchdogUSec=10s")
                .containsPattern("VI_1 +MASTER +eth0")
                .contains("192.0.2.100/24")
                // curl of the metrics endpoint (metrics_listen), after the start, the reload and the restart
                .containsPattern("(?s)(metrics: halo_vrrp_state\\{instance=\"VI_1\",interface=\"eth0\",vrid=\"51\","
                        + "state=\"MASTER\"\\} 1\n.*){3}")
                // systemctl reload: the same daemon, the second VIP added, no state change, no VIP lost
                .contains("192.0.2.101/24")
                .contains("reload: the same daemon")
                .contains("Reload complete")
                .contains("reload: no state change")
                .contains("reload: no address deleted")
                // the watchdog restarts a stopped daemon
                .contains("after SIGSTOP: NRestarts=1, active/running")
                .contains("watchdog: a new daemon")
                .contains("Watchdog timeout (limit 10s)")
                .contains("halo.service inactive, Result=success, ExecMainStatus=0")
                .contains("Stopped Halo")
                // Debian's keepalived.service with ExecStart at halo: keepalived's pid files, a second start refused
                .contains("ExecStart=/usr/sbin/halo --dont-fork $DAEMON_ARGS")
                .contains("/run/keepalived.pid holds the daemon's pid")
                .contains("/run/vrrp.pid holds the daemon's pid")
                .contains("second start: exit status 0, daemon is already running")
                .contains("keepalived.service Result=success, ExecMainStatus=0")
                .contains("pid files removed at exit")
                .contains("left behind: nothing");
    }

    /** The package in target/, or null when there is none or it is older than the sources or packaging/. */
    private static Path packageFile() throws IOException {
        File[] debs = new File("target").listFiles((d, n) -> n.startsWith("halo_") && n.endsWith("_amd64.deb"));
        if (debs == null || debs.length == 0) {
            return null;
        }
        Path deb = debs[0].toPath();
        long built = Files.getLastModifiedTime(deb).toMillis();
        for (String tree : new String[] {"src/main", "packaging", "pom.xml"}) {
            try (var files = Files.walk(Path.of(tree))) {
                if (files.anyMatch(f -> f.toFile().lastModified() > built)) {
                    return null;
                }
            }
        }
        return deb;
    }

    private record Output(int status, String text) {}

    private static Output run(long timeoutSeconds, String... command) throws IOException, InterruptedException {
        Path log = Files.createTempFile("halo-package-test", ".log");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor();
                return new Output(-1, "timed out after " + timeoutSeconds + " s\n" + Files.readString(log, StandardCharsets.UTF_8));
            }
            return new Output(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
