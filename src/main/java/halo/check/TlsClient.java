package halo.check;

import halo.config.SslSettings;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509TrustManager;

/**
 * SSL_GET's TLS context, as keepalived's build_ssl_ctx (check_ssl.c) makes its one context for every SSL_GET checker
 * from the top-level {@code SSL { password, ca, certificate, key }} block:
 * <ul>
 * <li>{@code certificate}: a PEM chain file (SSL_CTX_use_certificate_chain_file): the first certificate is the client
 *     certificate, the rest its chain;</li>
 * <li>{@code key}: the PEM private key (SSL_CTX_use_PrivateKey_file) - PKCS#8, encrypted PKCS#8, PKCS#1 RSA or SEC1
 *     EC, the last two also in OpenSSL's legacy encrypted form - decrypted with {@code password}; it must match the
 *     certificate;</li>
 * <li>{@code ca}: loaded as verify locations (SSL_CTX_load_verify_locations). keepalived never sets a verify mode,
 *     so OpenSSL's SSL_VERIFY_NONE stands: the server's certificate is not verified, with or without {@code ca}.
 *     Halo does the same. What {@code ca} still does in OpenSSL is complete the client's chain when the certificate
 *     file holds the certificate alone; Halo adds the issuers it finds in it likewise.</li>
 * </ul>
 * With a certificate and key, the client certificate is sent whenever the server asks for one, whatever CA names the
 * server lists, as OpenSSL does.
 */
public final class TlsClient {

    private TlsClient() {}

    /** The block could not be loaded: keepalived logs these lines and its checker process stops. */
    public static final class SetupException extends Exception {
        private final List<String> logLines;

        SetupException(List<String> logLines) {
            super(String.join("; ", logLines));
            this.logLines = List.copyOf(logLines);
        }

        /** keepalived's lines, in its order ("SSL error : Cant load key file...", "Error Initialize SSL, ctx Instance", ...). */
        public List<String> logLines() {
            return logLines;
        }
    }

    private static final SSLContext DEFAULT = build(null, null);

    /** The context without an SSL block (keepalived's "autogen" context): no client certificate, no verification. */
    public static SSLContext defaultContext() {
        return DEFAULT;
    }

    /** The context for this SSL block ({@code null}: the default one). */
    public static SSLContext context(SslSettings ssl) throws SetupException {
        if (ssl == null || (ssl.certificate() == null && ssl.key() == null && ssl.caFile() == null)) {
            return DEFAULT;
        }
        List<X509Certificate> chain = List.of();
        PrivateKey key = null;
        if (ssl.certificate() != null) {
            try {
                chain = someCertificates(Path.of(ssl.certificate()));
            } catch (IOException | GeneralSecurityException | RuntimeException e) {
                throw failure("SSL error : Cant load certificate file...", ssl);
            }
        }
        if (ssl.key() != null) {
            try {
                key = privateKey(Path.of(ssl.key()), ssl.password());
                if (!chain.isEmpty() && !matches(key, chain.getFirst())) {
                    throw new GeneralSecurityException("key values mismatch");
                }
            } catch (IOException | GeneralSecurityException | RuntimeException e) {
                throw failure("SSL error : Cant load key file...", ssl);
            }
        }
        List<X509Certificate> authorities = List.of();
        if (ssl.caFile() != null) {
            try {
                authorities = someCertificates(Path.of(ssl.caFile()));
            } catch (IOException | GeneralSecurityException | RuntimeException e) {
                throw failure("SSL error : Cant load CA file...", ssl);
            }
        }
        if (key == null || chain.isEmpty()) {
            // OpenSSL sends no certificate without both halves
            return DEFAULT;
        }
        return build(key, completeChain(chain, authorities));
    }

    private static SetupException failure(String what, SslSettings ssl) {
        // keepalived's init_ssl_ctx lines; the password itself stays out of the log
        return new SetupException(List.of(what, "Error Initialize SSL, ctx Instance",
                "  SSL  keyfile:" + (ssl.key() == null ? "(null)" : ssl.key()),
                "  SSL password:" + (ssl.password() == null ? "(null)" : "(set)"),
                "  SSL   cafile:" + (ssl.caFile() == null ? "(null)" : ssl.caFile()),
                "Terminate..."));
    }

