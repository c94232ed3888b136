package halo.vrrp.wire;

/** Addresses as text the way keepalived and tcpdump print them (inet_ntop; IPv6 per RFC 5952). Allocates: for logs. */
public final class AddressText {
    private AddressText() {}

    /** Formats the 4 or 16 bytes of {@code address} at {@code offset}. */
    public static String format(byte[] address, int offset, IpFamily family) {
        StringBuilder sb = new StringBuilder(family == IpFamily.IPV4 ? 15 : 39);
        if (family == IpFamily.IPV4) {
            for (int i = 0; i < 4; i++) {
                sb.append(i == 0 ? "" : ".").append(address[offset + i] & 0xff);
            }
            return sb.toString();
        }
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = (address[offset + 2 * i] & 0xff) << 8 | (address[offset + 2 * i + 1] & 0xff);
        }
        // RFC 5952 4.2: the longest run of two or more zero groups becomes "::" (the first one on a tie).
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLength - 1;
                continue;
            }
            if (i > 0 && sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(groups[i]));
        }
        return sb.toString();
    }
}
