package halo.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import halo.testing.Root;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code halo realserver} as an operator runs it, in a fresh network namespace ({@code ip netns exec NS java ...
 * halo.cli.Main realserver ...}): the addresses and sysctls it leaves, its exit codes, stop restoring what was there,
 * a second start changing nothing, and --tun on a kernel with or without tunl0.
 */
@Tag("root")
class RealServerNetnsTest {

    private static final String VIP4 = "192.0.2.100";
    private static final String VIP4_B = "192.0.2.101";
    private static final String VIP6 = "2001:db8::100";

    @TempDir
    Path dir;

    private String ns;

    record Run(int code, String out, String err) {}

    @BeforeEach
    void namespace() throws IOException {
        assumeThat(Root.isRoot()).as("needs root for network namespaces").isTrue();
        ns = "halo-rs-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
        run("ip", "netns", "add", ns);
    }

    @AfterEach
    void deleteNamespace() throws IOException {
        if (ns != null) {
            exec("ip", "netns", "delete", ns);
        }
    }

    @Test
    void startBindsTheVipsQuietsArpAndStopRestoresWhatWasThere() throws IOException {
        // a value that is not the kernel's default, to see stop put back what it found rather than 0
        sysctl("net/ipv4/conf/all/arp_announce", "1");
        assertThat(sysctl("net/ipv4/conf/all/arp_ignore")).isEqualTo("0");

        Run before = halo("status", "--vip", VIP4 + "," + VIP6);
        assertThat(before.code()).isEqualTo(3);
        assertThat(before.out()).contains(VIP4 + " NOT bound on lo", VIP6 + " NOT bound on lo");

        Run start = halo("start", "--vip", VIP4 + "," + VIP6);
        assertThat(start.code()).as(start.err()).isZero();
        assertThat(loAddresses()).contains("inet " + VIP4 + "/32", "inet6 " + VIP6 + "/128");
        assertThat(ip("link", "show", "dev", "lo")).contains("UP");
        assertThat(sysctl("net/ipv4/conf/lo/arp_ignore")).isEqualTo("1");
        assertThat(sysctl("net/ipv4/conf/lo/arp_announce")).isEqualTo("2");
        assertThat(sysctl("net/ipv4/conf/all/arp_ignore")).isEqualTo("1");
        assertThat(sysctl("net/ipv4/conf/all/arp_announce")).isEqualTo("2");

        Run again = halo("start", "--vip", VIP4 + "," + VIP6);
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.out()).contains(VIP4 + " already bound on lo");
        assertThat(count(loAddresses(), "inet " + VIP4 + "/32")).isEqualTo(1);
        assertThat(count(loAddresses(), "inet6 " + VIP6 + "/128")).isEqualTo(1);

        Run status = halo("status", "--vip", VIP4 + "," + VIP6);
        assertThat(status.code()).isZero();
        assertThat(status.out()).contains(VIP4 + " bound on lo", VIP6 + " bound on lo");

        Run stop = halo("stop", "--vip", VIP4 + "," + VIP6);
        assertThat(stop.code()).as(stop.err()).isZero();
        assertThat(loAddresses()).doesNotContain(VIP4, VIP6);
        assertThat(sysctl("net/ipv4/conf/all/arp_announce")).isEqualTo("1"); // as found, not the seeds' 0
        assertThat(sysctl("net/ipv4/conf/all/arp_ignore")).isEqualTo("0");
        assertThat(sysctl("net/ipv4/conf/lo/arp_ignore")).isEqualTo("0");
        assertThat(sysctl("net/ipv4/conf/lo/arp_announce")).isEqualTo("0");
        assertThat(halo("status", "--vip", VIP4).code()).isEqualTo(3);

