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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two directors running {@code halo run} with the same virtual servers in front of two real servers: the master is
 * killed while a client keeps trying new connections to the VIP, and the backup, whose listeners were open before the
 * VIP came to it, serves the client within VRRP's bound.
 */
class LoadBalancingFailoverNetnsTest {

    @TempDir
    Path dir;

    private SeedTopology lan;
    private final List<NodeProcess> directors = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        directors.forEach(NodeProcess::close);
        processes.forEach(Process::destroyForcibly);
        if (lan != null) lan.close();
    }

    @Test
    void theBackupServesNewConnectionsWithinTheVrrpBoundAfterTheMasterIsKilled() throws Exception {
        assumeThat(Root.isRoot()).as("needs root for network namespaces").isTrue();
        lan = SeedTopology.seeds("lbfo");
        for (String rs : List.of("rs1", "rs2")) {
            List<String> cmd = new ArrayList<>(lan.exec(rs));
            cmd.addAll(List.of("python3", LoadBalancingNetnsTest.SCRIPTS.resolve("named_http_server.py").toString(),
                    rs, lan.host(rs).ipv4(), "80"));
            processes.add(new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(dir.resolve(rs + ".out").toFile()).start());
        }
        Path master = dir.resolve("dir1.conf");
        Path backup = dir.resolve("dir2.conf");
        Files.writeString(master, LoadBalancingNetnsTest.directorConfig("MASTER", 150));
        Files.writeString(backup, LoadBalancingNetnsTest.directorConfig("BACKUP", 100));
        NodeProcess dir1 = NodeProcess.halo("dir1", lan.exec("dir1"), master, dir);
        directors.add(dir1);
        dir1.awaitLog("Entering MASTER STATE", Duration.ofSeconds(15));
        NodeProcess dir2 = NodeProcess.halo("dir2", lan.exec("dir2"), backup, dir);
        directors.add(dir2);
        dir2.awaitLog("Entering BACKUP STATE", Duration.ofSeconds(15));
        dir2.awaitLog("LVS data plane: proxy", Duration.ofSeconds(5));
        // the master serves; the backup's listeners are open on the VIP it does not hold yet
        assertThat(firstAnswer(Duration.ofSeconds(10))).isNotNull();
        assertThat(listening("dir2", "192.0.2.100:80")).as("backup listens on the VIP before it holds it").isTrue();

        // the master machine dies (its daemon killed, its cable gone: the VIP it held answers nobody), and a client
        // starts trying new connections at once
        dir1.kill9();
        lan.link("dir1", false);
        Process client = client("until-served", "192.0.2.100", "80", "30");
        long tookMillis = dir2.awaitLog("Entering MASTER STATE", Duration.ofSeconds(15));
        List<String> answer = output(client, Duration.ofSeconds(40));
        assertThat(answer).singleElement().asString().matches("rs[12] [0-9.]+");
        double servedAfter = Double.parseDouble(answer.getFirst().split(" ")[1]);
        System.out.printf("LoadBalancingFailoverNetnsTest: the backup served a new connection %.3f s after the master"
                + " died (its takeover logged %d ms after the kill)%n", servedAfter, tookMillis);
        // master_down_interval = 3 x advert_int + skew (256-100)/256 s = 3.61 s; a second more for the client's retry
        // and the gratuitous ARP, on a busy machine
        assertThat(servedAfter).as("seconds until the backup served (takeover logged after %d ms)", tookMillis)
                .isLessThan(3.61 + 2.0);
    }

    private boolean listening(String role, String local) throws IOException {
        List<String> cmd = new ArrayList<>(lan.exec(role));
        cmd.addAll(List.of("ss", "-Htln"));
        return output(new ProcessBuilder(cmd).redirectErrorStream(true).start(), Duration.ofSeconds(5)).stream()
                .anyMatch(l -> l.contains(local));
    }

    private String firstAnswer(Duration timeout) throws IOException {
        List<String> out = output(client("until-served", "192.0.2.100", "80", Long.toString(timeout.toSeconds())),
                timeout.plusSeconds(10));
        return out.isEmpty() || out.getFirst().startsWith("ERROR") ? null : out.getFirst();
    }

    private Process client(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(lan.exec("client"));
        cmd.add("python3");
        cmd.add(LoadBalancingNetnsTest.SCRIPTS.resolve("lb_client.py").toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        processes.add(p);
        return p;
    }

    private static List<String> output(Process p, Duration timeout) throws IOException {
        return LoadBalancingNetnsTest.output(p, timeout);
    }
}
