package halo.lvs.ipvs;

import halo.config.SyncDaemonConfig;
import static halo.lvs.ipvs.IpvsNetlink.*;
import static org.assertj.core.api.Assertions.assertThat;

import halo.config.ConfigLoader;
import halo.config.KeepalivedConfig;
import halo.config.LoadOptions;
import halo.os.Errno;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** lvs_sync_daemon carried out on the IPVS plane: following the VRRP instance, or both daemons without one. */
class SyncDaemonFollowerTest {
    private static final String INSTANCE = """
            vrrp_instance VI_1 {
                interface eth1
                virtual_router_id 51
                virtual_ipaddress {
                    192.0.2.10/24
                }
            }
            """;

    @TempDir
    Path dir;

    private final FakeTransport kernel = new FakeTransport();
    private final IpvsRequests requests = new IpvsRequests(FakeTransport.FAMILY);
    private final List<String> logged = new ArrayList<>();

    private KeepalivedConfig config(String text) throws Exception {
        Path f = dir.resolve("keepalived.conf");
        Files.writeString(f, text);
        return ConfigLoader.load(f, new LoadOptions("test", false)).config();
    }

    @Test
    void theDaemonFollowsItsInstance() throws Exception {
        KeepalivedConfig c = config("global_defs {\n    lvs_sync_daemon eth1 inst VI_1\n}\n" + INSTANCE);
        IpvsDataPlane plane = new IpvsDataPlane(kernel, dir.resolve("ip_vs_conn"));
        SyncDaemonFollower follower = SyncDaemonFollower.of(c, plane, logged::add).orElseThrow();
        follower.start();
        assertThat(kernel.sent).isEmpty();
        kernel.refuse(CMD_DEL_DAEMON, Errno.ESRCH.number());
        follower.instanceState("VI_1", true);
        follower.instanceState("VI_2", false);
        follower.instanceState("VI_1", false);
        SyncDaemonConfig expected = new SyncDaemonConfig("eth1", "VI_1", 51, 0, 0, 0, null);
        assertThat(kernel.sent).containsExactly(requests.stopDaemon(STATE_BACKUP, 51),
                requests.startDaemon(STATE_MASTER, expected), requests.stopDaemon(STATE_MASTER, 51),
                requests.startDaemon(STATE_BACKUP, expected));
        assertThat(logged).isEmpty();
    }

    @Test
    void withoutAnInstanceBothRunFromTheStartUntilClose() throws Exception {
        KeepalivedConfig c = config("global_defs {\n    lvs_sync_daemon eth1 id 3\n}\n");
        IpvsDataPlane plane = new IpvsDataPlane(kernel, dir.resolve("ip_vs_conn"));
        SyncDaemonFollower.of(c, plane, logged::add).orElseThrow().start();
        plane.close();
        SyncDaemonConfig expected = new SyncDaemonConfig("eth1", null, 3, 0, 0, 0, null);
        assertThat(kernel.sent).containsExactly(requests.startDaemon(STATE_MASTER, expected),
                requests.startDaemon(STATE_BACKUP, expected), requests.stopDaemon(STATE_MASTER, 3),
                requests.stopDaemon(STATE_BACKUP, 3));
    }

    @Test
    void aRefusalIsLoggedAndAnUnknownInstanceClearsTheSetting() throws Exception {
        IpvsDataPlane plane = new IpvsDataPlane(kernel, dir.resolve("ip_vs_conn"));
        kernel.refuse(CMD_NEW_DAEMON, Errno.ENODEV.number());
        SyncDaemonFollower.of(config("global_defs {\n    lvs_sync_daemon eth9\n}\n"), plane, logged::add)
                .orElseThrow().start();
        assertThat(logged).containsExactly("IPVS: lvs_sync_daemon master on eth9: No such device (ENODEV)");
        logged.clear();
        assertThat(SyncDaemonFollower.of(config("global_defs {\n    lvs_sync_daemon eth1 inst VI_9\n}\n" + INSTANCE),
                plane, logged::add)).isEmpty();
        assertThat(logged).containsExactly(
                "Unable to find vrrp instance VI_9 for lvs_syncd - clearing lvs_syncd config");
    }
}