    private static SSLContext build(PrivateKey key, List<X509Certificate> chain) {
        try {
            SSLContext c = SSLContext.getInstance("TLS");
            KeyManager[] keys = key == null ? null : new KeyManager[] {new OneKey(key, chain.toArray(X509Certificate[]::new))};
            c.init(keys, new TrustManager[] {new TrustAll()}, new SecureRandom());
            return c;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** SSL_VERIFY_NONE: the server's certificate is accepted whatever it is, as keepalived's SSL_GET does. */
    private static final class TrustAll implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    /** The one client certificate, offered for any request whose key types it fits (OpenSSL ignores the CA names). */
    private static final class OneKey extends X509ExtendedKeyManager {
        private static final String ALIAS = "client";
        private final PrivateKey key;
        private final X509Certificate[] chain;

        OneKey(PrivateKey key, X509Certificate[] chain) {
            this.key = key;
            this.chain = chain;
        }

        private String choose(String[] keyTypes) {
            String have = key.getAlgorithm();
            for (String t : keyTypes) {
                if (t.equals(have) || ("RSA".equals(have) && t.equals("RSASSA-PSS"))
                        || (t.equals("EdDSA") && (have.equals("Ed25519") || have.equals("Ed448")))) {
                    return ALIAS;
                }
            }
            return null;
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return choose(keyType);
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return choose(keyType);
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return choose(new String[] {keyType}) == null ? null : new String[] {ALIAS};
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return ALIAS.equals(alias) ? chain.clone() : null;
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return ALIAS.equals(alias) ? key : null;
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null;
        }
    }

    /** A certificate file alone: its issuers from the CA file follow it, as OpenSSL builds the chain it sends. */
    static List<X509Certificate> completeChain(List<X509Certificate> chain, List<X509Certificate> authorities) {
        if (chain.size() != 1 || authorities.isEmpty()) {
            return chain;
        }
        List<X509Certificate> out = new ArrayList<>(chain);
        X509Certificate last = chain.getFirst();
        for (int depth = 0; depth < 10 && !selfIssued(last); depth++) {
            X509Certificate issuer = null;
            for (X509Certificate a : authorities) {
                if (a.getSubjectX500Principal().equals(last.getIssuerX500Principal()) && signedBy(last, a)) {
                    issuer = a;
                    break;
                }
            }
            if (issuer == null || out.contains(issuer)) {
                break;
            }
            out.add(issuer);
            last = issuer;
        }
        return out;
    }

    private static boolean selfIssued(X509Certificate c) {
        return c.getSubjectX500Principal().equals(c.getIssuerX500Principal());
    }

    private static boolean signedBy(X509Certificate c, X509Certificate issuer) {
        try {
            c.verify(issuer.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** Whether the key is the certificate's (X509_check_private_key): a signature by it verifies with the certificate. */
    static boolean matches(PrivateKey key, X509Certificate cert) throws GeneralSecurityException {
        String alg = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "DSA" -> "SHA256withDSA";
            case "RSASSA-PSS" -> "RSASSA-PSS";
            default -> key.getAlgorithm(); // Ed25519, Ed448, EdDSA
        };
        byte[] data = "halo key check".getBytes(StandardCharsets.US_ASCII);
        Signature s = Signature.getInstance(alg);
        if (alg.equals("RSASSA-PSS")) {
            s.setParameter(new java.security.spec.PSSParameterSpec("SHA-256", "MGF1",
                    java.security.spec.MGF1ParameterSpec.SHA256, 32, 1));
        }
        s.initSign(key);
        s.update(data);
        byte[] sig = s.sign();
        Signature v = Signature.getInstance(alg);
        if (alg.equals("RSASSA-PSS")) {
            v.setParameter(new java.security.spec.PSSParameterSpec("SHA-256", "MGF1",
                    java.security.spec.MGF1ParameterSpec.SHA256, 32, 1));
        }
        try {
            v.initVerify(cert.getPublicKey());
        } catch (java.security.InvalidKeyException e) {
            return false; // another kind of key than the certificate's
        }
        v.update(data);
        return v.verify(sig);
    }

    // --- PEM ---

    /** One PEM block: its label, its headers (legacy encryption) and its bytes. */
    record Pem(String type, Map<String, String> headers, byte[] der) {}

    static List<Pem> pems(String text) {
        List<Pem> out = new ArrayList<>();
        String[] lines = text.split("\r?\n");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (!line.startsWith("-----BEGIN ") || !line.endsWith("-----")) {
                continue;
            }
            String type = line.substring(11, line.length() - 5);
            Map<String, String> headers = new LinkedHashMap<>();
            StringBuilder b64 = new StringBuilder();
            for (i++; i < lines.length; i++) {
                String l = lines[i].strip();
                if (l.equals("-----END " + type + "-----")) {
                    break;
                }
                int colon = l.indexOf(':');
                if (colon > 0 && b64.isEmpty()) {
                    headers.put(l.substring(0, colon).strip(), l.substring(colon + 1).strip());
                } else {
                    b64.append(l);
                }
            }
            out.add(new Pem(type, headers, Base64.getMimeDecoder().decode(b64.toString())));
        }
        return out;
    }

    /** The certificates in FILE; none is an error. */
    private static List<X509Certificate> someCertificates(Path file) throws IOException, GeneralSecurityException {
        List<X509Certificate> found = certificates(file);
        if (found.isEmpty()) {
            throw new IOException("no certificate in " + file);
        }
        return found;
    }

    static List<X509Certificate> certificates(Path file) throws IOException, GeneralSecurityException {
        CertificateFactory f = CertificateFactory.getInstance("X.509");
        List<X509Certificate> out = new ArrayList<>();
        for (Pem p : pems(Files.readString(file, StandardCharsets.ISO_8859_1))) {
            if (p.type().equals("CERTIFICATE") || p.type().equals("X509 CERTIFICATE")
                    || p.type().equals("TRUSTED CERTIFICATE")) {
                out.add((X509Certificate) f.generateCertificate(new ByteArrayInputStream(p.der())));
            }
        }
        return out;
    }

    /** The first private key in the file (as OpenSSL's PEM_read_bio_PrivateKey), decrypted with {@code password}. */
    static PrivateKey privateKey(Path file, String password) throws IOException, GeneralSecurityException {
        for (Pem p : pems(Files.readString(file, StandardCharsets.ISO_8859_1))) {
            switch (p.type()) {
                case "PRIVATE KEY" -> {
                    return pkcs8(p.der());
                }
                case "ENCRYPTED PRIVATE KEY" -> {
                    return pkcs8(decryptPkcs8(p.der(), password));
                }
                case "RSA PRIVATE KEY" -> {
                    return pkcs8(wrapPkcs8(RSA_ALGORITHM, legacyDecrypt(p, password)));
                }
                case "EC PRIVATE KEY" -> {
                    byte[] sec1 = legacyDecrypt(p, password);
                    return pkcs8(wrapPkcs8(ecAlgorithm(sec1), sec1));
                }
                default -> {
                    // certificates, parameters: not a key
                }
            }
        }
        throw new GeneralSecurityException("no private key in " + file);
    }

    private static PrivateKey pkcs8(byte[] der) throws GeneralSecurityException {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String alg : new String[] {"RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS", "DSA"}) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                // another algorithm
            }
        }
        throw new GeneralSecurityException("unsupported private key");
    }

