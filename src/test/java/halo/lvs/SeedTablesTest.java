package halo.lvs;

import static halo.lvs.IpvsadmViewTest.golden;
import static halo.lvs.VirtualServerTableTest.fifo;
import static halo.lvs.VirtualServerTableTest.lines;
import static org.assertj.core.api.Assertions.assertThat;

import halo.config.ConfigLoader;
import halo.config.KeepalivedConfig;
import halo.config.LoadOptions;
import halo.config.LoadResult;
import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The seeds' LVS configurations, read by the configuration loader as a user wrote them: the table at startup as
 * {@code ipvsadm -L -n} lists it, a stopped real server leaving the listing and coming back.
 */
class SeedTablesTest {

    static Path seed(String name) {
        try {
            return Path.of(SeedTablesTest.class.getResource("seeds/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static VirtualServerTable started(String name) {
        LoadResult result = ConfigLoader.load(seed(name), new LoadOptions("node1", false));
        KeepalivedConfig config = result.config();
        assertThat(config).as("%s loads: %s", name, result.diagnostics()).isNotNull();
        VirtualServerTable table = VirtualServerTable.fromConfig(config);
        table.start();
        return table;
    }

    @Test
    void seed000WeightedRoundRobinDirectRoutingWithPersistence() {
        VirtualServerTable t = started("seed000.conf");
        assertThat(IpvsadmView.list(t.snapshot())).isEqualTo(golden("seed000-start.txt"));
        assertThat(IpvsadmView.save(t.snapshot())).isEqualTo(golden("seed000-save.txt"));

        CheckerId rs40 = new CheckerId(0, 1, 0);
        assertThat(lines(t.checkerResult(rs40, false))).containsExactly(
                "log Removing service [192.168.1.40]:tcp:80 from VS [192.168.1.100]:tcp:80",
                "-d 192.168.1.40:80",
                "fifo RS [192.168.1.40]:tcp:80 [192.168.1.100]:tcp:80 DOWN\n");
        assertThat(IpvsadmView.list(t.snapshot())).isEqualTo(golden("seed000-rs40-down.txt"));

        assertThat(fifo(t.checkerResult(rs40, true)))
                .containsExactly("RS [192.168.1.40]:tcp:80 [192.168.1.100]:tcp:80 UP\n");
        assertThat(IpvsadmView.list(t.snapshot())).isEqualTo(golden("seed000-start.txt"));
    }

    @Test
    void seed003WeightedRoundRobinDirectRouting() {
        VirtualServerTable t = started("seed003.conf");
        assertThat(IpvsadmView.list(t.snapshot())).isEqualTo(golden("seed003-start.txt"));
        CheckerId rs63 = new CheckerId(0, 1, 0);
        t.checkerResult(rs63, false);
        assertThat(IpvsadmView.list(t.snapshot())).isEqualTo(golden("seed003-rs63-down.txt"));
        t.checkerResult(rs63, true);
        assertThat(IpvsadmView.list(t.snapshot())).isEqualTo(golden("seed003-start.txt"));
    }

    @Test
    void seed004SorryServerStandsInWhenBothWebServersFail() {
        VirtualServerTable t = started("seed004-ipvs.conf");
        assertThat(IpvsadmView.list(t.snapshot())).isEqualTo(golden("seed004-ipvs-start.txt"));
        CheckerId rs11 = new CheckerId(0, 0, 0);
        CheckerId rs12 = new CheckerId(0, 1, 0);

        t.checkerResult(rs11, false);
        assertThat(lines(t.checkerResult(rs12, false))).containsExactly(
                "log Removing service [172.16.0.12]:tcp:80 from VS [172.16.0.10]:tcp:80",
                "-d 172.16.0.12:80",
                "fifo RS [172.16.0.12]:tcp:80 [172.16.0.10]:tcp:80 DOWN\n",
                "log Lost quorum 1-0=1 > 0 for VS [172.16.0.10]:tcp:80",
                "log Adding sorry server [127.0.0.1]:tcp:80 to VS [172.16.0.10]:tcp:80",
                "log Removing alive servers from the pool for VS [172.16.0.10]:tcp:80",
                "-a 127.0.0.1:80 w1",
                "fifo VS [172.16.0.10]:tcp:80 DOWN\n");
        assertThat(IpvsadmView.list(t.snapshot())).isEqualTo(golden("seed004-ipvs-sorry.txt"));

        assertThat(lines(t.checkerResult(rs11, true))).containsExactly(
                "log Adding service [172.16.0.11]:tcp:80 to VS [172.16.0.10]:tcp:80",
                "fifo RS [172.16.0.11]:tcp:80 [172.16.0.10]:tcp:80 UP\n",
                "log Gained quorum 1+0=1 <= 1 for VS [172.16.0.10]:tcp:80",
                "log Removing sorry server [127.0.0.1]:tcp:80 from VS [172.16.0.10]:tcp:80",
                "-d 127.0.0.1:80",
                "log Adding alive servers to the pool for VS [172.16.0.10]:tcp:80",
                "-a 172.16.0.11:80 w1",
                "fifo VS [172.16.0.10]:tcp:80 UP\n");
        t.checkerResult(rs12, true);
        assertThat(IpvsadmView.list(t.snapshot())).isEqualTo(golden("seed004-ipvs-start.txt"));
    }

    @Test
    void seed004FwmarkServiceListsItsServersOnPortZero() {
        VirtualServerTable t = started("seed004-fwmark.conf");
        assertThat(IpvsadmView.list(t.snapshot())).isEqualTo(golden("seed004-fwmark-start.txt"));
        assertThat(t.virtualServerName(0)).isEqualTo("FWM 3");
        assertThat(t.realServerName(new RealServerId(0, 0))).isEqualTo("[172.16.0.11]:none:0");
    }
}
