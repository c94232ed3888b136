package halo.vrrp;

import static org.assertj.core.api.Assertions.assertThat;

import halo.config.ConfigLoader;
import halo.config.KeepalivedConfig;
import halo.config.LoadOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** track_file and track_process references become trackers, with keepalived's weights, at instance and group level. */
class HostSetupTrackersTest {

    @TempDir
    Path dir;

    private KeepalivedConfig load(String text) throws IOException {
        Path p = dir.resolve("keepalived.conf");
        Files.writeString(p, text);
        return ConfigLoader.load(p, new LoadOptions("test", false)).config();
    }

    @Test
    void fileAndProcessTrackersWithReferenceWeightsAndGroupLevel() throws IOException {
        KeepalivedConfig config = load("""
                track_file tf {
                    file /run/halo-test/tf
                    weight 5
                }
                track_file maint {
                    file /run/halo-test/maint
                    weight 0
                }
                vrrp_track_process nginx {
                    process nginx
                    weight -20
                }
                vrrp_track_process db {
                    process postgres
                }
                vrrp_sync_group G {
                    group {
                        VI_1
                        VI_2
                    }
                    track_process {
                        db
                    }
                    track_file {
                        maint
                    }
                }
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 1
                    priority 100
                    track_file {
                        tf weight -3 reverse
                    }
                    track_process {
                        nginx
                    }
                    virtual_ipaddress {
                        192.0.2.1
                    }
                }
                vrrp_instance VI_2 {
                    interface eth0
                    virtual_router_id 2
                    priority 100
                    virtual_ipaddress {
                        192.0.2.2
                    }
                }
                """);
        HostSetup.TrackedState found = new HostSetup.TrackedState() {
            @Override
            public long fileValue(String name) {
                return name.equals("tf") ? 4 : 0;
            }

            @Override
            public boolean processUp(String name) {
                return !name.equals("db");
            }
        };
        HostSetup setup = HostSetup.fromConfig(config, false, Set.of(), found);
        assertThat(setup.instances().get(0).spec().trackers()).containsExactly(
                new TrackerSpec("tf", TrackerKind.FILE, -3, true, TrackerSpec.Status.UP, 4),
                new TrackerSpec("nginx", TrackerKind.PROCESS, -20, false, TrackerSpec.Status.UP, 0),
                new TrackerSpec("maint", TrackerKind.FILE, 0, false, TrackerSpec.Status.UP, 0),
                new TrackerSpec("db", TrackerKind.PROCESS, 0, false, TrackerSpec.Status.DOWN, 0));
        assertThat(setup.instances().get(1).spec().trackers()).containsExactly(
                new TrackerSpec("maint", TrackerKind.FILE, 0, false, TrackerSpec.Status.UP, 0),
                new TrackerSpec("db", TrackerKind.PROCESS, 0, false, TrackerSpec.Status.DOWN, 0));
    }
}
