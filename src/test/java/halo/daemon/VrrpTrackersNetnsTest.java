package halo.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import halo.demo.SeedTopology;
import halo.testing.Root;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * track_file and vrrp_track_process on running Halo daemons in namespaces: a written number moves the priority and
 * wins an election; a tracked process that stops puts the instance in FAULT and its return brings it back.
 */
@Tag("root")
class VrrpTrackersNetnsTest {

    private static final Duration LONG = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private SeedTopology lan;
    private final List<NodeProcess> nodes = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();

    @BeforeEach
    void topology() throws IOException {
        assumeThat(Root.isRoot()).as("needs root for network namespaces").isTrue();
        lan = SeedTopology.directors("trk");
    }

    @AfterEach
    void cleanUp() throws InterruptedException {
        nodes.forEach(NodeProcess::close);
        for (Process p : processes) {
            p.destroyForcibly();
            p.waitFor();
        }
        if (lan != null) {
            lan.close();
        }
    }

    private Path conf(String node, int priority, String blocks, String instanceExtra) throws IOException {
        String text = """
                global_defs {
                    router_id %s
                }
                %s
                vrrp_instance VI_1 {
                    state BACKUP
                    interface eth0
                    virtual_router_id 52
                    priority %d
                    version 3
                    advert_int 0.1
                %s
                    virtual_ipaddress {
                        192.0.2.100/24
                    }
                }
                """.formatted(node, blocks, priority, instanceExtra);
        Path p = dir.resolve(node + "-" + nodes.size() + ".conf");
        Files.writeString(p, text);
        return p;
    }

    private NodeProcess halo(String role, Path config) throws IOException {
        NodeProcess n = NodeProcess.halo(role + "-" + nodes.size(), lan.exec(role), config, dir);
        nodes.add(n);
        return n;
    }

    /** Waits until {@code halo status} shows VI_1 with this state and effective priority. */
    private static void awaitStatus(NodeProcess node, String state, int priority) throws IOException {
        String want = "\"state\":\"" + state + "\"";
        String prio = "\"effective_priority\":" + priority + ",";
        long end = System.nanoTime() + LONG.toNanos();
        String last = "";
        while (System.nanoTime() < end) {
            try {
                last = node.status();
            } catch (IOException e) {
                last = e.toString(); // the daemon is still starting: no control socket yet
            }
            if (last.contains(want) && last.contains(prio)) {
                return;
            }
            NodeProcess.sleep(50);
        }
        assertThat(last).as("status; log:%n%s", node.log()).contains(want).contains(prio);
    }

    @Test
    void trackFileValueTimesWeightMovesPriorityAndWinsTheElection() throws Exception {
        Path file = dir.resolve("dir1.weight");
        // init_file writes 0 (the file is missing); weight 10: the value counts ten times
        NodeProcess d1 = halo("dir1", conf("dir1", 100, """
                track_file tf {
                    file %s
                    weight 10
                    init_file
                }
                """.formatted(file), """
                    track_file {
                        tf
                    }
                """));
        NodeProcess d2 = halo("dir2", conf("dir2", 105, "", ""));
        d2.awaitLog("\\(VI_1\\) Entering MASTER STATE", LONG);
        awaitStatus(d1, "BACKUP", 100);
        assertThat(Files.readString(file)).isEqualTo("0\n");

        Files.writeString(file, "1\n");
        awaitStatus(d1, "MASTER", 110);
        d2.awaitLog("\\(VI_1\\) Entering BACKUP STATE", LONG);

        // rewriting the same number (the shell truncates, then writes) changes nothing
        long backups = d1.count("Entering BACKUP STATE");
        String invalidLine = "Invalid number read from " + file + " - ignoring";
        for (int i = 0; i < 5; i++) {
            Files.writeString(file, "1\n");
            NodeProcess.sleep(100); // spacing, not synchronisation: five rewrites the watcher sees apart
        }
        // then a number out of range, logged and ignored: the watcher got past the rewrites, and the status (from the
        // protocol thread) comes after what it handed on
        int invalid = d1.mark(invalidLine);
        Files.writeString(file, "99999999999\n");
        d1.awaitLog(invalidLine, invalid, LONG);
        assertThat(d1.count("Entering BACKUP STATE")).isEqualTo(backups);
        assertThat(d1.status()).contains("\"state\":\"MASTER\"").contains("\"effective_priority\":110,");

        Files.writeString(file, "-2\n");
        awaitStatus(d1, "BACKUP", 80);
        awaitStatus(d2, "MASTER", 105);

        // an invalid number is ignored, not read as 0
        invalid = d1.mark(invalidLine);
        Files.writeString(file, "99999999999\n");
        d1.awaitLog(invalidLine, invalid, LONG);
        assertThat(d1.status()).contains("\"effective_priority\":80,");
    }

    @Test
    void trackFileInitOverwriteAndWeightZeroMeansFault() throws Exception {
        Path file = dir.resolve("down");
        Files.writeString(file, "7\n");
        NodeProcess d1 = halo("dir1", conf("dir1", 100, """
                track_file maintenance {
                    file %s
                    weight 0
                    init_file 0 overwrite
                }
                """.formatted(file), """
                    track_file {
                        maintenance
                    }
                """));
        d1.awaitLog("\\(VI_1\\) Entering MASTER STATE", LONG);
        assertThat(Files.readString(file)).isEqualTo("0\n");
        Files.writeString(file, "1\n");
        awaitStatus(d1, "FAULT", 100);
        Files.delete(file); // a missing file reads 0
        awaitStatus(d1, "MASTER", 100);
    }

