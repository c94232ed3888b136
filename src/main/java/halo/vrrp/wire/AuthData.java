package halo.vrrp.wire;

import java.nio.charset.StandardCharsets;

/**
 * The 8 bytes of VRRPv2 authentication data made from {@code auth_pass}, as keepalived's parser does: the bytes of
 * the password, cut to 8 ("Truncating auth_pass to 8 characters" is logged) or zero-padded to 8. The same bytes are
 * the PASS trailer of the message and the HMAC key for AH.
 */
public final class AuthData {
    private AuthData() {}

    /** keepalived's warning when a password is cut (the config layer prefixes the location). */
    public static final String TRUNCATION_WARNING = "Truncating auth_pass to 8 characters";

    /** The 8 authentication bytes for {@code password}. */
    public static byte[] fromPassword(String password) {
        byte[] bytes = password.getBytes(StandardCharsets.UTF_8);
        byte[] data = new byte[VrrpMessage.AUTH_DATA_LENGTH];
        System.arraycopy(bytes, 0, data, 0, Math.min(bytes.length, data.length));
        return data;
    }

    /** True when {@code password} is longer than 8 bytes, so keepalived would truncate it and warn. */
    public static boolean isTruncated(String password) {
        return password.getBytes(StandardCharsets.UTF_8).length > VrrpMessage.AUTH_DATA_LENGTH;
    }
}
