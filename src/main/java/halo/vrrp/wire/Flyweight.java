package halo.vrrp.wire;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * What the codec's flyweights share (Agrona's flyweight pattern): a window of {@code length} bytes of a
 * {@link MemorySegment} from {@code offset}, re-pointed with {@code wrap} and read and written in place, big-endian
 * as on the wire. Nothing is copied or allocated.
 */
abstract sealed class Flyweight permits Ipv4Header, VrrpMessage, IpsecAhHeader {
    MemorySegment segment = MemorySegment.NULL;
    long offset;
    int length;

    final void point(MemorySegment segment, long offset, int length) {
        this.segment = segment;
        this.offset = offset;
        this.length = length;
    }

    public final MemorySegment segment() {
        return segment;
    }

    public final long offset() {
        return offset;
    }

    /** Bytes available from {@link #offset()} (what was received, or the room to write in). */
    public final int length() {
        return length;
    }

    final int u8(int at) {
        return segment.get(ValueLayout.JAVA_BYTE, offset + at) & 0xff;
    }

    final void u8(int at, int value) {
        segment.set(ValueLayout.JAVA_BYTE, offset + at, (byte) value);
    }

    final int u16(int at) {
        return (u8(at) << 8) | u8(at + 1);
    }

    final void u16(int at, int value) {
        u8(at, value >>> 8);
        u8(at + 1, value);
    }

    final int u32(int at) {
        return (u16(at) << 16) | u16(at + 2);
    }

    final void u32(int at, int value) {
        u16(at, value >>> 16);
        u16(at + 2, value);
    }
}
