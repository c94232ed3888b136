package halo.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Texts keepalived 2.2.7 reads in its own way, read by Halo and by the real keepalived -t side by side. */
class KeepalivedReadingTest {

    @TempDir
    Path dir;

    record Run(int status, List<String> lines) {}

    Run keepalived(Path conf) throws Exception {
        assertThat(Files.isExecutable(MissingParameterTest.KEEPALIVED)).as("keepalived 2.2.7 is installed").isTrue();
        Process p = new ProcessBuilder(MissingParameterTest.KEEPALIVED.toString(), "-t", "-f", conf.toString(), "-l")
                .redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            return new Run(p.exitValue(), out.lines().toList());
        } finally {
            p.destroyForcibly();
        }
    }

    Path file(String text) throws Exception {
        Path f = Files.createTempFile(dir, "reading", ".conf");
        Files.writeString(f, text);
        return f;
    }

    @Test
    void aLineOver1023BytesIsReadAsTwoLinesAsKeepalivedReadsIt() throws Exception {
        // 1023 bytes end inside "vrrp_version": keepalived reads "rrp_version 3" as the next line
        Path f = file("global_defs {\n    router_id " + "a".repeat(1007)
                + " vrrp_version 3\n}\n");
        String line = Files.readAllLines(f).get(1);
        int cut = 1023;
        assertThat(line.substring(cut)).isEqualTo("rrp_version 3");
        Run k = keepalived(f);
        assertThat(k.lines()).contains("(Line 2) Unknown keyword 'rrp_version'");
        LoadResult h = ConfigLoader.load(f, new LoadOptions("test", false));
        assertThat(Loading.messages(h, halo.config.source.Diagnostic.Severity.WARNING))
                .contains("2: Unknown keyword 'rrp_version'");
        assertThat(Loading.messages(h, halo.config.source.Diagnostic.Severity.INFO))
                .contains("2: line longer than 1023 bytes: keepalived reads the rest of it as a new line, and so does Halo");
        assertThat(h.exitStatus()).isEqualTo(k.status()).isEqualTo(5);
    }

    @Test
    void addressSuffixesAreCutAsKeepalivedCutsThem() throws Exception {
        Path f = file("""
                virtual_server 192.0.2.5/32 80 {
                    protocol TCP
                    lb_algo rr
                    lb_kind NAT
                    real_server 192.0.2.2-300 80 {
                    }
                    real_server 192.0.2.3/24/24 80 {
                    }
                }
                """);
        Run k = keepalived(f);
        assertThat(k.status()).isZero();
        LoadResult h = ConfigLoader.load(f, new LoadOptions("test", false));
        assertThat(h.diagnostics()).isEmpty();
        assertThat(h.exitStatus()).isZero();
        VirtualServer vs = h.config().virtualServers().getFirst();
        assertThat(vs.address()).isEqualTo(new VirtualServerAddress.Socket(InetAddress.ofLiteral("192.0.2.5"), 80));
        assertThat(vs.realServers()).extracting(RealServer::address)
                .containsExactly(InetAddress.ofLiteral("192.0.2.2"), InetAddress.ofLiteral("192.0.2.3"));
    }

    /** keepalived's "(file: Line N) message" lines, as "N: message", in order. */
    static List<String> keepalivedSays(Run k, String containing) {
        return k.lines().stream().filter(l -> l.contains(containing))
                .map(l -> l.replaceFirst("^\\([^)]*Line (\\d+)\\) ", "$1: ")).distinct().toList();
    }

    @Test
    void aBlockKeywordWithoutItsBraceStillReadsTheFollowingLinesAsItsBlock() throws Exception {
        Path f = file("""
                vrrp_instance VI_1 {
                    state MASTER
                    interface eth0
                    virtual_router_id 51
                    priority 100
                    authentication
                        auth_type PASS
                        auth_pass secret1
                    }
                    virtual_ipaddress
                        192.0.2.10/24
                    }
                }
                vrrp_instance VI_2
                    state BACKUP
                    interface eth0
                    virtual_router_id 52
                    priority 90
                    virtual_ipaddress {
                        192.0.2.20/24
                    }
                }
                """);
        Run k = keepalived(f);
        // the VRRP process's reading (the parent's, which skips vrrp blocks by their braces, says more)
        assertThat(keepalivedSays(k, "Missing '{'")).containsExactly(
                "7: Missing '{' at beginning of configuration block", "15: Missing '{' at beginning of configuration block");
        LoadResult h = ConfigLoader.load(f, new LoadOptions("test", false));
        assertThat(Loading.warnings(h)).containsExactly(
                "7: Missing '{' at beginning of configuration block",
                "12: Extra '}' found", "13: Extra '}' found",
                "15: Missing '{' at beginning of configuration block",
                "22: Extra '}' found");
        assertThat(Loading.messages(h, halo.config.source.Diagnostic.Severity.INFO))
                .contains("11: '{' missing from beginning of block virtual_ipaddress");
        assertThat(h.exitStatus()).isEqualTo(k.status()).isEqualTo(5);
        List<VrrpInstance> instances = h.config().vrrpInstances();
        assertThat(instances).extracting(VrrpInstance::name).containsExactly("VI_1", "VI_2");
        assertThat(instances.get(0).authentication()).isEqualTo(new Authentication(Authentication.Type.PASS, "secret1"));
        assertThat(instances.get(0).virtualAddresses()).extracting(v -> v.address().toString())
                .containsExactly("192.0.2.10/24");
        assertThat(instances.get(1).priority()).isEqualTo(90);
        assertThat(instances.get(1).virtualAddresses()).extracting(v -> v.address().toString())
                .containsExactly("192.0.2.20/24");
    }

    @Test
    void aDuplicatedTrackInterfaceLineIsReadAsKeepalivedReadsIt() throws Exception {
        // track_interface reads a block of values: the second line and its '{' are two interface names, the first
        // '}' ends the block, and the next vrrp_instance stays an instance of its own
        Path f = file("""
                vrrp_instance VI_1 {
                    state MASTER
                    interface eth0
                    virtual_router_id 51
                    priority 100
                    track_interface {
                    track_interface {
                        eth1
                    }
                    virtual_ipaddress {
                        192.0.2.10/24
                    }
                }
                vrrp_instance VI_2 {
                    state BACKUP
                    interface eth0
                    virtual_router_id 52
                    priority 90
                    virtual_ipaddress {
                        192.0.2.20/24
                    }
                }
                """);
        Run k = keepalived(f);
        assertThat(keepalivedSays(k, "tracked interface")).contains(
                "7: (VI_1) tracked interface track_interface doesn't exist", "7: (VI_1) tracked interface { doesn't exist");
        assertThat(k.lines()).contains("There are 1 missing '}'s or extra '{'s");
        LoadResult h = ConfigLoader.load(f, new LoadOptions("test", false));
        assertThat(Loading.warnings(h)).containsExactly("22: There are 1 missing '}'s or extra '{'s");
        assertThat(h.exitStatus()).isEqualTo(k.status()).isEqualTo(5);
        List<VrrpInstance> instances = h.config().vrrpInstances();
        assertThat(instances).extracting(VrrpInstance::name).containsExactly("VI_1", "VI_2");
        assertThat(instances.get(0).trackInterfaces()).extracting(TrackedInterface::name)
                .containsExactly("track_interface", "{", "eth1");
        assertThat(instances.get(0).virtualAddresses()).extracting(v -> v.address().toString())
                .containsExactly("192.0.2.10/24");
        assertThat(instances.get(1).virtualAddresses()).extracting(v -> v.address().toString())
                .containsExactly("192.0.2.20/24");
    }

    @Test
    void routeOptionsBeforeTheDestinationAreReadAsKeepalivedReadsThem() throws Exception {
        // keepalived's own samples (keepalived.conf.vrrp.routes) write "src ADDRESS DESTINATION via ..."
        Path f = file("""
                static_routes {
                    src 192.0.2.1 198.51.100.0/24 via 192.0.2.254 dev eth0
                }
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 51
                    priority 100
                    virtual_ipaddress {
                        192.0.2.10/24
                    }
                    virtual_routes {
                        src 192.0.2.10 203.0.113.0/24 via 192.0.2.254 dev eth0 metric 5
                        table 100 blackhole 203.0.113.128/25 no_track
                    }
                }
                """);
        Run k = keepalived(f);
        assertThat(k.lines()).noneMatch(l -> l.contains("route") || l.contains("Route"));
        LoadResult h = ConfigLoader.load(f, new LoadOptions("test", false));
        assertThat(Loading.warnings(h)).isEmpty();
        VirtualRoute s = h.config().staticRoutes().getFirst();
        assertThat(s.destination().toString()).isEqualTo("198.51.100.0/24");
        assertThat(s.source()).isEqualTo(InetAddress.ofLiteral("192.0.2.1"));
        assertThat(s.via()).isEqualTo(InetAddress.ofLiteral("192.0.2.254"));
        assertThat(s.device()).isEqualTo("eth0");
        List<VirtualRoute> routes = h.config().vrrpInstances().getFirst().virtualRoutes();
        assertThat(routes).hasSize(2);
        assertThat(routes.get(0).destination().toString()).isEqualTo("203.0.113.0/24");
        assertThat(routes.get(0).source()).isEqualTo(InetAddress.ofLiteral("192.0.2.10"));
        assertThat(routes.get(0).metric()).isEqualTo(5);
        assertThat(routes.get(1).type()).isEqualTo("blackhole");
        assertThat(routes.get(1).destination().toString()).isEqualTo("203.0.113.128/25");
        assertThat(routes.get(1).table()).isEqualTo("100");
    }
}
