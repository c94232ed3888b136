package halo.check;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/** Address text as keepalived prints it (inet_ntop): IPv6 compressed, lower case, no scope. */
public final class Addresses {
    private Addresses() {}

    public static String format(InetAddress address) {
        if (address instanceof Inet4Address) return address.getHostAddress();
        byte[] b = address.getAddress();
        int[] words = new int[8];
        for (int i = 0; i < 8; i++) words[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        // inet_ntop: IPv4-mapped addresses print the last 32 bits dotted.
        boolean mapped = words[0] == 0 && words[1] == 0 && words[2] == 0 && words[3] == 0 && words[4] == 0
                && words[5] == 0xffff;
        int limit = mapped ? 6 : 8;
        int bestBase = -1, bestLen = 0;
        for (int i = 0; i < limit; ) {
            if (words[i] == 0) {
                int j = i;
                while (j < limit && words[j] == 0) j++;
                if (j - i > bestLen) {
                    bestBase = i;
                    bestLen = j - i;
                }
                i = j;
            } else {
                i++;
            }
        }
        if (bestLen < 2) bestBase = -1;
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < limit; i++) {
            if (bestBase >= 0 && i >= bestBase && i < bestBase + bestLen) {
                if (i == bestBase) sb.append(':');
                continue;
            }
            if (i != 0) sb.append(':');
            sb.append(Integer.toHexString(words[i]));
        }
        if (bestBase >= 0 && bestBase + bestLen == limit) sb.append(':');
        if (mapped) {
            if (!sb.isEmpty() && sb.charAt(sb.length() - 1) != ':') sb.append(':');
            sb.append(b[12] & 0xff).append('.').append(b[13] & 0xff).append('.').append(b[14] & 0xff).append('.')
                    .append(b[15] & 0xff);
        }
        return sb.toString();
    }

    static boolean isV6(InetAddress address) {
        return address instanceof Inet6Address;
    }
}
