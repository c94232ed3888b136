package halo.check;

import java.util.Arrays;

/**
 * keepalived's HEX_STR (utils.c read_hex_str) for UDP_CHECK payload and require_reply: free format hex, spaces
 * separate groups, digits pair into octets and a lone trailing digit makes its own octet ("Ab12f 3 456" is
 * AB 12 0F 03 45 06). In require_reply, X or x is a wildcard nibble.
 */
public record HexPattern(byte[] data, byte[] mask) {

    public static HexPattern parse(String s, boolean allowWildcard) {
        byte[] data = new byte[(s.length() + 1) / 2];
        byte[] mask = new byte[data.length];
        int len = 0;
        int i = 0;
        while (true) {
            while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) i++;
            if (i >= s.length()) break;
            int v = nibble(s.charAt(i++), allowWildcard);
            if (v < 0 && v != -2) throw new IllegalArgumentException("Invalid hex string '" + s + "'");
            int m = v == -2 ? 0x0f : 0;
            v = Math.max(v, 0);
            if (i < s.length() && s.charAt(i) != ' ') {
                int w = nibble(s.charAt(i++), allowWildcard);
                if (w < 0 && w != -2) throw new IllegalArgumentException("Invalid hex string '" + s + "'");
                m = (m << 4) | (w == -2 ? 0x0f : 0);
                v = (v << 4) | Math.max(w, 0);
            }
            data[len] = (byte) v;
            mask[len] = (byte) m;
            len++;
        }
        if (len == 0) throw new IllegalArgumentException("Invalid hex string '" + s + "'");
        return new HexPattern(Arrays.copyOf(data, len), Arrays.copyOf(mask, len));
    }

    private static int nibble(char c, boolean wildcard) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        if (wildcard && (c == 'x' || c == 'X')) return -2;
        return -1;
    }

    public int length() {
        return data.length;
    }

    /** keepalived's check_udp_reply: the first min(received, pattern) octets must match outside wildcards. */
    public boolean matches(byte[] received, int length) {
        int n = Math.min(length, data.length);
        for (int i = 0; i < n; i++) {
            if (((received[i] ^ data[i]) & ~mask[i] & 0xff) != 0) return false;
        }
        return true;
    }
}
