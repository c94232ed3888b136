package halo.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import halo.config.ConfigLoader;
import halo.config.KeepalivedConfig;
import halo.config.LoadOptions;
import halo.config.LoadResult;
import halo.config.RawSetting;
import halo.config.SyncDaemonConfig;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** lvs_sync_daemon read from keepalived.conf, and the conntrackd.conf Halo writes for it. */
class ConntrackdConfigTest {

    @TempDir
    Path dir;

    private KeepalivedConfig load(String globalExtra, String instanceExtra) throws Exception {
        Path f = dir.resolve("keepalived.conf");
        Files.writeString(f, """
                global_defs {
                    router_id dir1
                    %s
                }
                vrrp_instance VI_1 {
                    state BACKUP
                    interface eth0
                    virtual_router_id 51
                    priority 100
                    %s
                    virtual_ipaddress {
                        192.0.2.100/24
                        198.51.100.1/24 dev eth1
                    }
                }
                virtual_server 192.0.2.100 80 {
                    lb_kind NAT
                    protocol TCP
                    real_server 198.51.100.21 80 {
                    }
                    real_server 198.51.100.22 80 {
                    }
                }
                """.formatted(globalExtra, instanceExtra));
        LoadResult r = ConfigLoader.load(f, new LoadOptions("test", false));
        assertThat(r.hasFatal()).as(r.diagnostics().toString()).isFalse();
        return r.config();
    }

    @Test
    void lvsSyncDaemonKeepsIpvsDefaultsAndReadsItsOptions() throws Exception {
        SyncDaemonConfig plain = sync(load("lvs_sync_daemon eth2 VI_1", ""));
        assertThat(plain).isEqualTo(new SyncDaemonConfig("eth2", "VI_1", 51, 0, 0, 0, null));
        assertThat(plain.effectivePort()).isEqualTo(8848);
        assertThat(plain.effectiveGroup()).isEqualTo(InetAddress.getByName("224.0.0.81"));
        SyncDaemonConfig full = sync(load("lvs_sync_daemon eth2 VI_1 id 7 maxlen 1400 port 3780 ttl 2 group 239.1.2.3", ""));
        assertThat(full).isEqualTo(new SyncDaemonConfig("eth2", "VI_1", 7, 1400, 3780, 2,
                InetAddress.getByName("239.1.2.3")));
        assertThat(SyncDaemonConfig.of(load("", ""))).isEmpty();
    }

    @Test
    void aMalformedOptionIsAWarningAtLoadAndTheKernelDefaultStays() throws Exception {
        Path f = dir.resolve("bad.conf");
        Files.writeString(f, "global_defs {\n    lvs_sync_daemon eth2 VI_1 port 70000\n}\n");
        LoadResult r = ConfigLoader.load(f, new LoadOptions("test", false));
        assertThat(r.diagnostics().toString()).contains("Invalid lvs_sync_daemon port (70000) - ignoring");
        assertThat(r.config().global().otherSettings()).extracting(RawSetting::keyword).contains("lvs_sync_daemon");
    }

    private static SyncDaemonConfig sync(KeepalivedConfig config) {
        SyncDaemonConfig.Parsed parsed = SyncDaemonConfig.of(config).orElseThrow();
        assertThat(parsed.warnings()).isEmpty();
        return parsed.config().orElseThrow();
    }

    @Test
    void unicastPeerGivesFtfwOverUdpToIt() throws Exception {
        KeepalivedConfig config = load("lvs_sync_daemon eth0 VI_1 port 3780",
                "unicast_src_ip 192.0.2.11\n unicast_peer {\n 192.0.2.12\n }");
        ConntrackdConfig c = ConntrackdConfig.of(sync(config), config,
                InetAddress.getByName("203.0.113.1"), Path.of("/run/halo/halo.sock.conntrackd"));
        assertThat(c.text()).isEqualTo("""
                # Written by Halo for lvs_sync_daemon eth0 VI_1; rewritten at every start.
                Sync {
                    Mode FTFW {
                        DisableExternalCache Off
                        CommitTimeout 1800
                        PurgeTimeout 5
                    }
                    UDP {
                        IPv4_address 203.0.113.1
                        IPv4_Destination_Address 192.0.2.12
                        Port 3780
                        Interface eth0
                        SndSocketBuffer 1249280
                        RcvSocketBuffer 1249280
                        Checksum on
                    }
                }
                General {
                    HashSize 32768
                    HashLimit 131072
                    LogFile /run/halo/halo.sock.conntrackd/conntrackd.log
                    Syslog off
                    LockFile /run/halo/halo.sock.conntrackd/conntrackd.lock
                    UNIX {
                        Path /run/halo/halo.sock.conntrackd/conntrackd.ctl
                    }
                    NetlinkBufferSize 2097152
                    NetlinkBufferSizeMaxGrowth 8388608
                    Filter From Userspace {
                        Protocol Accept {
                            TCP
                            UDP
                        }
                        Address Accept {
                            IPv4_address 192.0.2.100
                            IPv4_address 198.51.100.1
                            IPv4_address 198.51.100.21
                            IPv4_address 198.51.100.22
                        }
                    }
                }
                """);
        assertThat(c.request("conntrackd", "-c")).containsExactly("conntrackd", "-C",
                "/run/halo/halo.sock.conntrackd/conntrackd.conf", "-c");
    }

    @Test
    void withoutASingleUnicastPeerOnTheSyncInterfaceItIsMulticastOnTheGroup() throws Exception {
        // VRRP's unicast peer is on eth0; the sync link is eth2, where that address is not
        KeepalivedConfig config = load("lvs_sync_daemon eth2 VI_1 group 239.1.2.3",
                "unicast_src_ip 192.0.2.11\n unicast_peer {\n 192.0.2.12\n }");
        ConntrackdConfig c = ConntrackdConfig.of(sync(config), config,
                InetAddress.getByName("203.0.113.1"), Path.of("/run/x"));
        assertThat(c.text()).contains("""
                    Multicast {
                        IPv4_address 239.1.2.3
                        Group 8848
                        IPv4_interface 203.0.113.1
                        Interface eth2
                """).doesNotContain("UDP {", "Destination");
    }

    @Test
    void anInstanceThatIsNotConfiguredClearsTheSettingAsKeepalivedDoes() throws Exception {
        KeepalivedConfig config = load("lvs_sync_daemon eth2 VI_9", "");
        SyncDaemonConfig.Parsed parsed = SyncDaemonConfig.of(config).orElseThrow();
        assertThat(parsed.warnings()).containsExactly("Unable to find vrrp instance VI_9 for lvs_syncd - clearing lvs_syncd config");
        assertThat(parsed.config()).isEmpty();
    }
}
