package halo.vrrp.wire;

/** The IP version a VRRP instance runs over; VRRP routers of the two families are independent (RFC 9568 section 1). */
public enum IpFamily {
    IPV4(4),
    IPV6(16);

    /** Bytes in one address of this family. */
    public final int addressLength;

    IpFamily(int addressLength) {
        this.addressLength = addressLength;
    }
}
