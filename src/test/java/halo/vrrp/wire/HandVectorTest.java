package halo.vrrp.wire;

import static halo.vrrp.wire.Bytes.addr;
import static halo.vrrp.wire.Bytes.hex;
import static halo.vrrp.wire.Bytes.inet;
import static halo.vrrp.wire.Bytes.seg;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** Vectors computed by hand (the sums are in the comments), and HMAC-MD5 against RFC 2202 and the JDK. */
class HandVectorTest {
    private final AdvertEncoder encoder = new AdvertEncoder();
    private final VrrpMessage message = new VrrpMessage();

    private static byte[] encode(WireInstance instance, int priority, byte[] destination) {
        byte[] out = new byte[instance.messageLength()];
        new AdvertEncoder().encodeMessage(instance, priority, seg(out), 0, destination, 0);
        return out;
    }

    /*
     * VRRPv2, VRID 1, priority 100, 1 address 192.0.2.10, no auth, Adver Int 1 s, message only:
     *   words 0x2101 (ver 2, type 1, vrid 1) + 0x6401 (prio 100, count 1) + 0x0001 (auth 0, int 1)
     *       + 0xc000 + 0x020a (192.0.2.10) + 4 x 0x0000 (auth data)
     *   = 0x8502 + 0x0001 = 0x8503; + 0xc000 = 0x14503; + 0x020a = 0x1470d
     *   fold: 0x470d + 0x1 = 0x470e; complement: 0xb8f1
     */
    @Test
    void v2ChecksumByHand() {
        WireInstance w = new WireInstance().version(2).vrid(1).advertIntervalCentis(100)
                .addresses(List.of(inet("192.0.2.10"))).source(inet("192.0.2.1"));
        byte[] bytes = encode(w, 100, null);
        assertThat(hex(bytes)).isEqualTo("21016401" + "0001b8f1" + "c000020a" + "0000000000000000");
        message.wrap(seg(bytes), 0, bytes.length);
        assertThat(VrrpChecksum.verify(message, bytes.length, VrrpChecksum.Form.MESSAGE_ONLY, null, 0, null, 0)).isTrue();
    }

    /*
     * VRRPv2 PASS "secret" (zero-padded to 8), VRID 7, priority 200, 1 address 192.0.2.10, Adver Int 3 s:
     *   0x2107 + 0xc801 + 0x0103 (auth 1, int 3) + 0xc000 + 0x020a
     *   + "secret\0\0" = 0x7365 + 0x6372 + 0x6574 + 0x0000
     *   0x2107 + 0xc801 = 0xe908; + 0x0103 = 0xea0b; + 0xc000 = 0x1aa0b; + 0x020a = 0x1ac15
     *   + 0x7365 = 0x21f7a; + 0x6372 = 0x282ec; + 0x6574 = 0x2e860
     *   fold: 0xe860 + 0x2 = 0xe862; complement: 0x179d
     */
    @Test
    void v2PassChecksumByHand() {
        WireInstance w = new WireInstance().version(2).vrid(7).advertIntervalCentis(300)
                .authentication(VrrpMessage.AUTH_PASS, "secret").addresses(List.of(inet("192.0.2.10")));
        assertThat(hex(encode(w, 200, null))).isEqualTo("2107c801" + "0103179d" + "c000020a" + "7365637265740000");
    }

