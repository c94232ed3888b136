package halo.lvs;

/**
 * A service's persistence (keepalived's persistence_timeout and persistence_granularity; ipvsadm's {@code -p} and
 * {@code -M}): connections from one client (or one client network) go to the same real server while a template
 * lives.
 *
 * @param timeoutSeconds how long a template outlives its last connection; 0 = not persistent
 * @param netmask        the granularity: for IPv4 a netmask as a 32-bit number (0xffffffff = each client on its
 *                       own, the kernel's default), for IPv6 a prefix length (128 by default). Kept as IPVS keeps
 *                       it, since keepalived accepts any dotted IPv4 mask.
 */
public record Persistence(int timeoutSeconds, int netmask) {
    /** keepalived's persistence_timeout written without a value; also IPVS's default for {@code -p} alone. */
    public static final int DEFAULT_TIMEOUT = 360;
    public static final int HOST_MASK_V4 = 0xffffffff;
    public static final int HOST_PREFIX_V6 = 128;

    public Persistence {
        if (timeoutSeconds < 0) throw new IllegalArgumentException("negative persistence timeout: " + timeoutSeconds);
    }

    /** Not persistent, with the host granularity IPVS reports for such a service. */
    public static Persistence none(boolean ipv6) {
        return new Persistence(0, ipv6 ? HOST_PREFIX_V6 : HOST_MASK_V4);
    }

    public static Persistence of(int timeoutSeconds, boolean ipv6) {
        return new Persistence(timeoutSeconds, ipv6 ? HOST_PREFIX_V6 : HOST_MASK_V4);
    }

    public boolean persistent() {
        return timeoutSeconds > 0;
    }

    /**
     * Writes ADDRESS masked by the granularity into OUT (same length: 4 or 16 bytes), as the kernel masks a client
     * address for a template (ip_vs_sched_persist: snet = caddr & netmask, ipv6_addr_prefix for IPv6).
     */
    public void mask(byte[] address, byte[] out) {
        if (address.length == 4) {
            for (int i = 0; i < 4; i++) out[i] = (byte) (address[i] & (netmask >>> (24 - 8 * i)));
            return;
        }
        int bits = netmask;
        for (int i = 0; i < 16; i++) {
            int keep = Math.max(0, Math.min(8, bits - 8 * i));
            out[i] = (byte) (address[i] & (0xff00 >>> keep));
        }
    }
}
