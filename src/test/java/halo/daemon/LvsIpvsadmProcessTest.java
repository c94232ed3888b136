package halo.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import halo.cli.LvsCommand;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code halo lvs} with ipvsadm's commands against a running daemon ({@code halo run -C}): -A/-a change its table
 * through the control socket, -L shows them, -D removes, ipvsadm's errors come back, and a reload restores what the
 * configuration says. The addresses are table entries only: no traffic is sent.
 */
class LvsIpvsadmProcessTest {

    private static final Duration LONG = Duration.ofSeconds(20);
    private static final String HEADER = """
            IP Virtual Server version 1.2.1 (size=4096)
            Prot LocalAddress:Port Scheduler Flags
              -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
            """;
    private static final String CONFIGURED = HEADER + """
            TCP  192.0.2.40:80 rr
              -> 192.0.2.41:80                Masq    1      0          0         \n""";

    @TempDir
    Path dir;

    private NodeProcess node;

    @AfterEach
    void cleanUp() {
        if (node != null) node.close();
    }

    record Run(int exit, String out, String err) {}

    private Run lvs(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new java.util.ArrayList<>(List.of("--control-socket", node.controlSocket.toString()));
        all.addAll(List.of(args));
        int exit = LvsCommand.run(all, InputStream.nullInputStream(), new PrintWriter(out), new PrintWriter(err));
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void ipvsadmCommandsChangeTheRunningTableUntilTheNextReload() throws Exception {
        Path conf = dir.resolve("keepalived.conf");
        Files.writeString(conf, """
                global_defs {
                    lvs_timeouts tcp 7200 udp 60
                }
                virtual_server 192.0.2.40 80 {
                    lb_algo rr
                    lb_kind NAT
                    protocol TCP
                    real_server 192.0.2.41 80 {
                    }
                }
                """);
        node = NodeProcess.halo("lvs-ipvsadm", List.of(), conf, dir, List.of("-C"));
        node.awaitLog("Startup complete", LONG);
        assertThat(lvs("-L", "-n")).isEqualTo(new Run(0, CONFIGURED, ""));
        // lvs_timeouts set the data plane's timeouts at start; --set changes the ones it names
        assertThat(lvs("-L", "--timeout")).isEqualTo(new Run(0, "Timeout (tcp tcpfin udp): 7200 120 60\n", ""));
        assertThat(lvs("--set", "0", "30", "0")).isEqualTo(new Run(0, "", ""));
        assertThat(lvs("-L", "--timeout")).isEqualTo(new Run(0, "Timeout (tcp tcpfin udp): 7200 30 60\n", ""));

        assertThat(lvs("-A", "-u", "192.0.2.53:53", "-s", "wrr")).isEqualTo(new Run(0, "", ""));
        assertThat(lvs("-a", "-u", "192.0.2.53:53", "-r", "198.51.100.53", "-m", "-w", "2"))
                .isEqualTo(new Run(0, "", ""));
        assertThat(lvs("-A", "-u", "192.0.2.53:53")).isEqualTo(new Run(255, "", "Service already exists\n"));
        // ipvsadm's default forwarding is -g (DR): the proxy data plane cannot carry it, and says so
        assertThat(lvs("-a", "-t", "192.0.2.40:80", "-r", "192.0.2.42", "-w", "5")).isEqualTo(new Run(255, "",
                "-r 192.0.2.42:80: DR forwarding is not supported by the proxy data plane (supported by: nftables,"
                        + " ipvs (not yet in Halo))\n"));
        assertThat(lvs("-a", "-t", "192.0.2.40:80", "-r", "192.0.2.42", "-m", "-w", "5")).isEqualTo(new Run(0, "", ""));
        assertThat(lvs("-L", "-n")).isEqualTo(new Run(0, HEADER + """
                TCP  192.0.2.40:80 rr
                  -> 192.0.2.41:80                Masq    1      0          0         \n\
                  -> 192.0.2.42:80                Masq    5      0          0         \n\
                UDP  192.0.2.53:53 wrr
                  -> 198.51.100.53:53             Masq    2      0          0         \n""", ""));

        assertThat(lvs("-D", "-t", "192.0.2.40:80")).isEqualTo(new Run(0, "", ""));
        assertThat(lvs("-D", "-t", "192.0.2.40:80")).isEqualTo(new Run(255, "", "No such service\n"));
        assertThat(lvs("-S", "-n")).isEqualTo(new Run(0, """
                -A -u 192.0.2.53:53 -s wrr
                -a -u 192.0.2.53:53 -r 198.51.100.53:53 -m -w 2
                """, ""));
        // a parse error is the client's: the daemon is not asked
        assertThat(lvs("-D")).isEqualTo(new Run(2, "",
                "You need to supply the 'service-address' option for the 'delete-service' command\n"));

        node.reload();
        node.awaitLog("Reloading", LONG);
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        Run listing = lvs("-L", "-n");
        while (!listing.out().equals(CONFIGURED) && System.nanoTime() < end) {
            NodeProcess.sleep(50);
            listing = lvs("-L", "-n");
        }
        assertThat(listing).as("after the reload; log:%n%s", node.log()).isEqualTo(new Run(0, CONFIGURED, ""));
        assertThat(node.stop(LONG)).isZero();
    }
}
