package halo.os;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads the frames of a classic pcap file (what tcpdump -w writes). */
final class Pcap {
    private Pcap() {}

    static List<byte[]> frames(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file));
        if (b.remaining() < 24) {
            return List.of();
        }
        int magic = b.order(ByteOrder.LITTLE_ENDIAN).getInt(0);
        if (magic != 0xa1b2c3d4 && magic != 0xa1b23c4d) {
            b.order(ByteOrder.BIG_ENDIAN);
        }
        List<byte[]> out = new ArrayList<>();
        int at = 24;
        while (at + 16 <= b.limit()) {
            int len = b.getInt(at + 8);
            if (at + 16 + len > b.limit()) {
                break;
            }
            byte[] frame = new byte[len];
            b.get(at + 16, frame);
            out.add(frame);
            at += 16 + len;
        }
        return out;
    }
}
