package halo.lvs;

import static org.assertj.core.api.Assertions.assertThat;

import halo.config.ConfigLoader;
import halo.config.KeepalivedConfig;
import halo.config.LoadOptions;
import halo.config.LoadResult;
import halo.config.source.Diagnostic;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataPlaneSupportTest {
    @TempDir
    Path dir;

    private LoadResult load(String text) throws IOException {
        Path file = dir.resolve("keepalived.conf");
        Files.writeString(file, text);
        return ConfigLoader.load(file, new LoadOptions("test", false));
    }

    private KeepalivedConfig config(String text) throws IOException {
        LoadResult r = load(text);
        assertThat(r.diagnostics()).filteredOn(d -> d.severity() == Diagnostic.Severity.FATAL).isEmpty();
        return r.config();
    }

    @Test
    void theProxyCarriesNatTcpAndUdpWithEveryScheduler() throws IOException {
        KeepalivedConfig c = config("""
                virtual_server 192.0.2.10 80 {
                    lb_algo lblcr
                    lb_kind NAT
                    persistence_timeout
                    protocol TCP
                    real_server 198.51.100.1 80 {
                    }
                }
                virtual_server 192.0.2.10 53 {
                    lb_algo mh
                    mh-port
                    protocol UDP
                    real_server 198.51.100.1 53 {
                    }
                }
                """);
        assertThat(DataPlaneSupport.refusals(c, DataPlaneKind.PROXY)).isEmpty();
    }

    @Test
    void directRoutingIsRefusedByTheProxyNamingThePlanesThatCarryIt() throws IOException {
        KeepalivedConfig c = config("""
                virtual_server 192.0.2.10 80 {
                    lb_algo wrr
                    lb_kind DR
                    protocol TCP
                    real_server 198.51.100.1 80 {
                    }
                }
                """);
        assertThat(DataPlaneSupport.refusals(c, DataPlaneKind.PROXY)).containsExactly(
                "virtual_server [192.0.2.10]:tcp:80: lb_kind DR is not supported by the proxy data plane"
                        + " (supported by: nftables, ipvs (no IPVS in this kernel))");
    }

    @Test
    void fwmarkSctpOpsAndAnUnsupportedSchedulerAreEachNamed() throws IOException {
        KeepalivedConfig c = config("""
                virtual_server fwmark 7 {
                    lb_algo rr
                    real_server 198.51.100.1 0 {
                    }
                }
                virtual_server 192.0.2.10 9999 {
                    protocol SCTP
                    real_server 198.51.100.1 9999 {
                    }
                }
                virtual_server 192.0.2.10 53 {
                    protocol UDP
                    ops
                    real_server 198.51.100.1 53 {
                    }
                }
                """);
        assertThat(DataPlaneSupport.refusals(c, DataPlaneKind.PROXY)).containsExactly(
                "virtual_server FWM 7: fwmark services is not supported by the proxy data plane (supported by:"
                        + " nftables, ipvs (no IPVS in this kernel))",
                "virtual_server [192.0.2.10]:sctp:9999: protocol SCTP is not supported by the proxy data plane"
                        + " (supported by: nftables, ipvs (no IPVS in this kernel))",
                "virtual_server [192.0.2.10]:udp:53: ops (one-packet scheduling) is not supported by the proxy data"
                        + " plane (supported by: ipvs (no IPVS in this kernel))");
        // nftables runs rr, wrr, sh, dh and mh only: the default (wlc) is refused, as is ops
        assertThat(DataPlaneSupport.refusals(c, DataPlaneKind.NFTABLES)).containsExactly(
                "virtual_server [192.0.2.10]:sctp:9999: lb_algo wlc is not supported by the nftables data plane"
                        + " (supported by: proxy, ipvs (no IPVS in this kernel))",
                "virtual_server [192.0.2.10]:udp:53: lb_algo wlc is not supported by the nftables data plane"
                        + " (supported by: proxy, ipvs (no IPVS in this kernel))",
                "virtual_server [192.0.2.10]:udp:53: ops (one-packet scheduling) is not supported by the nftables"
                        + " data plane (supported by: ipvs (no IPVS in this kernel))");
    }

    @Test
    void theNftablesPlaneCarriesDrNatAndFwmarkWithTheHashingAndRoundRobinSchedulersAndRefusesTheOthers()
            throws IOException {
        KeepalivedConfig c = config("""
                virtual_server 192.0.2.10 80 {
                    lb_algo mh
                    lb_kind DR
                    persistence_timeout 60
                    protocol TCP
                    real_server 198.51.100.1 80 {
                    }
                }
                virtual_server fwmark 7 {
                    lb_algo wrr
                    lb_kind NAT
                    real_server 198.51.100.1 80 {
                    }
                }
                virtual_server 192.0.2.10 81 {
                    lb_algo lc
                    lb_kind NAT
                    protocol TCP
                    real_server 198.51.100.1 80 {
                    }
                }
                virtual_server 192.0.2.10 82 {
                    lb_algo lblcr
                    lb_kind DR
                    protocol TCP
                    real_server 198.51.100.1 82 {
                    }
                }
                """);
        assertThat(DataPlaneKind.NFTABLES.available()).as("libnftables and nftables in the kernel here").isTrue();
        assertThat(DataPlaneSupport.refusals(c, DataPlaneKind.NFTABLES)).containsExactly(
                "virtual_server [192.0.2.10]:tcp:81: lb_algo lc is not supported by the nftables data plane"
                        + " (supported by: proxy, ipvs (no IPVS in this kernel))",
                "virtual_server [192.0.2.10]:tcp:82: lb_algo lblcr is not supported by the nftables data plane"
                        + " (supported by: proxy, ipvs (no IPVS in this kernel))");
    }

    @Test
    void aRealServerOfItsOwnForwardingMethodIsChecked() throws IOException {
        KeepalivedConfig c = config("""
                virtual_server 192.0.2.10 80 {
                    lb_kind NAT
                    protocol TCP
                    real_server 198.51.100.1 80 {
                        lvs_method TUN
                    }
                }
                """);
        assertThat(DataPlaneSupport.refusals(c, DataPlaneKind.PROXY)).singleElement().asString()
                .startsWith("virtual_server [192.0.2.10]:tcp:80: lb_kind TUN is not supported by the proxy");
        // the nftables plane carries TUN (ipip) where the kernel makes ipip tunnels: only the scheduler is refused
        assertThat(DataPlaneSupport.refusals(c, DataPlaneKind.NFTABLES, true)).containsExactly(
                "virtual_server [192.0.2.10]:tcp:80: lb_algo wlc is not supported by the nftables data plane"
                        + " (supported by: proxy, ipvs (no IPVS in this kernel))");
        // without them (this kernel: no ipip module) TUN is refused at load too
        String noIpip = "virtual_server [192.0.2.10]:tcp:80: lb_kind TUN on the nftables data plane needs an IP-in-IP"
                + " tunnel to each real server, and this kernel has none (no ipip module: modprobe ipip)";
        assertThat(DataPlaneSupport.refusals(c, DataPlaneKind.NFTABLES, false)).containsExactly(
                "virtual_server [192.0.2.10]:tcp:80: lb_algo wlc is not supported by the nftables data plane"
                        + " (supported by: proxy, ipvs (no IPVS in this kernel))", noIpip);
        assertThat(DataPlaneKind.kernelHasIpipTunnels()).as("this kernel has no ipip module").isFalse();
        assertThat(DataPlaneSupport.refusals(c, DataPlaneKind.NFTABLES)).contains(noIpip);
    }

    @Test
    void proxyKeywordsAreHalosOwnAndParsed() throws IOException {
        KeepalivedConfig c = config("""
                virtual_server 192.0.2.10 80 {
                    lb_algo rr
                    lb_kind NAT
                    protocol TCP
                    proxy_protocol v2
                    proxy_transparent
                    proxy_max_connections 5000
                    real_server 198.51.100.1 80 {
                    }
                }
                """);
        assertThat(c.virtualServers().getFirst().proxy()).isEqualTo(new halo.config.ProxySettings(
                halo.config.ProxySettings.ProxyHeader.V2, true, 5000));
        assertThat(DataPlaneSupport.refusals(c, DataPlaneKind.PROXY)).isEmpty();
        LoadResult bad = load("virtual_server 192.0.2.10 80 {\n    proxy_protocol v3\n}\n");
        assertThat(bad.diagnostics()).extracting(Diagnostic::message)
                .anyMatch(m -> m.contains("Invalid proxy_protocol 'v3'"));
    }

    @Test
    void lvsDataplaneNamesThePlaneAndAutoLeavesTheChoiceToHalo() throws IOException {
        assertThat(config("global_defs {\n    lvs_dataplane proxy\n}\n").global().lvsDataplane())
                .isEqualTo(DataPlaneKind.PROXY);
        assertThat(config("global_defs {\n    lvs_dataplane nftables\n}\n").global().lvsDataplane())
                .isEqualTo(DataPlaneKind.NFTABLES);
        assertThat(config("global_defs {\n    lvs_dataplane auto\n}\n").global().lvsDataplane()).isNull();
        assertThat(DataPlaneKind.choose(null)).isEqualTo(DataPlaneKind.PROXY);
        assertThat(config("global_defs {\n    lvs_timeouts tcp 7200 udp 60\n}\n").global().lvsTimeouts())
                .isEqualTo(new IpvsTimeouts(7200, 0, 60));
        assertThat(load("global_defs {\n    lvs_timeouts tcp 7200 syn 5\n}\n").diagnostics())
                .extracting(Diagnostic::message).anyMatch(m -> m.contains("Unknown option syn specified for lvs_timeouts"));
        LoadResult bad = load("global_defs {\n    lvs_dataplane dpdk\n}\n");
        assertThat(bad.diagnostics()).extracting(Diagnostic::message)
                .anyMatch(m -> m.contains("Invalid lvs_dataplane 'dpdk'"));
        assertThat(bad.config().global().lvsDataplane()).isNull();
    }
}
