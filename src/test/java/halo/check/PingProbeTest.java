package halo.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import halo.os.ProbeSocket;
import halo.testing.Root;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class PingProbeTest {

    static boolean canPing() {
        try (ProbeSocket s = ProbeSocket.icmp(InetAddress.getLoopbackAddress())) {
            return true;
        } catch (Exception | Error e) {
            return false;
        }
    }

    static ConnectOptions to(String address, long timeoutMs) throws Exception {
        return ConnectOptions.to(new InetSocketAddress(InetAddress.getByName(address), 0), Duration.ofMillis(timeoutMs));
    }

    @Test
    void echoRequestIsRfc792WithAValidChecksum() {
        byte[] p = PingProbe.echoRequest(false, 0x1234, 7);
        assertThat(p[0]).isEqualTo((byte) 8);
        assertThat(p.length).isEqualTo(8 + 128);
        assertThat(new String(p, 8, 19, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("keepalived check - ");
        assertThat(PingProbe.checksum(p)).isZero(); // a packet including its checksum sums to zero
        byte[] reply = p.clone();
        reply[0] = 0;
        assertThat(PingProbe.isReply(reply, false, false, 0x9999, 7)).isTrue(); // ping socket rewrites the id
        byte[] withIpHeader = new byte[20 + reply.length];
        withIpHeader[0] = 0x45;
        System.arraycopy(reply, 0, withIpHeader, 20, reply.length);
        assertThat(PingProbe.isReply(withIpHeader, true, false, 0x1234, 7)).isTrue(); // raw v4: IP header first
        assertThat(PingProbe.isReply(withIpHeader, true, false, 0x4321, 7)).isFalse(); // raw: id must match
        assertThat(PingProbe.isReply(reply, false, false, 0x1234, 8)).isFalse();
        byte[] v6 = PingProbe.echoRequest(true, 1, 2);
        assertThat(v6[0]).isEqualTo((byte) 128);
    }

    @Test
    void loopbackAnswersIpv4AndIpv6() throws Exception {
        assumeTrue(canPing(), "no ping socket and no CAP_NET_RAW");
        assertThat(new PingProbe(to("127.0.0.1", 1000)).run().success()).isTrue();
        assertThat(new PingProbe(to("::1", 1000)).run().success()).isTrue();
    }

    /** Drops echo requests to one loopback address with a private nftables table, removed afterwards. */
    @Test
    @Tag("root")
    void unansweredEchoFailsAfterTheTimeout() throws Exception {
        assumeTrue(Root.isRoot() && canPing(), "needs root");
        String table = "halo-check-" + Integer.toHexString(ThreadLocalRandom.current().nextInt());
        assumeTrue(run("nft", "add", "table", "ip", table) == 0, "nft unavailable");
        try {
            assertThat(run("nft", "add", "chain", "ip", table, "in",
                    "{ type filter hook input priority 0 ; }")).isZero();
            assertThat(run("nft", "add", "rule", "ip", table, "in", "ip", "daddr", "127.0.0.77", "icmp", "type",
                    "echo-request", "drop")).isZero();
            long t0 = System.nanoTime();
            ProbeResult r = new PingProbe(to("127.0.0.77", 500)).run();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(r.success()).isFalse();
            assertThat(r.detail()).isEqualTo("ICMP connection to address [127.0.0.77]:tcp:0 timeout.");
            assertThat(ms).isBetween(480L, 1500L);
            assertThat(new PingProbe(to("127.0.0.78", 500)).run().success()).isTrue();
        } finally {
            run("nft", "delete", "table", "ip", table);
        }
    }

    static int run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }
}