    /*
     * VRRPv3 over IPv4, VRID 1, priority 100, 1 address 192.0.2.10, Max Adver Int 100 cs, 192.0.2.1 -> 224.0.0.18:
     *   pseudo-header: 0xc000 + 0x0201 (src) + 0xe000 + 0x0012 (dst) + 0x0070 (0, proto 112) + 0x000c (length 12)
     *     = 0xc201 + 0xe000 = 0x1a201; + 0x0012 = 0x1a213; + 0x0070 = 0x1a283; + 0x000c = 0x1a28f
     *   message: 0x3101 + 0x6401 + 0x0064 + 0xc000 + 0x020a
     *     = 0x9502 + 0x0064 = 0x9566; + 0xc000 = 0x15566; + 0x020a = 0x15770
     *   total 0x1a28f + 0x15770 = 0x2f9ff; fold: 0xf9ff + 0x2 = 0xfa01; complement: 0x05fe
     *   v3_checksum_as_v2 (message only): 0x15770 -> 0x5770 + 0x1 = 0x5771 -> complement 0xa88e
     *   old unicast form to 192.0.2.2: same as the multicast one, 0x05fe; new form to 192.0.2.2:
     *     pseudo 0xc000 + 0x0201 + 0xc000 + 0x0202 + 0x0070 + 0x000c = 0x1847f; + 0x15770 = 0x2dbef
     *     fold: 0xdbef + 0x2 = 0xdbf1; complement 0x240e
     */
    @Test
    void v3Ipv4ChecksumsByHand() {
        WireInstance w = new WireInstance().version(3).vrid(1).advertIntervalCentis(100)
                .addresses(List.of(inet("192.0.2.10"))).source(inet("192.0.2.1"));
        assertThat(hex(encode(w, 100, null))).isEqualTo("31016401" + "006405fe" + "c000020a");
        w.checksumAsV2(true);
        assertThat(hex(encode(w, 100, null))).isEqualTo("31016401" + "0064a88e" + "c000020a");
        w.checksumAsV2(false).unicast(true);
        assertThat(hex(encode(w, 100, addr("192.0.2.2")))).isEqualTo("31016401" + "0064240e" + "c000020a");
        w.unicastChecksumCompat(WireInstance.UnicastChecksumCompat.CONFIG);
        assertThat(hex(encode(w, 100, addr("192.0.2.2")))).isEqualTo("31016401" + "006405fe" + "c000020a");
    }

    /*
     * VRRPv3 over IPv6, VRID 1, priority 100, 1 address 2001:db8::100, 100 cs, fe80::1 -> ff02::12, length 24:
     *   pseudo-header: src 0xfe80 + 0x0001 = 0xfe81; dst 0xff02 + 0x0012 = 0xff14;
     *     length 0x0000 + 0x0018; next header 0x0070
     *     0xfe81 + 0xff14 = 0x1fd95; + 0x0018 = 0x1fdad; + 0x0070 = 0x1fe1d
     *   message: 0x3101 + 0x6401 + 0x0064 + 0x2001 + 0x0db8 + 0x0100
     *     = 0x9502; + 0x0064 = 0x9566; + 0x2001 = 0xb567; + 0x0db8 = 0xc31f; + 0x0100 = 0xc41f
     *   total 0x1fe1d + 0xc41f = 0x2c23c; fold: 0xc23c + 0x2 = 0xc23e; complement: 0x3dc1
     */
    @Test
    void v3Ipv6ChecksumByHand() {
        WireInstance w = new WireInstance().family(IpFamily.IPV6).version(3).vrid(1).advertIntervalCentis(100)
                .addresses(List.of(inet("2001:db8::100"))).source(inet("fe80::1"));
        assertThat(hex(encode(w, 100, null))).isEqualTo("31016401" + "00643dc1" + "20010db8000000000000000000000100");
    }

    /*
     * IPv4 header for the v2 vector above as keepalived builds it, id 1, 192.0.2.1 -> 224.0.0.18, total 40:
     *   0x45c0 + 0x0028 + 0x0001 + 0x0000 + 0xff70 (ttl 255, proto 112) + 0xc000 + 0x0201 + 0xe000 + 0x0012
     *   = 0x45e8 + 0x0001 = 0x45e9; + 0xff70 = 0x14559; + 0xc000 = 0x20559; + 0x0201 = 0x2075a;
     *     + 0xe000 = 0x2e75a; + 0x0012 = 0x2e76c; fold: 0xe76c + 0x2 = 0xe76e; complement: 0x1891
     */
    @Test
    void ipv4HeaderByHand() {
        WireInstance w = new WireInstance().version(2).vrid(1).advertIntervalCentis(100)
                .addresses(List.of(inet("192.0.2.10"))).source(inet("192.0.2.1"));
        byte[] out = new byte[40];
        assertThat(encoder.encodeIpv4Datagram(w, 100, 1, seg(out), 0, null, 0)).isEqualTo(40);
        assertThat(hex(out)).isEqualTo("45c00028" + "00010000" + "ff701891" + "c0000201" + "e0000012"
                + "21016401" + "0001b8f1" + "c000020a" + "0000000000000000");
    }

