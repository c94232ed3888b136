package halo.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** global_defs' lvs_sync_daemon read as keepalived's lvs_syncd_handler and its vrrp lookup read it. */
class SyncDaemonConfigTest {
    private static final Map<String, Integer> INSTANCES = Map.of("VI_1", 51);

    private static SyncDaemonConfig.Parsed parse(String... words) {
        return SyncDaemonConfig.parse(new RawSetting("lvs_sync_daemon", List.of(words)), INSTANCES::get);
    }

    @Test
    void everyOption() {
        SyncDaemonConfig.Parsed p = parse("eth1", "inst", "VI_1", "id", "7", "maxlen", "1400", "port", "9000", "ttl",
                "3", "group", "239.0.0.81");
        assertThat(p.warnings()).isEmpty();
        assertThat(p.config()).contains(new SyncDaemonConfig("eth1", "VI_1", 7, 1400, 9000, 3,
                InetAddress.ofLiteral("239.0.0.81")));
    }

    @Test
    void theSyncIdDefaultsToTheInstancesVirtualRouterId() {
        assertThat(parse("eth1", "VI_1").config().orElseThrow().syncId()).isEqualTo(51);
        // the older positional SYNC_ID, with keepalived's advice
        SyncDaemonConfig.Parsed old = parse("eth1", "VI_1", "9");
        assertThat(old.config().orElseThrow().syncId()).isEqualTo(9);
        assertThat(old.warnings()).containsExactly("Please use keyword \"id\" before lvs_sync_daemon SYNCID");
    }

    @Test
    void badValuesAreIgnoredWithKeepalivedsWarnings() {
        SyncDaemonConfig.Parsed p = parse("eth1", "VI_1", "id", "300", "ttl", "0", "group", "192.0.2.1", "fast");
        assertThat(p.warnings()).containsExactly("Invalid syncid (300) - defaulting to vrid",
                "Invalid lvs_sync_daemon ttl (0) - ignoring",
                "lvs_sync_daemon group address 192.0.2.1 is not multicast - ignoring",
                "Unknown option fast specified for lvs_sync_daemon");
        assertThat(p.config()).contains(new SyncDaemonConfig("eth1", "VI_1", 51, 0, 0, 0, null));
    }

    @Test
    void anUnknownInstanceOrALongInterfaceNameClearsIt() {
        assertThat(parse("eth1", "VI_9").config()).isEmpty();
        assertThat(parse("eth1", "VI_9").warnings())
                .containsExactly("Unable to find vrrp instance VI_9 for lvs_syncd - clearing lvs_syncd config");
        assertThat(parse("a-very-long-ifname").config()).isEmpty();
        assertThat(parse().warnings()).containsExactly("lvs_sync_daemon requires interface");
    }
}
