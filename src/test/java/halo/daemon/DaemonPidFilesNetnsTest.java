package halo.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * keepalived's pid files as a drop-in writes them: the pid in each file of a side that runs, removed at exit; a start
 * refused with "daemon is already running" while one names a live daemon (exit 0, the files left alone, as keepalived
 * 2.2.7 does); a file naming no live process removed and written over; with keepalived's command line, keepalived's
 * default paths under /run (in a private mount namespace with its own /run).
 */
@Tag("root")
class DaemonPidFilesNetnsTest extends DirectorsLab {

    private static final Duration LONG = Duration.ofSeconds(20);

    DaemonPidFilesNetnsTest() {
        super("pidfiles");
    }

    private Path config() throws IOException {
        Path conf = dir.resolve("vrrp.conf");
        Files.writeString(conf, """
                vrrp_instance VI_1 {
                    state MASTER
                    interface eth0
                    virtual_router_id 51
                    priority 150
                    advert_int 1
                    virtual_ipaddress {
                        192.0.2.100/24
                    }
                }
                """);
        return conf;
    }

    private NodeProcess start(String name, List<String> nsExec, List<String> flags) throws IOException {
        NodeProcess n = NodeProcess.halo(name, nsExec, config(), dir, flags);
        nodes.add(n);
        return n;
    }

    @Test
    void writesThePidFilesAndRefusesASecondDaemon() throws Exception {
        Path main = dir.resolve("keepalived.pid");
        Path vrrp = dir.resolve("vrrp.pid");
        Path checkers = dir.resolve("checkers.pid");
        List<String> flags = List.of("-p", main.toString(), "-r", vrrp.toString(), "-c", checkers.toString());
        NodeProcess first = start("first", lan.exec("dir1"), flags);
        first.awaitLog("Startup complete", LONG);
        String pid = first.pid() + "\n";
        assertThat(main).hasContent(pid.strip());
        assertThat(vrrp).hasContent(pid.strip());
        assertThat(checkers).as("no virtual servers: no checker side, as keepalived starts no checker process").doesNotExist();

        NodeProcess second = start("second", lan.exec("dir1"), flags);
        assertThat(second.awaitExit(LONG)).as("exit status, as keepalived's").isZero();
        assertThat(second.log()).contains("daemon is already running").doesNotContain("Startup complete");
        assertThat(main).hasContent(pid.strip());
        assertThat(vrrp).hasContent(pid.strip());
        assertThat(first.isAlive()).isTrue();

        assertThat(first.stop(LONG)).isZero();
        assertThat(main).doesNotExist();
        assertThat(vrrp).doesNotExist();
    }

    @Test
    void writesOverAPidFileNamingNoLiveProcess() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Path main = dir.resolve("keepalived.pid");
        Files.writeString(main, gone.pid() + "\n");
        NodeProcess d = start("stale", lan.exec("dir1"), List.of("-p", main.toString()));
        d.awaitLog("Startup complete", LONG);
        assertThat(d.log()).contains("Remove a zombie pid file " + main);
        assertThat(main).hasContent(Long.toString(d.pid()));
    }

    @Test
    void keepalivedsCommandLineWritesKeepalivedsDefaultPaths() throws Exception {
        // the daemon's own /run (an empty tmpfs in a mount namespace of its own), read through /proc/PID/root
        List<String> nsExec = new ArrayList<>(lan.exec("dir1"));
        nsExec.addAll(List.of("unshare", "-m", "--propagation", "private",
                "sh", "-c", "mount -t tmpfs halo-test-run /run && exec \"$@\"", "sh"));
        NodeProcess d = start("keepalived-flags", nsExec, List.of("--keepalived-pid-files"));
        d.awaitLog("Startup complete", LONG);
        Path run = Path.of("/proc/" + d.pid() + "/root/run");
        assertThat(run.resolve("keepalived.pid")).hasContent(Long.toString(d.pid()));
        assertThat(run.resolve("vrrp.pid")).hasContent(Long.toString(d.pid()));
        assertThat(run.resolve("checkers.pid")).doesNotExist();
        assertThat(d.stop(LONG)).isZero();
    }
}
