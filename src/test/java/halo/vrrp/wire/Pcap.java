package halo.vrrp.wire;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Minimal pcap reader for the committed captures: Ethernet (link type 1) frames, returning the IP packets. */
final class Pcap {
    private Pcap() {}

    /** One captured IP packet: the EtherType and the bytes after the Ethernet header. */
    record IpPacket(int etherType, byte[] bytes) {}

    static List<IpPacket> read(String resource) throws IOException {
        try (InputStream in = Pcap.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("missing test resource " + resource);
            }
            return parse(in.readAllBytes(), resource);
        }
    }

    static List<IpPacket> readFile(java.nio.file.Path path) throws IOException {
        return parse(java.nio.file.Files.readAllBytes(path), path.toString());
    }

    private static List<IpPacket> parse(byte[] file, String resource) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(file);
        int magic = buf.order(ByteOrder.BIG_ENDIAN).getInt(0);
        if (magic == 0xa1b2c3d4 || magic == 0xa1b23c4d) {
            buf.order(ByteOrder.BIG_ENDIAN);
        } else if (magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1) {
            buf.order(ByteOrder.LITTLE_ENDIAN);
        } else {
            throw new IOException("not a pcap file: " + resource);
        }
        int linkType = buf.getInt(20);
        if (linkType != 1) {
            throw new IOException("expected Ethernet captures, link type " + linkType);
        }
        List<IpPacket> packets = new ArrayList<>();
        int at = 24;
        while (at + 16 <= file.length) {
            int captured = buf.getInt(at + 8);
            int frame = at + 16;
            int etherType = ((file[frame + 12] & 0xff) << 8) | (file[frame + 13] & 0xff);
            packets.add(new IpPacket(etherType, Arrays.copyOfRange(file, frame + 14, frame + captured)));
            at = frame + captured;
        }
        return packets;
    }
}
