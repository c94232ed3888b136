package halo.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import halo.demo.SeedTopology;
import halo.testing.Root;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * VRRPv2 with auth_type AH on the wire (IPsec AH between the IP header and the message, protocol 51), Halo and real
 * keepalived in one group: each accepts the other's authenticated adverts, as master and as backup.
 */
@Tag("root")
class DaemonAhNetnsTest extends DirectorsLab {

    private static final Duration LONG = Duration.ofSeconds(20);

    DaemonAhNetnsTest() {
        super("ah");
    }

    private Path conf(String node, int priority) throws IOException {
        Path p = dir.resolve(node + "-" + nodes.size() + ".conf");
        Files.writeString(p, """
                global_defs {
                    router_id %s
                }
                vrrp_instance VI_1 {
                    state BACKUP
                    interface eth0
                    virtual_router_id 51
                    priority %d
                    advert_int 1
                    authentication {
                        auth_type AH
                        auth_pass s3cret
                    }
                    virtual_ipaddress {
                        192.0.2.100/24
                    }
                }
                """.formatted(node, priority));
        return p;
    }

    @Test
    void haloAndKeepalivedAcceptEachOthersAhAdverts() throws Exception {
        // keepalived master, Halo backup: Halo must authenticate keepalived's adverts, or it would time out and take over
        NodeProcess k1 = NodeProcess.keepalived("ka1", lan.exec("dir1"), conf("dir1", 100), dir);
        nodes.add(k1);
        k1.awaitLog("\\(VI_1\\) Entering MASTER STATE", LONG);
        NodeProcess h2 = NodeProcess.halo("halo2", lan.exec("dir2"), conf("dir2", 90), dir);
        nodes.add(h2);
        h2.awaitLog("\\(VI_1\\) Entering BACKUP STATE", LONG);
        // 5 adverts of 1 s authenticated and accepted: more than Master_Down_Interval (3.65 s)
        h2.awaitMore("adverts_received", 5, LONG);
        assertThat(h2.count("Entering MASTER STATE")).as(h2.log()).isZero();
        assertThat(h2.status()).contains("\"master_address\":\"192.0.2.11\"");

        // keepalived stops: priority 0 over AH, Halo takes over
        k1.stop(LONG);
        h2.awaitLog("\\(VI_1\\) Entering MASTER STATE", LONG);

        // keepalived back as a lower-priority backup: it must authenticate Halo's adverts and stay backup
        NodeProcess k1again = NodeProcess.keepalived("ka1b", lan.exec("dir1"), conf("dir1", 80), dir);
        nodes.add(k1again);
        k1again.awaitLog("\\(VI_1\\) Entering BACKUP STATE", LONG);
        // 5 more adverts of 1 s from Halo: more than keepalived's Master_Down_Interval (3.65 s)
        h2.awaitMore("adverts_sent", 5, LONG);
        assertThat(k1again.count("Entering MASTER STATE")).as(k1again.log()).isZero();
        assertThat(k1again.log()).doesNotContainIgnoringCase("invalid").doesNotContainIgnoringCase("ipsec-ah")
                .doesNotContain("bad checksum");
        assertThat(lan.ipOn("dir2", "-br", "addr", "show", "dev", "eth0")).contains("192.0.2.100/24");

        // and the takeover the other way: Halo stops, keepalived takes over at once (priority 0 authenticated)
        assertThat(h2.stop(LONG)).isZero();
        k1again.awaitLog("\\(VI_1\\) Entering MASTER STATE", LONG);
        assertThat(k1again.log()).contains("Backup received priority 0 advertisement");
    }
}
