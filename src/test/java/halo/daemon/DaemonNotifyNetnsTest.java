package halo.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import halo.demo.SeedTopology;
import halo.testing.Await;
import halo.testing.Root;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Notify scripts, the notify FIFO and vrrp_script timeouts in a running daemon, judged against real keepalived going
 * through the same events side by side: the same script calls with the same arguments as the same user, the same
 * FIFO bytes, the same unsafe script refused.
 */
@Tag("root")
class DaemonNotifyNetnsTest {

    private static final Duration LONG = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private SeedTopology lan;
    private final List<NodeProcess> nodes = new ArrayList<>();
    private final List<Process> readers = new ArrayList<>();

    @BeforeEach
    void topology() throws IOException {
        assumeThat(Root.isRoot()).as("needs root for network namespaces").isTrue();
        // script_user nobody must reach the scripts; the scripts must stay safe (root-owned, not writable by others)
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        lan = SeedTopology.directors("notify");
    }

    @AfterEach
    void cleanUp() {
        nodes.forEach(NodeProcess::close);
        readers.forEach(p -> {
            p.destroyForcibly();
            try {
                p.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        if (lan != null) {
            lan.close();
        }
    }

    /** A script that appends "name user=U [arg]..." to OUT, one line per call (one write, so lines never interleave). */
    private Path recorder(Path bin, String name, Path out) throws IOException {
        Path p = bin.resolve(name);
        Files.writeString(p, """
                #!/bin/sh
                line="$(basename "$0") user=$(id -un)"
                for a in "$@"; do line="$line [$a]"; done
                # one write per line: scripts run concurrently and append to the same file
                printf '%%s\\n' "$line" >> %s
                """.formatted(out));
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    /** One node's files: scripts (safe), an unsafe script, its notes file and its FIFO with a reader copying it out. */
    private record Node(String conf, Path notes, Path fifoCopy) {}

    private Node prepare(String who, int vridBase) throws IOException, InterruptedException {
        Path bin = Files.createDirectories(dir.resolve("bin-" + who));
        Files.setPosixFilePermissions(bin, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path out = Files.createDirectories(dir.resolve("out-" + who));
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path notes = out.resolve("notes");
        Path unsafeDir = Files.createDirectories(dir.resolve("unsafe-" + who));
        Files.setPosixFilePermissions(unsafeDir, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path unsafe = recorder(unsafeDir, "u.sh", notes);
        Path fifo = out.resolve("fifo");
        assertThat(new ProcessBuilder("mkfifo", "-m", "0600", fifo.toString()).start().waitFor()).isZero();
        Path fifoCopy = out.resolve("fifo.copy");
        readers.add(new ProcessBuilder("cat", fifo.toString()).redirectOutput(fifoCopy.toFile()).start());
        String text = """
                global_defs {
                    router_id %s
                    script_user nobody
                    enable_script_security
                    vrrp_notify_fifo %s
                }
                vrrp_instance VI_1 {
                    state BACKUP
                    interface eth0
                    virtual_router_id %d
                    priority 100
                    advert_int 1
                    notify_master %s
                    notify_backup "%s a1 'b 2'"
                    notify_fault %s
                    notify_stop %s
                    notify %s
                    virtual_ipaddress {
                        192.0.2.%d/24
                    }
                }
                vrrp_instance VI_2 {
                    state BACKUP
                    interface eth0
                    virtual_router_id %d
                    priority 150
                    advert_int 1
                    notify_master %s root
                    notify %s
                    virtual_ipaddress {
                        192.0.2.%d/24
                    }
                }
                """.formatted(who, fifo, vridBase, recorder(bin, "n_master.sh", notes), recorder(bin, "n_backup.sh", notes),
                recorder(bin, "n_fault.sh", notes), recorder(bin, "n_stop.sh", notes), recorder(bin, "n_any.sh", notes),
                vridBase + 100, vridBase + 1, unsafe, bin.resolve("n_any.sh"), vridBase + 101);
        return new Node(text, notes, fifoCopy);
    }

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    @Test
    void notifyScriptsAndFifoLinesMatchKeepalivedByteForByte() throws Exception {
        Node h = prepare("halo", 51);
        Node k = prepare("ka", 61);
        NodeProcess halo = NodeProcess.halo("halo", lan.exec("dir1"), write("halo.conf", h.conf()), dir);
        nodes.add(halo);
        NodeProcess ka = NodeProcess.keepalived("ka", lan.exec("dir2"), write("ka.conf", k.conf()), dir);
        nodes.add(ka);
        for (NodeProcess n : nodes) {
            n.awaitLog("\\(VI_1\\) Entering MASTER STATE", LONG);
            n.awaitLog("\\(VI_2\\) Entering MASTER STATE", LONG);
        }
        // a pulled cable: FAULT; back: BACKUP, then MASTER again
        lan.link("dir1", false);
        lan.link("dir2", false);
        for (NodeProcess n : nodes) {
            n.awaitLog("\\(VI_2\\) Entering FAULT STATE", LONG);
        }
        lan.link("dir1", true);
        lan.link("dir2", true);
        for (NodeProcess n : nodes) {
            n.awaitLog("\\(VI_1\\) Entering MASTER STATE", 1, LONG);
            n.awaitLog("\\(VI_2\\) Entering MASTER STATE", 1, LONG);
        }
        // the notify scripts of the second MASTER transitions have run (they are asynchronous: the log comes first)
        for (Node n : List.of(h, k)) {
            boolean notified = Await.until(LONG, () -> count(n.notes(), "n_master.sh user=nobody") >= 2
                    && count(n.notes(), "n_any.sh user=nobody [INSTANCE] [VI_1] [MASTER] [100]") >= 2
                    && count(n.notes(), "n_any.sh user=nobody [INSTANCE] [VI_2] [MASTER] [150]") >= 2);
            assertThat(notified).as("second MASTER notifications in %s:%n%s", n.notes(), sortedLines(n.notes())).isTrue();
        }
        assertThat(halo.stop(LONG)).isZero();
        assertThat(ka.stop(LONG)).isZero();
        // notify_stop runs after the daemon has gone: wait for it on both sides, and for the two to agree (or time out
        // and show the difference below); the FIFO readers end when the daemons have closed the FIFOs
        Await.until(LONG, () -> count(h.notes(), "n_stop.sh user=nobody") >= 1 && count(k.notes(), "n_stop.sh user=nobody") >= 1
                && sortedLines(h.notes()).equals(sortedLines(k.notes())));
        for (Process reader : readers) {
            assertThat(reader.waitFor(LONG.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)).as("FIFO reader done").isTrue();
        }

        assertThat(halo.log()).contains("Unsafe permissions found for script '" + dir.resolve("unsafe-halo/u.sh") + "' - disabling.");
        assertThat(ka.log()).contains("Unsafe permissions found for script '" + dir.resolve("unsafe-ka/u.sh") + "' - disabling.");

        List<String> haloNotes = sortedLines(h.notes());
        List<String> kaNotes = sortedLines(k.notes());
        // keepalived's convention, as keepalived itself shows it: notify_STATE with its own words only; notify with
        // INSTANCE name STATE priority; every script as script_user; the unsafe notify_master of VI_2 never runs
        assertThat(kaNotes).contains("n_backup.sh user=nobody [a1] [b 2]", "n_any.sh user=nobody [INSTANCE] [VI_2] [MASTER] [150]",
                "n_stop.sh user=nobody", "n_fault.sh user=nobody");
        assertThat(haloNotes).isEqualTo(kaNotes);
        assertThat(String.join("\n", haloNotes)).doesNotContain("u.sh");

        byte[] haloFifo = Files.readAllBytes(h.fifoCopy());
        byte[] kaFifo = Files.readAllBytes(k.fifoCopy());
        assertThat(new String(kaFifo, StandardCharsets.US_ASCII)).contains("INSTANCE \"VI_1\" FAULT 100\n");
        assertThat(new String(haloFifo, StandardCharsets.US_ASCII)).isEqualTo(new String(kaFifo, StandardCharsets.US_ASCII));
        assertThat(haloFifo).isEqualTo(kaFifo);
    }

    @Test
    void aTrackScriptPastItsTimeoutIsKilledAndCountsAsAFailure() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Files.setPosixFilePermissions(bin, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path out = Files.createDirectories(dir.resolve("out"));
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path pids = out.resolve("pids");
        Path slow = bin.resolve("slow.sh");
        Files.writeString(slow, """
                #!/bin/sh
                echo "$$ $(id -un)" >> %s
                exec sleep 60
                """.formatted(pids));
        Files.setPosixFilePermissions(slow, PosixFilePermissions.fromString("rwxr-xr-x"));
        String text = """
                global_defs {
                    router_id slow
                    script_user nobody
                    enable_script_security
                }
                vrrp_script chk_slow {
                    script %s
                    interval 5
                    timeout 1
                    fall 1
                    rise 1
                }
                vrrp_instance VI_1 {
                    state BACKUP
                    interface eth0
                    virtual_router_id 51
                    priority 100
                    advert_int 1
                    track_script {
                        chk_slow
                    }
                    virtual_ipaddress {
                        192.0.2.100/24
                    }
                }
                """.formatted(slow);
        NodeProcess halo = NodeProcess.halo("halo", lan.exec("dir1"), write("slow.conf", text), dir);
        nodes.add(halo);
        halo.awaitLog("VRRP_Script\\(chk_slow\\) timed_out", LONG);
        halo.awaitLog("\\(VI_1\\) Entering FAULT STATE", LONG);
        List<String> runs = Files.readAllLines(pids);
        assertThat(runs).isNotEmpty();
        assertThat(runs.getFirst()).endsWith(" nobody");
        long pid = Long.parseLong(runs.getFirst().split(" ")[0]);
        // SIGTERM at the timeout (1 s), SIGKILL a second later at worst
        assertThat(Await.until(Duration.ofSeconds(5), () -> !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)))
                .as("script process %d killed", pid).isTrue();
        assertThat(halo.log()).doesNotContain("Entering MASTER STATE");
    }

    private static long count(Path p, String line) throws IOException {
        return sortedLines(p).stream().filter(line::equals).count();
    }

    private static List<String> sortedLines(Path p) throws IOException {
        return Files.exists(p) ? Files.readAllLines(p).stream().sorted().toList() : List.of();
    }
}