    @Test
    void identificationSkipsZero() {
        assertThat(AdvertEncoder.nextIdentification(0)).isEqualTo(1);
        assertThat(AdvertEncoder.nextIdentification(41)).isEqualTo(42);
        assertThat(AdvertEncoder.nextIdentification(0xffff)).isEqualTo(1);
    }

    @Test
    void passwordsAreTruncatedOrZeroPaddedToEightBytes() {
        assertThat(AuthData.fromPassword("halo-password")).isEqualTo("halo-pas".getBytes(StandardCharsets.US_ASCII));
        assertThat(AuthData.isTruncated("halo-password")).isTrue();
        assertThat(AuthData.fromPassword("abc")).isEqualTo(new byte[] {'a', 'b', 'c', 0, 0, 0, 0, 0});
        assertThat(AuthData.isTruncated("12345678")).isFalse();
    }

    @Test
    void hmacMd5MatchesRfc2202() {
        HmacMd5 hmac = new HmacMd5();
        byte[] out = new byte[16];
        byte[] key1 = new byte[16];
        java.util.Arrays.fill(key1, (byte) 0x0b);
        byte[] data1 = "Hi There".getBytes(StandardCharsets.US_ASCII);
        hmac.key(key1, 0, 16).start().update(data1, 0, data1.length).finish(out, 0);
        assertThat(hex(out)).isEqualTo("9294727a3638bb1c13f48ef8158bfc9d");
        byte[] key2 = "Jefe".getBytes(StandardCharsets.US_ASCII);
        byte[] data2 = "what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII);
        hmac.key(key2, 0, 4).start().update(data2, 0, data2.length).finish(out, 0);
        assertThat(hex(out)).isEqualTo("750c783e6ab0b503eaa86e310a5db738");
    }

    @Test
    void hmacMd5MatchesTheJdkForEveryLengthUpTo300() throws Exception {
        HmacMd5 hmac = new HmacMd5();
        byte[] key = AuthData.fromPassword("ah-key");
        Mac jdk = Mac.getInstance("HmacMD5");
        jdk.init(new SecretKeySpec(key, "HmacMD5"));
        java.util.Random random = new java.util.Random(42);
        byte[] out = new byte[16];
        for (int n = 0; n <= 300; n++) {
            byte[] data = new byte[n];
            random.nextBytes(data);
            int split = n / 3;
            hmac.key(key, 0, key.length).start().update(data, 0, split).update(seg(data), split, n - split).finish(out, 0);
            assertThat(out).as("length %d", n).isEqualTo(jdk.doFinal(data));
        }
        byte[] longKey = new byte[100];
        random.nextBytes(longKey);
        jdk.init(new SecretKeySpec(longKey, "HmacMD5"));
        hmac.key(longKey, 0, longKey.length).start().update(longKey, 0, 50).finish(out, 0);
        assertThat(out).isEqualTo(jdk.doFinal(java.util.Arrays.copyOf(longKey, 50)));
    }

    @Test
    void aByteBufferIsUsedThroughOneSegmentMadeAtSetup() {
        java.nio.ByteBuffer direct = java.nio.ByteBuffer.allocateDirect(64);
        java.lang.foreign.MemorySegment segment = java.lang.foreign.MemorySegment.ofBuffer(direct); // once per buffer
        WireInstance w = new WireInstance().version(2).vrid(1).advertIntervalCentis(100)
                .addresses(List.of(inet("192.0.2.10"))).source(inet("192.0.2.1"));
        int n = encoder.encodeMessage(w, 100, segment, 4, null, 0);
        byte[] written = new byte[n];
        direct.get(4, written);
        assertThat(hex(written)).isEqualTo("21016401" + "0001b8f1" + "c000020a" + "0000000000000000");
        message.wrap(segment, 4, n);
        assertThat(message.priority()).isEqualTo(100);
        assertThat(message.ipv4Address(0)).isEqualTo(0xc000020a);
    }
}
