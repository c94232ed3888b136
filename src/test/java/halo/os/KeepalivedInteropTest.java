package halo.os;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import halo.testing.Await;
import halo.testing.Root;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The host layer against real keepalived: Halo's sockets receive keepalived's adverts (v2 IPv4 with PASS auth,
 * v3 IPv6) with TTL 255 from the right source, and keepalived accepts adverts sent through Halo's sockets
 * (TTL 255, and for IPv6 the checksum the kernel computes at offset 6): a higher priority makes it BACKUP.
 */
@Tag("root")
class KeepalivedInteropTest {
    private TwoNamespaces net;
    private Path dir;
    private Process keepalived;
    private VrrpSocket v4;
    private VrrpSocket v6;
    private Poller poller;

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(Root.isRoot(), "needs root for network namespaces");
        assumeTrue(Shell.exec("sh", "-c", "command -v keepalived").code() == 0, "needs keepalived");
        net = new TwoNamespaces("ka");
        dir = Files.createTempDirectory("halo-ka");
        Files.writeString(dir.resolve("keepalived.conf"), """
                global_defs {
                  router_id halo_interop
                }
                vrrp_instance VI_4 {
                  state MASTER
                  interface veth-a
                  virtual_router_id 51
                  priority 150
                  advert_int 1
                  authentication {
                    auth_type PASS
                    auth_pass secret
                  }
                  virtual_ipaddress {
                    192.0.2.100/32
                  }
                }
                vrrp_instance VI_6 {
                  state MASTER
                  interface veth-a
                  virtual_router_id 52
                  version 3
                  priority 150
                  advert_int 0.1
                  virtual_ipaddress {
                    fe80::100/64
                    2001:db8::100/128
                  }
                }
                """);
        keepalived = new ProcessBuilder(TwoNamespaces.prefix(net.a, "keepalived", "-n", "-l", "-P",
                "-f", dir.resolve("keepalived.conf").toString(), "-p", dir.resolve("k.pid").toString(),
                "-r", dir.resolve("v.pid").toString()))
                .redirectErrorStream(true).redirectOutput(dir.resolve("log").toFile()).start();
        v4 = net.nsB.call(() -> VrrpSocket.open(false, TwoNamespaces.B_IF, null));
        v6 = net.nsB.call(() -> VrrpSocket.open(true, TwoNamespaces.B_IF, null));
        v4.joinGroup(VrrpSocket.MULTICAST_IPV4);
        v6.joinGroup(VrrpSocket.MULTICAST_IPV6);
        poller = new Poller(2);
        poller.register(v4);
        poller.register(v6);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (keepalived != null) {
            keepalived.destroy();
            if (!keepalived.waitFor(5, TimeUnit.SECONDS)) {
                keepalived.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
        for (AutoCloseable c : new AutoCloseable[] {v4, v6, poller, net}) {
            if (c != null) {
                c.close();
            }
        }
        if (dir != null) {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    /** Waits (at most SECONDS) for a packet on S whose payload matches; returns its length or -1. */
    private int await(VrrpSocket s, byte[] buf, ReceivedPacket got, Predicate<byte[]> wanted, int seconds) throws Exception {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            poller.poll(Math.min(100_000_000L, deadline - System.nanoTime()));
            int n;
            while ((n = s.receive(buf, 0, buf.length, got)) >= 0) {
                if (wanted.test(buf)) {
                    return n;
                }
            }
        }
        return -1;
    }

    private String log() throws Exception {
        return Files.readString(dir.resolve("log"), StandardCharsets.UTF_8);
    }

    private boolean logShows(String regex) throws Exception {
        return java.util.regex.Pattern.compile(regex, java.util.regex.Pattern.MULTILINE).matcher(log()).find();
    }

    private boolean logShowsWithin(String regex, int seconds) throws Exception {
        return Await.until(Duration.ofSeconds(seconds), () -> logShows(regex));
    }

    @Test
    void receivesKeepalivedsAdvertsAndKeepalivedAcceptsOurs() throws Exception {
        byte[] buf = new byte[1500];
        ReceivedPacket got = new ReceivedPacket();

        // keepalived's VRRPv3 IPv6 advert (VRID 52, priority 150)
        int n6 = await(v6, buf, got, b -> (b[0] & 0xff) == 0x31 && b[1] == 52, 8);
        assertThat(n6).as("a v3 advert from keepalived; log:%n%s", log()).isPositive();
        assertThat(buf[2] & 0xff).isEqualTo(150);
        assertThat(got.ttl()).isEqualTo(255);
        assertThat(got.trafficClass()).isEqualTo(0xc0);
        assertThat(got.source().isLinkLocalAddress()).isTrue();
        assertThat(got.destination()).isEqualTo(VrrpSocket.MULTICAST_IPV6);
        assertThat(Checksums.ipv6PseudoHeaderSum(got.sourceBytes(), got.destinationBytes(), 112, buf, 0, n6))
                .as("keepalived's checksum verifies").isEqualTo(0xffff);

        // keepalived's VRRPv2 IPv4 advert (VRID 51, PASS auth "secret")
        int n4 = await(v4, buf, got, b -> (b[0] & 0xff) == 0x21 && b[1] == 51, 8);
        assertThat(n4).as("a v2 advert from keepalived; log:%n%s", log()).isEqualTo(20);
        assertThat(got.ttl()).isEqualTo(255);
        assertThat(got.trafficClass()).isEqualTo(0xc0);
        assertThat(got.source()).isEqualTo(InetAddress.getByName("192.0.2.1"));
        assertThat(got.destination()).isEqualTo(VrrpSocket.MULTICAST_IPV4);
        assertThat(new String(buf, 12, 6, StandardCharsets.US_ASCII)).isEqualTo("secret");

        // Our higher-priority adverts make keepalived back off.
        byte[] adv4 = {0x21, 51, (byte) 200, 1, 1, 1, 0, 0, (byte) 192, 0, 2, 100, 's', 'e', 'c', 'r', 'e', 't', 0, 0};
        int sum = ~Checksums.fold(Checksums.add(0, adv4, 0, adv4.length)) & 0xffff;
        adv4[6] = (byte) (sum >>> 8);
        adv4[7] = (byte) sum;
        byte[] adv6 = new byte[8 + 32];
        adv6[0] = 0x31;
        adv6[1] = 52;
        adv6[2] = (byte) 200;
        adv6[3] = 2;
        adv6[5] = 10; // 10 cs; checksum left 0 for the kernel (IPV6_CHECKSUM)
        System.arraycopy(InetAddress.getByName("fe80::100").getAddress(), 0, adv6, 8, 16);
        System.arraycopy(InetAddress.getByName("2001:db8::100").getAddress(), 0, adv6, 24, 16);
        // Like a master, keep advertising until keepalived says it backed off on both (bounded by the wait).
        Await.until(Duration.ofSeconds(5), () -> {
            v4.send(adv4, 0, adv4.length, VrrpSocket.MULTICAST_IPV4);
            v6.send(adv6, 0, adv6.length, VrrpSocket.MULTICAST_IPV6);
            return logShows("\\(VI_4\\) Entering BACKUP STATE$") && logShows("\\(VI_6\\) Entering BACKUP STATE$");
        });
        assertThat(logShowsWithin("\\(VI_4\\) Entering BACKUP STATE$", 5))
                .as("keepalived took our v2 advert; log:%n%s", log()).isTrue();
        assertThat(logShowsWithin("\\(VI_6\\) Entering BACKUP STATE$", 5))
                .as("keepalived took our v3 IPv6 advert; log:%n%s", log()).isTrue();
        assertThat(log()).doesNotContain("bad checksum").doesNotContain("invalid ttl");
    }
}
