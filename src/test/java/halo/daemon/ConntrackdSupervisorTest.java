package halo.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import halo.config.LvsSyncDaemon;
import halo.testing.Await;
import halo.vrrp.VrrpState;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The conntrackd supervisor against a stand-in conntrackd (a script that records its requests): primary-backup.sh's
 * requests on each transition, in order; a conntrackd that dies is started again and told the last role; close
 * stops it. (Real conntrackd between two directors: ConntrackSyncNetnsTest.)
 */
class ConntrackdSupervisorTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private Path requests;
    private ConntrackdSupervisor supervisor;
    private final List<String> logged = new CopyOnWriteArrayList<>();

    @BeforeEach
    void fakeConntrackd() throws Exception {
        requests = dir.resolve("requests");
        Files.writeString(requests, "");
        Path fake = dir.resolve("conntrackd");
        // -C FILE alone is the daemon: it makes its control socket and stays; -C FILE FLAG is one request
        Files.writeString(fake, """
                #!/bin/sh
                if [ -z "$3" ]; then
                    echo daemon >> %1$s
                    touch %2$s/run/conntrackd.ctl
                    exec sleep 600
                fi
                printf "%%s\\n" "$3" >> %1$s
                """.formatted(requests, dir));
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        ConntrackdConfig config = new ConntrackdConfig(LvsSyncDaemon.parse(List.of("eth2", "VI_1")),
                InetAddress.getByName("203.0.113.1"), InetAddress.getByName("203.0.113.2"),
                Set.of(InetAddress.getByName("192.0.2.100")), dir.resolve("run"));
        supervisor = new ConntrackdSupervisor(config, fake.toString(), new ScriptRunner(),
                new DaemonLog(Clock.systemUTC(), null, logged::add, false));
    }

    @AfterEach
    void stop() {
        supervisor.close();
    }

    private List<String> recorded() throws Exception {
        return Files.readAllLines(requests);
    }

    @Test
    void writesItsConfigurationAndTellsConntrackdEachTransitionAsPrimaryBackupDoes() throws Exception {
        supervisor.start();
        assertThat(Files.readString(dir.resolve("run/conntrackd.conf"))).contains("IPv4_Destination_Address 203.0.113.2");
        assertThat(Await.until(WAIT, () -> recorded().contains("daemon"))).isTrue();

        supervisor.instanceState("VI_1", VrrpState.BACKUP);
        supervisor.instanceState("VI_2", VrrpState.MASTER); // not the sync instance: nothing
        supervisor.instanceState("VI_1", VrrpState.MASTER);
        supervisor.instanceState("VI_1", VrrpState.FAULT);
        assertThat(Await.until(WAIT, () -> recorded().size() >= 8)).as(recorded().toString()).isTrue();
        assertThat(recorded()).containsExactly("daemon", "-t", "-n", "-c", "-f", "-R", "-B", "-t");
        assertThat(logged).anyMatch(l -> l.startsWith("conntrackd: MASTER (the instance became MASTER): -c -f -R -B done in"));
    }

    @Test
    void aConntrackdThatDiesIsStartedAgainAndToldTheLastRole() throws Exception {
        supervisor.start();
        supervisor.instanceState("VI_1", VrrpState.BACKUP);
        assertThat(Await.until(WAIT, () -> recorded().size() >= 3)).isTrue();
        Process first = supervisor.process();
        first.destroyForcibly();

        assertThat(Await.until(WAIT, () -> supervisor.starts() == 2 && recorded().size() >= 6)).as(recorded().toString()).isTrue();
        assertThat(recorded()).containsExactly("daemon", "-t", "-n", "daemon", "-t", "-n");
        assertThat(supervisor.process().pid()).isNotEqualTo(first.pid());
        assertThat(Files.readString(dir.resolve("run/conntrackd.pid")).strip())
                .isEqualTo(Long.toString(supervisor.process().pid()));
        assertThat(supervisor.state()).isEqualTo(ConntrackdSupervisor.State.RUNNING);
        assertThat(logged).anyMatch(l -> l.startsWith("conntrackd: RUNNING -> WAITING_TO_RESTART (it exited with status")
                && l.endsWith("restarting in 500 ms)"));

        Process second = supervisor.process();
        supervisor.close();
        assertThat(second.isAlive()).isFalse();
        assertThat(dir.resolve("run/conntrackd.pid")).doesNotExist();
        assertThat(supervisor.state()).isEqualTo(ConntrackdSupervisor.State.CLOSED);
        supervisor.instanceState("VI_1", VrrpState.MASTER); // after close: ignored
        assertThat(recorded()).hasSize(6);
    }

    @Test
    void aConntrackdThatCannotStartIsRetriedWithAGrowingBackoff() throws Exception {
        Path missing = dir.resolve("no-such-conntrackd");
        ConntrackdConfig config = new ConntrackdConfig(LvsSyncDaemon.parse(List.of("eth2", "VI_1")),
                InetAddress.getByName("203.0.113.1"), null, Set.of(), dir.resolve("run2"));
        try (ConntrackdSupervisor s = new ConntrackdSupervisor(config, missing.toString(), new ScriptRunner(),
                new DaemonLog(Clock.systemUTC(), null, logged::add, false))) {
            s.start();
            assertThat(Await.until(WAIT, () -> s.starts() >= 2)).isTrue();
            assertThat(logged).anyMatch(l -> l.contains("restarting in 500 ms"));
            assertThat(Await.until(WAIT, () -> logged.stream().anyMatch(l -> l.contains("restarting in 1000 ms")))).isTrue();
            assertThat(s.state()).isIn(ConntrackdSupervisor.State.WAITING_TO_RESTART, ConntrackdSupervisor.State.RUNNING);
        }
    }
}