    private static byte[] decryptPkcs8(byte[] der, String password) throws IOException, GeneralSecurityException {
        if (password == null) {
            throw new GeneralSecurityException("encrypted key without a password");
        }
        EncryptedPrivateKeyInfo info = new EncryptedPrivateKeyInfo(der);
        AlgorithmParameters params = info.getAlgParameters();
        // PBES1 keys name their scheme ("PBEWithSHA1AndDESede"); for PBES2 its parameters do ("PBEWithHmacSHA256AndAES_256")
        String scheme = info.getAlgName();
        if ((scheme.equalsIgnoreCase("PBES2") || scheme.equals("1.2.840.113549.1.5.13")) && params != null) {
            scheme = params.toString();
        }
        SecretKeyFactory factory = SecretKeyFactory.getInstance(scheme);
        Cipher cipher = Cipher.getInstance(scheme);
        cipher.init(Cipher.DECRYPT_MODE, factory.generateSecret(new PBEKeySpec(password.toCharArray())), params);
        return info.getKeySpec(cipher).getEncoded();
    }

    /**
     * OpenSSL's legacy PEM encryption ({@code Proc-Type: 4,ENCRYPTED}, {@code DEK-Info: AES-128-CBC,IV}): the key is
     * EVP_BytesToKey(MD5, password, salt = the IV's first 8 bytes, one round). Unencrypted blocks come back as they are.
     */
    static byte[] legacyDecrypt(Pem p, String password) throws GeneralSecurityException {
        String procType = p.headers().get("Proc-Type");
        if (procType == null || !procType.contains("ENCRYPTED")) {
            return p.der();
        }
        if (password == null) {
            throw new GeneralSecurityException("encrypted key without a password");
        }
        String[] dek = p.headers().getOrDefault("DEK-Info", "").split(",");
        if (dek.length != 2) {
            throw new GeneralSecurityException("bad DEK-Info");
        }
        byte[] iv = HexFormat.of().parseHex(dek[1].strip());
        String transformation;
        String keyAlg;
        int keyLength;
        switch (dek[0].strip().toUpperCase(java.util.Locale.ROOT)) {
            case "AES-128-CBC" -> { transformation = "AES/CBC/PKCS5Padding"; keyAlg = "AES"; keyLength = 16; }
            case "AES-192-CBC" -> { transformation = "AES/CBC/PKCS5Padding"; keyAlg = "AES"; keyLength = 24; }
            case "AES-256-CBC" -> { transformation = "AES/CBC/PKCS5Padding"; keyAlg = "AES"; keyLength = 32; }
            case "DES-EDE3-CBC" -> { transformation = "DESede/CBC/PKCS5Padding"; keyAlg = "DESede"; keyLength = 24; }
            case "DES-CBC" -> { transformation = "DES/CBC/PKCS5Padding"; keyAlg = "DES"; keyLength = 8; }
            default -> throw new GeneralSecurityException("unsupported PEM cipher " + dek[0]);
        }
        byte[] key = bytesToKey(password.getBytes(StandardCharsets.UTF_8), Arrays.copyOf(iv, 8), keyLength);
        Cipher c = Cipher.getInstance(transformation);
        c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, keyAlg), new IvParameterSpec(iv));
        return c.doFinal(p.der());
    }

    /** EVP_BytesToKey with MD5 and one round: D_i = MD5(D_{i-1} || password || salt). */
    private static byte[] bytesToKey(byte[] password, byte[] salt, int length) throws GeneralSecurityException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] previous = new byte[0];
        while (out.size() < length) {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            md5.update(previous);
            md5.update(password);
            md5.update(salt);
            previous = md5.digest();
            out.writeBytes(previous);
        }
        return Arrays.copyOf(out.toByteArray(), length);
    }

    // --- just enough DER to put PKCS#1 and SEC1 keys into PKCS#8 ---

    /** AlgorithmIdentifier rsaEncryption (1.2.840.113549.1.1.1) with NULL parameters. */
    private static final byte[] RSA_ALGORITHM = HexFormat.of().parseHex("300d06092a864886f70d0101010500");

    private static byte[] wrapPkcs8(byte[] algorithm, byte[] privateKey) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {0x02, 0x01, 0x00}); // version 0
        body.writeBytes(algorithm);
        body.writeBytes(tlv(0x04, privateKey));
        return tlv(0x30, body.toByteArray());
    }

    /** AlgorithmIdentifier id-ecPublicKey (1.2.840.10045.2.1) with the curve named in the SEC1 key's [0] field. */
    private static byte[] ecAlgorithm(byte[] sec1) throws GeneralSecurityException {
        int[] seq = header(sec1, 0);
        if ((sec1[0] & 0xff) != 0x30) {
            throw new GeneralSecurityException("bad EC key");
        }
        int pos = seq[0];
        int end = seq[0] + seq[1];
        while (pos < end) {
            int tag = sec1[pos] & 0xff;
            int[] h = header(sec1, pos);
            if (tag == 0xa0) {
                byte[] curve = Arrays.copyOfRange(sec1, h[0], h[0] + h[1]); // the OID's own TLV
                ByteArrayOutputStream alg = new ByteArrayOutputStream();
                alg.writeBytes(HexFormat.of().parseHex("06072a8648ce3d0201"));
                alg.writeBytes(curve);
                return tlv(0x30, alg.toByteArray());
            }
            pos = h[0] + h[1];
        }
        throw new GeneralSecurityException("EC key without its curve");
    }

    /** {content start, content length} of the TLV at {@code pos}. */
    private static int[] header(byte[] der, int pos) throws GeneralSecurityException {
        if (pos + 2 > der.length) {
            throw new GeneralSecurityException("truncated DER");
        }
        int len = der[pos + 1] & 0xff;
        int start = pos + 2;
        if (len >= 0x80) {
            int n = len & 0x7f;
            if (n == 0 || n > 3 || start + n > der.length) {
                throw new GeneralSecurityException("bad DER length");
            }
            len = 0;
            for (int i = 0; i < n; i++) {
                len = (len << 8) | (der[start + i] & 0xff);
            }
            start += n;
        }
        if (start + len > der.length) {
            throw new GeneralSecurityException("truncated DER");
        }
        return new int[] {start, len};
    }

    private static byte[] tlv(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int n = content.length;
        if (n < 0x80) {
            out.write(n);
        } else if (n < 0x100) {
            out.write(0x81);
            out.write(n);
        } else if (n < 0x10000) {
            out.write(0x82);
            out.write(n >> 8);
            out.write(n);
        } else {
            out.write(0x83);
            out.write(n >> 16);
            out.write(n >> 8);
            out.write(n);
        }
        out.writeBytes(content);
        return out.toByteArray();
    }
}
