package halo.os;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Gives back the resident pages of read-only, non-executable file mappings once the daemon has started: the JVM's
 * relocation and symbol tables, read-only data and the class image (lib/modules) are read while it starts and
 * seldom after (about 5 MB of a 52 MB idle daemon; under 1 MB comes back). madvise(MADV_PAGEOUT, Linux 5.4) does
 * what memory pressure would do later. Code is left alone: a page the protocol thread needs at failover time must
 * not wait for a disk read. Pages shared with another process stay (the kernel skips them).
 */
public final class ResidentMemory {
    static final int MADV_PAGEOUT = 21;

    private ResidentMemory() {}

    /** One line of /proc/self/maps, as far as the choice needs it. */
    record Mapping(long start, long end, String permissions, String path) {
        /** Backed by a file, neither writable nor executable: clean pages the kernel can read again. */
        boolean readOnlyFileData() {
            return path.startsWith("/") && permissions.length() >= 3 && permissions.charAt(0) == 'r'
                    && permissions.charAt(1) == '-' && permissions.charAt(2) == '-';
        }

        long length() {
            return end - start;
        }
    }

    /** Parses /proc/PID/maps text ("start-end perms offset dev inode [path]"); malformed lines are skipped. */
    static List<Mapping> parseMaps(String text) {
        List<Mapping> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("\\s+", 6);
            if (f.length < 5) {
                continue;
            }
            int dash = f[0].indexOf('-');
            if (dash <= 0) {
                continue;
            }
            try {
                long start = Long.parseUnsignedLong(f[0], 0, dash, 16);
                long end = Long.parseUnsignedLong(f[0], dash + 1, f[0].length(), 16);
                out.add(new Mapping(start, end, f[1], f.length == 6 ? f[5] : ""));
            } catch (NumberFormatException e) {
                // not a mapping line
            }
        }
        return out;
    }

    /** The mappings {@link #pageOutReadOnlyFileData()} would advise. */
    static List<Mapping> readOnlyFileData(List<Mapping> maps) {
        return maps.stream().filter(Mapping::readOnlyFileData).toList();
    }

    /**
     * Advises the kernel to page out this process's read-only file data now. Returns the bytes of address space
     * advised (not all of it was resident). Throws when /proc is unreadable or the kernel refuses (before 5.4:
     * EINVAL).
     */
    public static long pageOutReadOnlyFileData() throws IOException {
        HostOs.ensureAvailable();
        long advised = 0;
        for (Mapping m : readOnlyFileData(parseMaps(Files.readString(Path.of("/proc/self/maps"))))) {
            pageOut(m.start(), m.length(), m.path());
            advised += m.length();
        }
        return advised;
    }

    /** madvise(ADDRESS, LENGTH, MADV_PAGEOUT); a range unmapped meanwhile (ENOMEM) is not an error. */
    static void pageOut(long address, long length, String what) throws NativeException {
        MemorySegment cs = Native.capture();
        int rc;
        try {
            rc = (int) Madvise.MADVISE.invokeExact(cs, MemorySegment.ofAddress(address), length, MADV_PAGEOUT);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
        if (rc < 0 && Native.errno(cs) != Errno.ENOMEM.number()) {
            throw NativeException.of("madvise(MADV_PAGEOUT)", Native.errno(cs), what);
        }
    }

    /** Linked on first use: only the daemon needs it. */
    private static final class Madvise {
        // int madvise(void *addr, size_t length, int advice)
        @SuppressWarnings("restricted")
        static final MethodHandle MADVISE = Native.LINKER.downcallHandle(
                Native.LIBC.find("madvise").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT),
                Linker.Option.captureCallState("errno"));
    }
}
