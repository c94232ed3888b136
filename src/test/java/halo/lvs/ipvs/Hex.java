package halo.lvs.ipvs;

import java.util.HexFormat;

/** Byte fixtures written as hex with comments: {@code # ...} to the end of a line is ignored, as is white space. */
final class Hex {
    private Hex() {}

    static byte[] bytes(String text) {
        StringBuilder digits = new StringBuilder();
        for (String line : text.split("\n")) {
            int hash = line.indexOf('#');
            digits.append((hash >= 0 ? line.substring(0, hash) : line).replaceAll("\\s+", ""));
        }
        return HexFormat.of().parseHex(digits.toString());
    }

    static String text(byte[] b) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < b.length; i++) {
            out.append(String.format("%02x", b[i])).append(i % 4 == 3 ? "\n" : " ");
        }
        return out.toString();
    }
}
