package halo.vrrp.wire;

/**
 * VRRPv2's Auth Type field (RFC 2338 section 5.3.6; RFC 3768 keeps only "0 - No Authentication" and reserves 1 and 2,
 * but keepalived still speaks all three): none, a plain text password, or IPsec AH with HMAC-MD5-96.
 */
public enum AuthType {
    NONE(VrrpMessage.AUTH_NONE),
    PASS(VrrpMessage.AUTH_PASS),
    AH(VrrpMessage.AUTH_AH);

    /** The number in the advert's Auth Type field. */
    public final int wireValue;

    AuthType(int wireValue) {
        this.wireValue = wireValue;
    }
}
