package halo.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import halo.config.ConfigLoader;
import halo.config.KeepalivedConfig;
import halo.config.LoadOptions;
import halo.config.SslSettings;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SSL_GET with keepalived's SSL{} block against a loopback TLS server that requires a client certificate: the
 * certificate and key (plain, encrypted PKCS#8, OpenSSL's legacy encrypted RSA, SEC1 EC) are presented, the server's
 * own certificate is not verified (keepalived sets no verify mode, with or without ca), ca completes a lone
 * certificate's chain, and what OpenSSL would refuse to load is refused with keepalived's words. Certificates are
 * made with openssl.
 */
class TlsClientTest {

    private static final String PASSWORD = "s3cret pass";

    @TempDir
    static Path dir;

    private static Path file(String name) {
        return dir.resolve(name);
    }

    private static void openssl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add("openssl");
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("openssl " + String.join(" ", args) + ": " + new String(out));
        }
    }

    /** A key and a certificate for SUBJECT signed by ISSUER (its .pem and .key), with the given extensions file. */
    private static void signed(String name, String subject, String issuer, String keyArgs, String ext) throws Exception {
        List<String> req = new ArrayList<>(List.of("req", "-new", "-nodes", "-subj", subject, "-keyout", name + ".key",
                "-out", name + ".csr"));
        req.addAll(List.of(keyArgs.split(" ")));
        openssl(req.toArray(String[]::new));
        List<String> sign = new ArrayList<>(List.of("x509", "-req", "-in", name + ".csr", "-CA", issuer + ".pem",
                "-CAkey", issuer + ".key", "-CAcreateserial", "-days", "2", "-out", name + ".pem"));
        if (ext != null) {
            Files.writeString(file(name + ".ext"), ext);
            sign.addAll(List.of("-extfile", name + ".ext"));
        }
        openssl(sign.toArray(String[]::new));
    }

    @BeforeAll
    static void certificates() throws Exception {
        String ec = "-newkey ec -pkeyopt ec_paramgen_curve:P-256";
        // a CA, and a client certificate it signs
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj",
                "/CN=Halo Test CA", "-days", "2", "-keyout", "ca.key", "-out", "ca.pem",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign");
        signed("client", "/CN=halo-client", "ca", ec, "extendedKeyUsage=clientAuth\n");
        // the same key encrypted (PKCS#8, PBES2), and in SEC1 form
        openssl("pkcs8", "-topk8", "-in", "client.key", "-out", "client-enc.key", "-passout", "pass:" + PASSWORD);
        openssl("ec", "-in", "client.key", "-out", "client-sec1.key");
        // older and other PKCS#8 encryptions: PBES1 (PKCS#12 3DES), PBES2 with HMAC-SHA1 and AES-128
        openssl("pkcs8", "-topk8", "-v1", "PBE-SHA1-3DES", "-in", "client.key", "-out", "client-pbes1.key",
                "-passout", "pass:" + PASSWORD);
        openssl("pkcs8", "-topk8", "-v2", "aes-128-cbc", "-v2prf", "hmacWithSHA1", "-in", "client.key", "-out",
                "client-sha1.key", "-passout", "pass:" + PASSWORD);
        // an RSA client key in OpenSSL's legacy encrypted PEM (Proc-Type/DEK-Info), with its certificate
        openssl("genrsa", "-traditional", "-aes128", "-passout", "pass:" + PASSWORD, "-out", "rsa.key", "2048");
        openssl("req", "-new", "-key", "rsa.key", "-passin", "pass:" + PASSWORD, "-subj", "/CN=halo-rsa-client",
                "-out", "rsa.csr");
        openssl("x509", "-req", "-in", "rsa.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2",
                "-out", "rsa.pem");
        // a key that is not the client certificate's
        openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "other.key");
        // an intermediate CA under the CA, and a leaf under the intermediate
        signed("inter", "/CN=Halo Test Intermediate", "ca", ec, "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign\n");
        signed("leaf", "/CN=halo-leaf-client", "inter", ec, "extendedKeyUsage=clientAuth\n");
        Files.writeString(file("authorities.pem"), Files.readString(file("inter.pem")) + Files.readString(file("ca.pem")));
        // the server: a self-signed certificate nobody's CA file has (keytool, as the other TLS tests)
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname",
                "secp256r1", "-dname", "CN=unverified.example", "-validity", "2", "-keystore",
                file("server.p12").toString(), "-storetype", "PKCS12", "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        assertThat(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0).as("keytool").isTrue();
        // what we test is what we think it is
        assertThat(Files.readString(file("client.key"))).contains("BEGIN PRIVATE KEY");
        assertThat(Files.readString(file("client-enc.key"))).contains("BEGIN ENCRYPTED PRIVATE KEY");
        assertThat(Files.readString(file("client-sec1.key"))).contains("BEGIN EC PRIVATE KEY");
        assertThat(Files.readString(file("rsa.key"))).contains("BEGIN RSA PRIVATE KEY", "Proc-Type: 4,ENCRYPTED",
                "DEK-Info: AES-128-CBC");
    }

    /** The server's context: its self-signed certificate; it trusts client certificates of the CA only. */
    private static SSLContext serverContext() throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file("server.p12"))) {
            keys.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, "changeit".toCharArray());
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(file("ca.pem")))));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return c;
    }

    private static TestWebServer mutualTlsServer() throws Exception {
        TestWebServer s = new TestWebServer(InetAddress.getLoopbackAddress(), serverContext(), true);
        s.respond(TestWebServer.ok("for certified clients"));
        return s;
    }

    private static ProbeResult sslGet(TestWebServer server, SSLContext tls) {
        HttpUrl url = HttpUrl.of("/").withDigest(HexMd5.of("for certified clients"));
        return new HttpProbe(ConnectOptions.to(server.address(), Duration.ofSeconds(5)), true, HttpProtocol.HTTP_1_0,
                Optional.empty(), false, List.of(url), tls).check(0);
    }

    private static SslSettings ssl(String password, String ca, String certificate, String key) {
        return new SslSettings(password, ca == null ? null : file(ca).toString(),
                certificate == null ? null : file(certificate).toString(), key == null ? null : file(key).toString());
    }

    @Test
    void theSslBlocksCertificateIsPresentedToAServerThatRequiresOne() throws Exception {
        try (TestWebServer server = mutualTlsServer()) {
            // without the block: no certificate, the server refuses the handshake
            assertThat(sslGet(server, TlsClient.defaultContext()).success()).isFalse();
            // with it: the check passes, the server saw our certificate; its own certificate (self-signed, not from
            // ca) is not verified, as keepalived does not verify it
            ProbeResult r = sslGet(server, TlsClient.context(ssl(null, "ca.pem", "client.pem", "client.key")));
            assertThat(r.success()).as(r.detail()).isTrue();
            assertThat(server.clientSubjects).containsExactly("CN=halo-client");
            // ca is not needed for that
            assertThat(sslGet(server, TlsClient.context(ssl(null, null, "client.pem", "client.key"))).success()).isTrue();
        }
    }

    @Test
    void encryptedAndOlderKeyFormatsLoadAsOpenSslLoadsThem() throws Exception {
        try (TestWebServer server = mutualTlsServer()) {
            assertThat(sslGet(server, TlsClient.context(ssl(PASSWORD, null, "client.pem", "client-enc.key"))).success())
                    .as("encrypted PKCS#8").isTrue();
            assertThat(sslGet(server, TlsClient.context(ssl(null, null, "client.pem", "client-sec1.key"))).success())
                    .as("SEC1 EC").isTrue();
            assertThat(sslGet(server, TlsClient.context(ssl(PASSWORD, null, "client.pem", "client-pbes1.key"))).success())
                    .as("PBES1 PKCS#8").isTrue();
            assertThat(sslGet(server, TlsClient.context(ssl(PASSWORD, null, "client.pem", "client-sha1.key"))).success())
                    .as("PBES2 HMAC-SHA1 AES-128 PKCS#8").isTrue();
            assertThat(sslGet(server, TlsClient.context(ssl(PASSWORD, null, "rsa.pem", "rsa.key"))).success())
                    .as("legacy encrypted RSA").isTrue();
            assertThat(server.clientSubjects).containsExactly("CN=halo-client", "CN=halo-client", "CN=halo-client",
                    "CN=halo-client", "CN=halo-rsa-client");
        }
    }

    @Test
    void aLoneCertificatesChainIsCompletedFromTheCaFile() throws Exception {
        try (TestWebServer server = mutualTlsServer()) {
            // the server trusts the root only: the intermediate must come from us
            assertThat(sslGet(server, TlsClient.context(ssl(null, null, "leaf.pem", "leaf.key"))).success()).isFalse();
            assertThat(sslGet(server, TlsClient.context(ssl(null, "authorities.pem", "leaf.pem", "leaf.key"))).success())
                    .isTrue();
            assertThat(server.clientSubjects).containsExactly("CN=halo-leaf-client");
        }
    }

    @Test
    void whatOpenSslCannotLoadIsRefusedWithKeepalivedsWords() throws Exception {
        assertThatThrownBy(() -> TlsClient.context(ssl(PASSWORD, null, "client.pem", "other.key")))
                .isInstanceOfSatisfying(TlsClient.SetupException.class, e -> assertThat(e.logLines())
                        .startsWith("SSL error : Cant load key file...", "Error Initialize SSL, ctx Instance")
                        .doesNotContain(PASSWORD).last().isEqualTo("Terminate..."));
        assertThatThrownBy(() -> TlsClient.context(ssl("wrong", null, "client.pem", "client-enc.key")))
                .isInstanceOfSatisfying(TlsClient.SetupException.class,
                        e -> assertThat(e.logLines().getFirst()).isEqualTo("SSL error : Cant load key file..."));
        assertThatThrownBy(() -> TlsClient.context(ssl(null, null, "client.pem", "client-enc.key")))
                .isInstanceOfSatisfying(TlsClient.SetupException.class,
                        e -> assertThat(e.logLines().getFirst()).isEqualTo("SSL error : Cant load key file..."));
        assertThatThrownBy(() -> TlsClient.context(ssl(null, null, "missing.pem", "client.key")))
                .isInstanceOfSatisfying(TlsClient.SetupException.class,
                        e -> assertThat(e.logLines().getFirst()).isEqualTo("SSL error : Cant load certificate file..."));
        assertThatThrownBy(() -> TlsClient.context(ssl(null, "client.key", "client.pem", "client.key")))
                .isInstanceOfSatisfying(TlsClient.SetupException.class,
                        e -> assertThat(e.logLines().getFirst()).isEqualTo("SSL error : Cant load CA file..."));
    }

    @Test
    void theConfigurationsSslBlockReachesItsSslGetCheckers() throws Exception {
        try (TestWebServer server = mutualTlsServer()) {
            String checker = """
                    virtual_server 192.0.2.10 443 {
                        protocol TCP
                        real_server %s %d {
                            SSL_GET {
                                url {
                                    path /
                                    digest %s
                                }
                                connect_timeout 5
                            }
                        }
                    }
                    """.formatted(server.address().getAddress().getHostAddress(), server.port(),
                    HexMd5.of("for certified clients"));
            String block = "SSL {\n    certificate %s\n    key %s\n    password \"%s\"\n}\n"
                    .formatted(file("client.pem"), file("client-enc.key"), PASSWORD);
            ConfigCheckers.Built built = ConfigCheckers.build(load(block + checker), (v, r, c) -> "rs");
            assertThat(built.errors()).isEmpty();
            assertThat(built.specs()).hasSize(1);
            assertThat(built.specs().getFirst().http().check(0).success()).isTrue();
            assertThat(server.clientSubjects).containsExactly("CN=halo-client");

            // a block that cannot load stops the checkers, as keepalived's checker process stops
            String broken = "SSL {\n    certificate %s\n    key %s\n}\n".formatted(file("client.pem"), file("other.key"));
            assertThat(ConfigCheckers.build(load(broken + checker), (v, r, c) -> "rs").errors())
                    .startsWith("SSL error : Cant load key file...");
            // and only SSL_GET needs it
            assertThat(ConfigCheckers.build(load(broken), (v, r, c) -> "rs").errors()).isEmpty();
        }
    }

    private static KeepalivedConfig load(String text) throws IOException {
        Path f = Files.createTempFile(dir, "keepalived", ".conf");
        Files.writeString(f, text);
        var loaded = ConfigLoader.load(f, new LoadOptions("test", false));
        assertThat(loaded.config()).as(loaded.diagnostics().toString()).isNotNull();
        return loaded.config();
    }

    /** The hex MD5 keepalived's digest keyword holds. */
    private static final class HexMd5 {
        static String of(String body) {
            try {
                return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5")
                        .digest(body.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
