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
}