        Run stopAgain = halo("stop", "--vip", VIP4);
        assertThat(stopAgain.code()).isZero();
        assertThat(stopAgain.out()).contains(VIP4 + " not bound on lo");
    }

    @Test
    void statusSaysNotRunningWhenArpIsNotQuietAndSysctlsStayWhileAVipRemains() throws IOException {
        assertThat(halo("start", "--vip", VIP4).code()).isZero();
        assertThat(halo("start", "--vip", VIP4_B).code()).isZero();
        sysctl("net/ipv4/conf/all/arp_ignore", "0"); // someone undid it: the VIP is bound but ARP would leak it
        Run leaky = halo("status", "--vip", VIP4);
        assertThat(leaky.code()).isEqualTo(3);
        assertThat(leaky.out()).contains(VIP4 + " bound on lo", "net.ipv4.conf.all.arp_ignore is 0");
        assertThat(halo("start", "--vip", VIP4).code()).isZero();

        Run stopA = halo("stop", "--vip", VIP4);
        assertThat(stopA.code()).isZero();
        assertThat(stopA.out()).contains("sysctls kept: " + VIP4_B);
        assertThat(sysctl("net/ipv4/conf/all/arp_ignore")).isEqualTo("1");
        assertThat(halo("status", "--vip", VIP4_B).code()).isZero();
        assertThat(halo("status", "--vip", VIP4 + "," + VIP4_B).code()).isEqualTo(3);

        assertThat(halo("stop", "--vip", VIP4_B).code()).isZero();
        assertThat(sysctl("net/ipv4/conf/all/arp_ignore")).isEqualTo("0");
        assertThat(loAddresses()).doesNotContain(VIP4_B);
    }

    @Test
    void tunNeedsTunl0AndSaysSoWhenTheKernelHasNone() throws IOException {
        boolean tunl0 = !exec("ip", "-n", ns, "link", "show", "dev", "tunl0").out().isEmpty();
        Run start = halo("start", "--tun", "--vip", VIP4);
        if (tunl0) {
            // a kernel with ipip: the VIP on tunl0, reverse-path filtering off
            assertThat(start.code()).as(start.err()).isZero();
            assertThat(ip("-o", "addr", "show", "dev", "tunl0")).contains("inet " + VIP4 + "/32");
            assertThat(sysctl("net/ipv4/conf/tunl0/rp_filter")).isEqualTo("0");
            assertThat(sysctl("net/ipv4/conf/all/rp_filter")).isEqualTo("0");
            assertThat(halo("status", "--tun", "--vip", VIP4).code()).isZero();
            assertThat(halo("stop", "--tun", "--vip", VIP4).code()).isZero();
            assertThat(ip("-o", "addr", "show", "dev", "tunl0")).doesNotContain(VIP4);
        } else {
            // this kernel (no ipip module): a clear refusal, and nothing changed
            assertThat(start.code()).isEqualTo(1);
            assertThat(start.err()).contains("no tunl0 interface", "modprobe ipip", "nothing was changed");
            assertThat(ip("-o", "addr")).doesNotContain(VIP4);
            assertThat(sysctl("net/ipv4/conf/all/arp_ignore")).isEqualTo("0");
            Run status = halo("status", "--tun", "--vip", VIP4);
            assertThat(status.code()).isEqualTo(3);
            assertThat(status.out()).contains(VIP4 + " NOT bound on tunl0 (missing)");
        }
    }

    @Test
    void badAddressIsAUsageError() throws IOException {
        Run bad = halo("start", "--vip", "192.0.2.300");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("'192.0.2.300' is not an IP address");
        assertThat(halo("start").code()).isEqualTo(2); // --vip is required
    }

    // ---- helpers

    private Run halo(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns,
                ProcessHandle.current().info().command().orElse("java"), "--enable-native-access=ALL-UNNAMED",
                "-XX:+UseSerialGC", "-Xshare:auto", "-cp", classPath(), "halo.cli.Main", "realserver"));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--run-dir", dir.toString()));
        return exec(cmd.toArray(String[]::new));
    }

    private static String classPath() {
        List<String> parts = new ArrayList<>(List.of(Path.of("target", "classes").toAbsolutePath().toString()));
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (Path.of(entry).getFileName().toString().startsWith("picocli")) {
                parts.add(entry);
            }
        }
        return String.join(File.pathSeparator, parts);
    }

    private String loAddresses() throws IOException {
        return ip("-o", "addr", "show", "dev", "lo");
    }

    private String ip(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip", "-n", ns));
        cmd.addAll(List.of(args));
        return run(cmd.toArray(String[]::new));
    }

    private String sysctl(String key) throws IOException {
        return run("ip", "netns", "exec", ns, "cat", "/proc/sys/" + key).strip();
    }

    private void sysctl(String key, String value) throws IOException {
        run("ip", "netns", "exec", ns, "sh", "-c", "echo " + value + " > /proc/sys/" + key);
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    private static String run(String... cmd) throws IOException {
        Run r = exec(cmd);
        if (r.code() != 0) {
            throw new IOException(String.join(" ", cmd) + " exited " + r.code() + ": " + r.err());
        }
        return r.out();
    }

    private static Run exec(String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        try {
            var err = p.getErrorStream();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String errText = new String(err.readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + " took more than 60 s");
            }
            return new Run(p.exitValue(), out, errText);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
