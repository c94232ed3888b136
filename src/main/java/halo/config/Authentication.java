package halo.config;

/**
 * VRRPv2 authentication (RFC 2338 section 5.3.6; removed in RFC 3768 but keepalived still speaks it).
 *
 * @param type     PASS (simple text password) or AH (IPsec AH, HMAC-MD5-96)
 * @param password the password, already truncated to 8 characters as keepalived does
 */
public record Authentication(Type type, String password) {
    public enum Type { PASS, AH }
}
