package halo.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/** A virtual_server_group: address ranges and fwmarks that share one virtual_server definition. */
public record VirtualServerGroup(String name, List<Entry> entries) {
    public VirtualServerGroup {
        entries = List.copyOf(entries);
    }

    public sealed interface Entry {}

    /**
     * {@code IP[-LAST] [PORT]}: addresses {@code first} .. {@code last} (the last byte/group replaced by LAST), one port
     * (0 = all ports).
     *
     * <p>As keepalived reads a range: only the last byte of an IPv4 address (LAST in decimal, at most 255) or the last
     * 16-bit group of an IPv6 address (LAST in hex, at most ffff) varies; the rest of the address is {@code first}'s.
     */
    public record Range(InetAddress first, InetAddress last, int port) implements Entry {

        /**
         * The end of the range {@code first-lastText}: {@code first} with its last byte (IPv4) or group (IPv6) set to
         * LAST; null when LAST is no number, is out of range or is below first's (the range is then skipped).
         */
        static InetAddress end(InetAddress first, String lastText) {
            byte[] b = first.getAddress();
            int value;
            try {
                value = Integer.parseInt(lastText, b.length == 4 ? 10 : 16);
            } catch (NumberFormatException e) {
                return null;
            }
            if (value < lastUnit(b) || value > (b.length == 4 ? 0xff : 0xffff)) {
                return null;
            }
            return withLastUnit(b, value);
        }

        /** Every address of the range, in order: {@code first} alone when {@code last} is null. */
        public List<InetAddress> addresses() {
            byte[] b = first.getAddress();
            int from = lastUnit(b);
            int to = last == null ? from : lastUnit(last.getAddress());
            List<InetAddress> out = new ArrayList<>(Math.max(0, to - from + 1));
            for (int v = from; v <= to; v++) {
                out.add(withLastUnit(b, v));
            }
            return out;
        }

        /** LAST as the configuration writes it ({@code 10} in {@code 192.0.2.1-10}, {@code ff} in {@code 2001:db8::1-ff}). */
        String lastText() {
            byte[] b = last.getAddress();
            return b.length == 4 ? Integer.toString(lastUnit(b)) : Integer.toHexString(lastUnit(b));
        }

        /** The part of an address a range varies: its last byte (IPv4) or its last 16-bit group (IPv6). */
        private static int lastUnit(byte[] b) {
            return b.length == 4 ? b[3] & 0xff : ((b[14] & 0xff) << 8) | (b[15] & 0xff);
        }

        private static InetAddress withLastUnit(byte[] address, int value) {
            byte[] b = address.clone();
            if (b.length == 4) {
                b[3] = (byte) value;
            } else {
                b[14] = (byte) (value >> 8);
                b[15] = (byte) value;
            }
            try {
                return InetAddress.getByAddress(b);
            } catch (UnknownHostException impossible) { // 4 or 16 bytes
                throw new IllegalStateException(impossible);
            }
        }
    }

    /** {@code fwmark N}. */
    public record Fwmark(int mark) implements Entry {}
}
