package halo.vrrp.wire;

import static halo.vrrp.wire.Bytes.inet;
import static halo.vrrp.wire.Bytes.seg;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import halo.testing.Root;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Runs capture.sh against the installed keepalived (root, namespaces it creates and deletes) into a temporary
 * directory and checks the fresh adverts with the codec: the committed captures stay reproducible and the codec
 * keeps agreeing with the keepalived on this machine.
 */
@Tag("root")
class LiveKeepalivedCaptureTest {
    private static boolean canRun() {
        return Root.isRoot()
                && Files.isExecutable(Paths.get("/usr/sbin/keepalived"))
                && Files.isExecutable(Paths.get("/usr/bin/tcpdump"));
    }

    @Test
    void freshCapturesFromTheInstalledKeepalivedDecodeValidateAndReencode() throws Exception {
        assumeTrue(canRun(), "needs root, keepalived and tcpdump");
        Path script = Paths.get("src/test/resources/halo/vrrp/wire/capture/capture.sh").toAbsolutePath();
        assumeTrue(Files.isExecutable(script), "capture.sh not found from " + Paths.get("").toAbsolutePath());
        Path out = Files.createTempDirectory("halo-live-capture");
        try {
            ProcessBuilder pb = new ProcessBuilder(script.toString(), "v3_fast", "v2_ah").redirectErrorStream(true);
            pb.environment().put("OUT", out.toString());
            Process p = pb.start();
            boolean finished = p.waitFor(120, TimeUnit.SECONDS);
            String log = new String(p.getInputStream().readAllBytes());
            if (!finished) {
                p.destroy(); // SIGTERM: the script's trap removes its namespaces and processes
                p.waitFor(10, TimeUnit.SECONDS);
                p.destroyForcibly();
            }
            assertThat(finished).as(log).isTrue();
            assertThat(p.exitValue()).as(log).isZero();

            AdvertValidator validator = new AdvertValidator();
            AdvertEncoder encoder = new AdvertEncoder();
            WireInstance fast = new WireInstance().version(3).vrid(55).advertIntervalCentis(1)
                    .addresses(List.of(inet("192.0.2.140"))).source(inet("192.0.2.1"));
            WireInstance fastPeer = new WireInstance().version(3).vrid(55).advertIntervalCentis(1)
                    .addresses(List.of(inet("192.0.2.140"))).source(inet("192.0.2.2"));
            checkAll(out.resolve("v3_fast.pcap"), 10, fast, fastPeer, 254, validator, encoder);

            WireInstance ah = new WireInstance().version(2).vrid(52).advertIntervalCentis(100)
                    .authentication(VrrpMessage.AUTH_AH, "ah-key").addresses(List.of(inet("192.0.2.110"))).source(inet("192.0.2.1"));
            WireInstance ahPeer = new WireInstance().version(2).vrid(52).advertIntervalCentis(100)
                    .authentication(VrrpMessage.AUTH_AH, "ah-key").addresses(List.of(inet("192.0.2.110"))).source(inet("192.0.2.2"));
            checkAll(out.resolve("v2_ah.pcap"), 3, ah, ahPeer, 120, validator, encoder);
        } finally {
            try (var files = Files.list(out)) {
                files.forEach(f -> f.toFile().delete());
            }
            Files.deleteIfExists(out);
        }
    }

    private static void checkAll(Path pcap, int count, WireInstance sender, WireInstance receiver, int priority,
            AdvertValidator validator, AdvertEncoder encoder) throws IOException {
        List<Pcap.IpPacket> packets = Pcap.readFile(pcap);
        assertThat(packets).hasSize(count);
        Ipv4Header ip = new Ipv4Header();
        for (Pcap.IpPacket p : packets) {
            byte[] packet = p.bytes();
            RxStatistics stats = new RxStatistics();
            assertThat(validator.validateIpv4Datagram(receiver, stats, seg(packet), 0, packet.length, new PacketInfo()))
                    .as(validator.describe(pcap.getFileName().toString(), receiver)).isEqualTo(RxVerdict.ACCEPT);
            assertThat(validator.message().priority()).isEqualTo(priority);
            ip.wrap(seg(packet), 0, packet.length);
            if (sender.authType() == VrrpMessage.AUTH_AH) {
                sender.ahSequence(receiver.ahSequence() - 1);
            }
            byte[] again = new byte[packet.length];
            int n = encoder.encodeIpv4Datagram(sender, priority, ip.identification(), seg(again), 0, null, 0);
            assertThat(Bytes.hex(Arrays.copyOf(again, n))).isEqualTo(Bytes.hex(packet));
        }
    }
}
