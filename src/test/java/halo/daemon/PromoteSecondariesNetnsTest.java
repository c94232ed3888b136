package halo.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** promote_secondaries side by side with keepalived 2.2.7: set on the instance's interface while it runs, 0 again after. */
@Tag("root")
class PromoteSecondariesNetnsTest extends DirectorsLab {

    private static final Duration LONG = Duration.ofSeconds(30);

    PromoteSecondariesNetnsTest() {
        super("promote");
    }

    private String promoteSecondaries(String role) throws Exception {
        List<String> cmd = new ArrayList<>(lan.exec(role));
        cmd.addAll(List.of("cat", "/proc/sys/net/ipv4/conf/eth0/promote_secondaries"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    @Test
    void promoteSecondariesIsSetWhileTheDaemonRunsAndResetAfter() throws Exception {
        List<NodeProcess> daemons = new ArrayList<>();
        for (String[] w : List.of(new String[] {"dir1", "61", "halo"}, new String[] {"dir2", "62", "ka"})) {
            assertThat(promoteSecondaries(w[0])).isEqualTo("0");
            Path c = dir.resolve(w[2] + ".conf");
            Files.writeString(c, """
                    vrrp_instance VI_1 {
                        state BACKUP
                        interface eth0
                        virtual_router_id %s
                        priority 100
                        advert_int 1
                        promote_secondaries
                        virtual_ipaddress {
                            192.0.2.1%s/24
                        }
                    }
                    """.formatted(w[1], w[1]));
            NodeProcess d = w[2].equals("halo") ? NodeProcess.halo(w[2], lan.exec(w[0]), c, dir)
                    : NodeProcess.keepalived(w[2], lan.exec(w[0]), c, dir);
            nodes.add(d);
            daemons.add(d);
            d.awaitLog("\\(VI_1\\) Entering BACKUP STATE", LONG);
            assertThat(promoteSecondaries(w[0])).as(w[2]).isEqualTo("1");
        }
        for (NodeProcess d : daemons) {
            assertThat(d.stop(LONG)).isZero();
        }
        assertThat(promoteSecondaries("dir1")).as("halo").isEqualTo("0");
        assertThat(promoteSecondaries("dir2")).as("ka").isEqualTo("0");
    }
}
