package halo.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import halo.demo.SeedTopology;
import halo.testing.Root;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * notify_fifo_script and vrrp_notify_fifo_script in a running daemon, side by side with real keepalived: the FIFO is
 * made (mode and owner as keepalived's), the script starts as script_user with the FIFO's path as its argument, reads
 * the same lines, is started again at a reload and is gone after the daemon stops, the FIFO with it.
 */
@Tag("root")
class DaemonFifoScriptNetnsTest {

    private static final Duration LONG = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private SeedTopology lan;
    private final List<NodeProcess> nodes = new ArrayList<>();
    private final List<Path> pidFiles = new ArrayList<>();

    @BeforeEach
    void topology() throws IOException {
        assumeThat(Root.isRoot()).as("needs root for network namespaces").isTrue();
        // script_user nobody must reach the scripts; the scripts must stay safe (root-owned, not writable by others)
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        lan = SeedTopology.directors("fifoscr");
    }

    @AfterEach
    void cleanUp() {
        nodes.forEach(NodeProcess::close);
        // a script left behind by a failing daemon must not outlive the test
        for (Path p : pidFiles) {
            for (String pid : lines(p)) {
                ProcessHandle.of(Long.parseLong(pid.split(" ")[0])).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
        if (lan != null) {
            lan.close();
        }
    }

    private static List<String> lines(Path p) {
        try {
            return Files.exists(p) ? Files.readAllLines(p) : List.of();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** One node's files: where each script notes "pid user mode-and-owner-of-$1 argc" and copies what it reads. */
    private record Node(Path conf, Path out, Path globalFifo, Path vrrpFifo) {
        Path copy(String name) {
            return out.resolve(name + ".copy");
        }

        Path started(String name) {
            return out.resolve(name + ".started");
        }
    }

    private Node prepare(String who, int vrid) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin-" + who));
        Files.setPosixFilePermissions(bin, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path out = Files.createDirectories(dir.resolve("out-" + who));
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path script = bin.resolve("fifo-reader.sh");
        // NAME.started gets one line per start; the reader then becomes cat (same pid) appending what it reads
        Files.writeString(script, """
                #!/bin/sh
                name=$(basename "$1")
                echo "$$ $(id -un) $(stat -c '%%A %%U' "$1") $#" >> %1$s/"$name".started
                exec cat "$1" >> %1$s/"$name".copy
                """.formatted(out));
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path global = out.resolve("global");
        Path vrrp = out.resolve("vrrp");
        String text = """
                global_defs {
                    router_id %1$s
                    script_user nobody
                    enable_script_security
                    notify_fifo %2$s
                    notify_fifo_script %3$s
                    vrrp_notify_fifo %4$s
                    vrrp_notify_fifo_script %3$s
                }
                vrrp_instance VI_1 {
                    state BACKUP
                    interface eth0
                    virtual_router_id %5$d
                    priority 100
                    advert_int 1
                    virtual_ipaddress {
                        192.0.2.%5$d/24
                    }
                }
                """.formatted(who, global, script, vrrp, vrid);
        Path conf = dir.resolve(who + ".conf");
        Files.writeString(conf, text);
        Node n = new Node(conf, out, global, vrrp);
        pidFiles.add(n.started("global"));
        pidFiles.add(n.started("vrrp"));
        return n;
    }

    private static String awaitContent(Supplier<String> read, String expected, Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        String last = read.get();
        while (!last.equals(expected) && System.nanoTime() < end) {
            NodeProcess.sleep(50);
            last = read.get();
        }
        return last;
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p, StandardCharsets.US_ASCII) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static long pid(String startedLine) {
        return Long.parseLong(startedLine.split(" ")[0]);
    }

    private static boolean gone(long pid, Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true)) {
                return true;
            }
            NodeProcess.sleep(50);
        }
        return false;
    }

    @Test
    void fifoScriptsReadTheFifoLinesAsWithKeepalivedAndStopWithTheDaemon() throws Exception {
        Node h = prepare("halo", 71);
        Node k = prepare("ka", 81);
        NodeProcess halo = NodeProcess.halo("halo", lan.exec("dir1"), h.conf(), dir);
        nodes.add(halo);
        NodeProcess ka = NodeProcess.keepalived("ka", lan.exec("dir2"), k.conf(), dir);
        nodes.add(ka);
        for (NodeProcess n : nodes) {
            n.awaitLog("\\(VI_1\\) Entering MASTER STATE", LONG);
        }

        // the state changes, as the FIFO got them, are what each script read
        String expected = "INSTANCE \"VI_1\" BACKUP 100\nINSTANCE \"VI_1\" MASTER 100\n";
        assertThat(awaitContent(() -> read(k.copy("global")), expected, LONG)).isEqualTo(expected);
        assertThat(awaitContent(() -> read(k.copy("vrrp")), expected, LONG)).isEqualTo(expected);
        assertThat(awaitContent(() -> read(h.copy("global")), expected, LONG)).as(halo.log()).isEqualTo(expected);
        assertThat(awaitContent(() -> read(h.copy("vrrp")), expected, LONG)).as(halo.log()).isEqualTo(expected);

        // one start each, as script_user, with the FIFO's path as the one argument; the FIFO made 0600 for that user (keepalived: 0644 under umask 077)
        for (String fifo : List.of("global", "vrrp")) {
            List<String> kaStarts = lines(k.started(fifo));
            List<String> haloStarts = lines(h.started(fifo));
            assertThat(kaStarts).hasSize(1);
            assertThat(kaStarts.getFirst()).endsWith(" nobody prw------- nobody 1");
            assertThat(haloStarts).hasSize(1);
            assertThat(haloStarts.getFirst().substring(haloStarts.getFirst().indexOf(' ')))
                    .isEqualTo(kaStarts.getFirst().substring(kaStarts.getFirst().indexOf(' ')));
        }

        // a reload stops the scripts and starts them again (keepalived kills its scripts and reopens its FIFOs)
        long haloFirst = pid(lines(h.started("vrrp")).getFirst());
        halo.hup();
        halo.awaitLog("Reload complete", LONG);
        long end = System.nanoTime() + LONG.toNanos();
        while (lines(h.started("vrrp")).size() < 2 && System.nanoTime() < end) {
            NodeProcess.sleep(50);
        }
        assertThat(lines(h.started("vrrp"))).hasSize(2);
        assertThat(gone(haloFirst, Duration.ofSeconds(5))).as("the first vrrp fifo script after the reload").isTrue();

        List<Long> haloScripts = List.of(pid(lines(h.started("global")).getLast()), pid(lines(h.started("vrrp")).getLast()));
        List<Long> kaScripts = List.of(pid(lines(k.started("global")).getLast()), pid(lines(k.started("vrrp")).getLast()));
        for (long pid : haloScripts) {
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("halo script %d runs", pid).isTrue();
        }
        assertThat(halo.stop(LONG)).isZero();
        assertThat(ka.stop(LONG)).isZero();
        for (long pid : kaScripts) {
            assertThat(gone(pid, Duration.ofSeconds(5))).as("keepalived's script %d after stop", pid).isTrue();
        }
        for (long pid : haloScripts) {
            assertThat(gone(pid, Duration.ofSeconds(5))).as("halo's script %d after stop", pid).isTrue();
        }
        // the FIFOs the daemons made are removed
        assertThat(k.globalFifo()).doesNotExist();
        assertThat(k.vrrpFifo()).doesNotExist();
        assertThat(h.globalFifo()).doesNotExist();
        assertThat(h.vrrpFifo()).doesNotExist();
    }
}