    @Test
    void trackProcessQuorumAtSyncGroupLevelWithDelay() throws Exception {
        // a process whose name (comm) is unique to this test: a copy of sleep
        Path exe = dir.resolve("halotrk" + (System.nanoTime() % 100000));
        Files.copy(Path.of("/bin/sleep"), exe, StandardCopyOption.REPLACE_EXISTING);
        exe.toFile().setExecutable(true);
        String name = exe.getFileName().toString();
        // a second tracker, in no instance, with the same fork delay: its quorum shows when the daemon saw a process
        Path markerExe = dir.resolve("halomrk" + (System.nanoTime() % 100000));
        Files.copy(Path.of("/bin/sleep"), markerExe, StandardCopyOption.REPLACE_EXISTING);
        markerExe.toFile().setExecutable(true);
        NodeProcess d1 = halo("dir1", conf("dir1", 100, """
                vrrp_track_process marker {
                    process %s
                    delay 1
                }
                vrrp_track_process proc {
                    process %s
                    quorum 2
                    delay 1
                }
                vrrp_sync_group G1 {
                    group {
                        VI_1
                    }
                    track_process {
                        proc
                    }
                }
                """.formatted(markerExe.getFileName(), name), ""));
        // no process at startup: quorum not achieved, FAULT from the start
        d1.awaitLog("\\(VI_1\\) entering FAULT state \\(tracked process proc quorum not achieved\\)|VI_1.*FAULT", LONG);
        awaitStatus(d1, "FAULT", 100);

        processes.add(new ProcessBuilder(exe.toString(), "300").start());
        // the marker process, started after: its quorum, gained one fork delay after a scan that saw it, comes no
        // earlier than one that one process of proc would have wrongly gained
        processes.add(new ProcessBuilder(markerExe.toString(), "300").start());
        d1.awaitLog("Quorum gained for tracked process marker", LONG);
        assertThat(d1.count("Quorum gained for tracked process proc")).isZero();
        assertThat(d1.status()).contains("\"state\":\"FAULT\""); // one process is below quorum 2
        long started = System.nanoTime();
        processes.add(new ProcessBuilder(exe.toString(), "300").start());
        d1.awaitLog("Quorum gained for tracked process proc", LONG);
        long gainedMs = (System.nanoTime() - started) / 1_000_000;
        assertThat(gainedMs).as("fork delay 1 s").isGreaterThanOrEqualTo(900);
        awaitStatus(d1, "MASTER", 100);

        processes.getFirst().destroyForcibly().waitFor();
        d1.awaitLog("Quorum lost for tracked process proc", LONG);
        awaitStatus(d1, "FAULT", 100);
    }

    /**
     * Both sides in one daemon: ha_suspend checkers of a virtual server on the VIP run only while this node holds the
     * VIP. As BACKUP nothing is checked (the dead real server stays listed); once MASTER the checker runs and removes it.
     */
    @Test
    void haSuspendChecksOnlyWhileTheVipIsLocal() throws Exception {
        String lvs = """
                virtual_server 192.0.2.100 8080 {
                    delay_loop 1
                    lb_algo rr
                    lb_kind NAT
                    protocol TCP
                    ha_suspend
                    real_server 192.0.2.12 8080 {
                        TCP_CHECK {
                            connect_timeout 1
                            retry 0
                        }
                    }
                }
                """;
        NodeProcess d2 = halo("dir2", conf("dir2", 105, "", ""));
        d2.awaitLog("\\(VI_1\\) Entering MASTER STATE", LONG);
        NodeProcess d1 = halo("dir1", conf("dir1", 100, lvs, ""));
        d1.awaitLog("\\(VI_1\\) Entering BACKUP STATE", LONG);
        // 31 adverts of 100 ms from the master, 3 s: three delay_loops, a running checker would have failed by now
        d1.awaitMore("adverts_received", 31, LONG);
        assertThat(d1.log()).doesNotContain("TCP_CHECK on service").doesNotContain("Removing service");
        assertThat(ControlServer.ask(d1.controlSocket, "lvs")).contains("192.0.2.12");

        assertThat(d2.stop(LONG)).isZero();
        d1.awaitLog("\\(VI_1\\) Entering MASTER STATE", LONG);
        d1.awaitLog("Activating healthchecker for service \\[192.0.2.12\\]:tcp:8080 for VS \\[192.0.2.100\\]:tcp:8080", LONG);
        d1.awaitLog("TCP_CHECK on service \\[192.0.2.12\\]:tcp:8080 failed", LONG);
        d1.awaitLog("Removing service \\[192.0.2.12\\]:tcp:8080 from VS \\[192.0.2.100\\]:tcp:8080", LONG);
        assertThat(ControlServer.ask(d1.controlSocket, "lvs")).doesNotContain("192.0.2.12");
        assertThat(d1.status()).contains("\"state\":\"MASTER\"");
    }
}
