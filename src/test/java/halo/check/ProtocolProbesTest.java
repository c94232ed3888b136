package halo.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** SMTP_CHECK, DNS_CHECK and UDP_CHECK against real responders on loopback. */
class ProtocolProbesTest {

    static final Duration TIMEOUT = Duration.ofMillis(600);
    static final InetAddress LO = InetAddress.getLoopbackAddress();
    final List<AutoCloseable> closeables = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closeables) c.close();
    }

    /** An SMTP-like responder: greeting, HELO reply, QUIT reply, each configurable. */
    final class Smtp implements AutoCloseable {
        final ServerSocket server = new ServerSocket(0, 50, LO);
        final List<String> received = new CopyOnWriteArrayList<>();
        volatile String greeting = "220 mail.example ESMTP\r\n";
        volatile String heloReply = "250 mail.example\r\n";
        volatile String quitReply = "221 bye\r\n";

        Thread acceptor;

        Smtp() throws IOException {
            closeables.add(this);
            acceptor = Thread.ofVirtual().start(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        Thread.ofVirtual().start(() -> serve(s));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        void serve(Socket s) {
            try (s) {
                var in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
                OutputStream out = s.getOutputStream();
                if (greeting == null) {
                    Thread.sleep(5000);
                    return;
                }
                out.write(greeting.getBytes(StandardCharsets.ISO_8859_1));
                String line = in.readLine();
                received.add(line);
                out.write(heloReply.getBytes(StandardCharsets.ISO_8859_1));
                line = in.readLine();
                received.add(line);
                out.write(quitReply.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            } catch (IOException | InterruptedException e) {
                // done
            }
        }

        ConnectOptions options() {
            return ConnectOptions.to(new InetSocketAddress(LO, server.getLocalPort()), TIMEOUT);
        }

        @Override
        public void close() throws IOException {
            server.close();
            try {
                acceptor.join(2000); // the listening socket is released once accept() returns
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Test
    void smtpConversation() throws Exception {
        Smtp smtp = new Smtp();
        ProbeResult ok = new SmtpProbe(smtp.options(), null).run();
        assertThat(ok.success()).isTrue();
        assertThat(smtp.received).containsExactly("HELO smtpchecker.keepalived.org", "QUIT");
        assertThat(new SmtpProbe(smtp.options(), "lb1.example").run().success()).isTrue();
        assertThat(smtp.received).contains("HELO lb1.example");

        smtp.greeting = "554 no service\r\n";
        assertThat(new SmtpProbe(smtp.options(), null).run().detail()).startsWith("SMTP_CHECK Bad greeting banner");
        smtp.greeting = "220-multi line banner\r\n";
        assertThat(new SmtpProbe(smtp.options(), null).run().success()).isFalse();
        smtp.greeting = "220 ok\r\n";
        smtp.heloReply = "501 bad\r\n";
        assertThat(new SmtpProbe(smtp.options(), null).run().detail()).startsWith("SMTP_CHECK Bad HELO response");
        smtp.heloReply = "250 ok\r\n";
        smtp.quitReply = "500 whatever\r\n"; // keepalived only needs a reply to QUIT
        assertThat(new SmtpProbe(smtp.options(), null).run().success()).isTrue();
        smtp.greeting = null; // silent server
        long t0 = System.nanoTime();
        ProbeResult silent = new SmtpProbe(smtp.options(), null).run();
        assertThat(silent.detail()).startsWith("SMTP_CHECK Read timeout from server");
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(TIMEOUT.toMillis() + 1000);
        int port = smtp.server.getLocalPort();
        smtp.close();
        assertThat(new SmtpProbe(ConnectOptions.to(new InetSocketAddress(LO, port), TIMEOUT), null).run().detail())
                .startsWith("SMTP_CHECK Could not connect to server");
    }

    /** A DNS answerer: echoes the id with QR set, or misbehaves as told. */
    final class Dns implements AutoCloseable {
        enum Mode { ANSWER, WRONG_ID_THEN_ANSWER, SILENT, SERVFAIL }

        final DatagramSocket socket = new DatagramSocket(new InetSocketAddress(LO, 0));
        final List<byte[]> queries = new CopyOnWriteArrayList<>();
        volatile Mode mode = Mode.ANSWER;

        Thread receiver;

        Dns() throws IOException {
            closeables.add(this);
            receiver = Thread.ofVirtual().start(() -> {
                byte[] buf = new byte[512];
                while (!socket.isClosed()) {
                    try {
                        DatagramPacket p = new DatagramPacket(buf, buf.length);
                        socket.receive(p);
                        byte[] q = java.util.Arrays.copyOf(buf, p.getLength());
                        queries.add(q);
                        Mode m = mode;
                        if (m == Mode.SILENT) continue;
                        if (m == Mode.WRONG_ID_THEN_ANSWER) {
                            byte[] wrong = q.clone();
                            wrong[0] ^= 0x55;
                            wrong[2] |= (byte) 0x80;
                            socket.send(new DatagramPacket(wrong, wrong.length, p.getSocketAddress()));
                        }
                        byte[] r = q.clone();
                        r[2] |= (byte) 0x80; // QR
                        r[3] = (byte) (m == Mode.SERVFAIL ? 2 : 0);
                        socket.send(new DatagramPacket(r, r.length, p.getSocketAddress()));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        ConnectOptions options() {
            return ConnectOptions.to(new InetSocketAddress(LO, socket.getLocalPort()), TIMEOUT);
        }

        @Override
        public void close() throws InterruptedException {
            socket.close();
            receiver.join(2000); // the port is released once receive() returns
        }
    }

    @Test
    void dnsQueryIsRfc1035AndDefaultsToSoaForTheRoot() {
        assertThat(HexFormat.of().formatHex(DnsProbe.query(0x1234, ".", 6)))
                .isEqualTo("123401000001000000000000" + "00" + "0006" + "0001");
        assertThat(HexFormat.of().formatHex(DnsProbe.query(1, "www.example.com", 1)))
                .isEqualTo("000101000001000000000000" + "03777777076578616d706c6503636f6d00" + "0001" + "0001");
        assertThat(DnsProbe.query(1, "example.com.", 1)).isEqualTo(DnsProbe.query(1, "example.com", 1));
    }

    @Test
    void dnsCheckSucceedsOnAMatchingAnswerAndFailsOtherwise() throws Exception {
        Dns dns = new Dns();
        assertThat(new DnsProbe(dns.options(), null, null).run().success()).isTrue();
        byte[] q = dns.queries.getFirst();
        assertThat(q[q.length - 3]).isEqualTo((byte) 6); // SOA
        assertThat(new DnsProbe(dns.options(), "A", "www.example.com").run().success()).isTrue();

        dns.mode = Dns.Mode.WRONG_ID_THEN_ANSWER;
        assertThat(new DnsProbe(dns.options(), "AAAA", "example.com").run().success()).isTrue();
        dns.mode = Dns.Mode.SERVFAIL;
        assertThat(new DnsProbe(dns.options(), null, null).run().detail()).endsWith("read error occurred. (rcode = 2)");
        dns.mode = Dns.Mode.SILENT;
        long t0 = System.nanoTime();
        assertThat(new DnsProbe(dns.options(), null, null).run().detail()).endsWith("read timeout from socket");
        assertThat((System.nanoTime() - t0) / 1_000_000).isBetween(TIMEOUT.toMillis() - 50, TIMEOUT.toMillis() + 800);
        int port = dns.socket.getLocalPort();
        dns.close();
        ProbeResult closed = new DnsProbe(ConnectOptions.to(new InetSocketAddress(LO, port), TIMEOUT), null, null).run();
        assertThat(closed.success()).isFalse();
        assertThat(closed.detail()).contains("Connection refused");
    }

    /** A UDP responder answering fixed bytes, or silent. */
    final class Udp implements AutoCloseable {
        final DatagramSocket socket = new DatagramSocket(new InetSocketAddress(LO, 0));
        final List<byte[]> received = new CopyOnWriteArrayList<>();
        volatile byte[] reply;

        Thread receiver;

        Udp() throws IOException {
            closeables.add(this);
            receiver = Thread.ofVirtual().start(() -> {
                byte[] buf = new byte[2048];
                while (!socket.isClosed()) {
                    try {
                        DatagramPacket p = new DatagramPacket(buf, buf.length);
                        socket.receive(p);
                        received.add(java.util.Arrays.copyOf(buf, p.getLength()));
                        byte[] r = reply;
                        if (r != null) socket.send(new DatagramPacket(r, r.length, p.getSocketAddress()));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        ConnectOptions options() {
            return ConnectOptions.to(new InetSocketAddress(LO, socket.getLocalPort()), TIMEOUT);
        }

        @Override
        public void close() throws InterruptedException {
            socket.close();
            receiver.join(2000); // the port is released once receive() returns
        }
    }

    @Test
    void hexStringsParseLikeKeepalived() {
        HexPattern p = HexPattern.parse("Ab12f 3 456 546443123", false);
        assertThat(HexFormat.of().formatHex(p.data())).isEqualTo("ab120f034506546443120" + "3");
        HexPattern w = HexPattern.parse("12 xA Bx", true);
        assertThat(w.matches(new byte[] {0x12, (byte) 0xfa, (byte) 0xb7}, 3)).isTrue();
        assertThat(w.matches(new byte[] {0x12, (byte) 0xfb, (byte) 0xb7}, 3)).isFalse();
        assertThat(w.matches(new byte[] {0x12}, 1)).isTrue(); // only min(received, pattern) octets compared
    }

    @Test
    void udpCheckWithoutAndWithRequiredReply() throws Exception {
        Udp udp = new Udp();
        // Silence is success without require_reply; the default payload is keepalived's.
        assertThat(new UdpProbe(udp.options(), null, false, null, 0, 255).run().success()).isTrue();
        assertThat(new String(udp.received.getFirst(), StandardCharsets.US_ASCII))
                .isEqualTo("keepalived check - keepalived ch");
        // With require_reply, silence fails.
        assertThat(new UdpProbe(udp.options(), new byte[] {1, 2}, true, null, 0, 255).run().success()).isFalse();
        udp.reply = new byte[] {(byte) 0xca, (byte) 0xfe, 0x01, 0x02};
        HexPattern pattern = HexPattern.parse("CAFE xx 02", true);
        assertThat(new UdpProbe(udp.options(), new byte[] {1}, true, pattern, 0, 255).run().success()).isTrue();
        assertThat(new UdpProbe(udp.options(), new byte[] {1}, true, HexPattern.parse("CAFF", true), 0, 255)
                .run().detail()).endsWith("reply data mismatch.");
        assertThat(new UdpProbe(udp.options(), new byte[] {1}, true, pattern, 5, 255).run().success()).isFalse();
        assertThat(new UdpProbe(udp.options(), new byte[] {1}, true, pattern, 0, 3).run().success()).isFalse();
        assertThat(new UdpProbe(udp.options(), new byte[] {1}, true, null, 0, 255).run().success()).isTrue();
        // A closed port answers ICMP port unreachable: failure, with or without require_reply.
        int port = udp.socket.getLocalPort();
        udp.close();
        ConnectOptions closed = ConnectOptions.to(new InetSocketAddress(LO, port), TIMEOUT);
        ProbeResult refused = new UdpProbe(closed, null, false, null, 0, 255).run();
        assertThat(refused.success()).isFalse();
        assertThat(refused.detail()).isEqualTo("UDP connection to [127.0.0.1]:udp:" + port + " failed (Connection refused).");
    }
}
