package halo.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import halo.config.ConfigLoader;
import halo.config.KeepalivedConfig;
import halo.config.LoadOptions;
import halo.config.LoadResult;
import halo.config.LvsSyncDaemon;
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
        LvsSyncDaemon plain = LvsSyncDaemon.of(load("lvs_sync_daemon eth2 VI_1", "").global()).orElseThrow();
        assertThat(plain).isEqualTo(new LvsSyncDaemon("eth2", "VI_1", 0, 0, 8848, 1,
                InetAddress.getByName("224.0.0.81")));
        LvsSyncDaemon full = LvsSyncDaemon.parse(List.of("eth2", "VI_1", "id", "7", "maxlen", "1400", "port", "3780",
                "ttl", "2", "group", "239.1.2.3"));
        assertThat(full).isEqualTo(new LvsSyncDaemon("eth2", "VI_1", 7, 1400, 3780, 2,
                InetAddress.getByName("239.1.2.3")));
        assertThat(LvsSyncDaemon.of(load("", "").global())).isEmpty();
    }

    @Test
    void malformedLinesAreRefusedInWords() {
        assertThatThrownBy(() -> LvsSyncDaemon.parse(List.of("eth2"))).hasMessage(
                "lvs_sync_daemon needs an interface and a VRRP instance");
        assertThatThrownBy(() -> LvsSyncDaemon.parse(List.of("eth2", "VI_1", "port", "70000"))).hasMessage(
                "lvs_sync_daemon port 70000 is not in 1..65535");
        assertThatThrownBy(() -> LvsSyncDaemon.parse(List.of("eth2", "VI_1", "group", "192.0.2.1"))).hasMessage(
                "lvs_sync_daemon group 192.0.2.1 is not a multicast address");
        assertThatThrownBy(() -> LvsSyncDaemon.parse(List.of("eth2", "VI_1", "speed", "9"))).hasMessage(
                "Unknown option speed for lvs_sync_daemon");
        assertThatThrownBy(() -> LvsSyncDaemon.parse(List.of("eth2", "VI_1", "ttl"))).hasMessage(
                "lvs_sync_daemon ttl needs a value");
    }

    @Test
    void aMalformedLineIsAWarningAtLoadAndLeftOut() throws Exception {
        Path f = dir.resolve("bad.conf");
        Files.writeString(f, "global_defs {\n    lvs_sync_daemon eth2 VI_1 port 70000\n}\n");
        LoadResult r = ConfigLoader.load(f, new LoadOptions("test", false));
        assertThat(r.diagnostics().toString()).contains("lvs_sync_daemon port 70000 is not in 1..65535 - ignoring");
        assertThat(LvsSyncDaemon.of(r.config().global())).isEmpty();
    }

    @Test
    void unicastPeerGivesFtfwOverUdpToIt() throws Exception {
        KeepalivedConfig config = load("lvs_sync_daemon eth0 VI_1 port 3780",
                "unicast_src_ip 192.0.2.11\n unicast_peer {\n 192.0.2.12\n }");
        ConntrackdConfig c = ConntrackdConfig.of(LvsSyncDaemon.of(config.global()).orElseThrow(), config,
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
        ConntrackdConfig c = ConntrackdConfig.of(LvsSyncDaemon.of(config.global()).orElseThrow(), config,
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
    void anInstanceThatIsNotConfiguredIsRefused() throws Exception {
        KeepalivedConfig config = load("lvs_sync_daemon eth2 VI_9", "");
        assertThatThrownBy(() -> ConntrackdConfig.of(LvsSyncDaemon.of(config.global()).orElseThrow(), config,
                InetAddress.getByName("203.0.113.1"), Path.of("/run/x")))
                .hasMessage("lvs_sync_daemon names VRRP instance VI_9, which is not configured");
    }
}
