package halo.os;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResidentMemoryTest {
    private static final java.util.regex.Pattern MAPPING_HEADER = java.util.regex.Pattern.compile("[0-9a-f]+-[0-9a-f]+ ");
    private static final String MAPS = """
            55d0c0a00000-55d0c0a01000 r--p 00000000 fd:01 1234 /usr/lib/jvm/temurin-25-jdk-amd64/bin/java
            7f0000000000-7f0000400000 r-xp 00100000 fd:01 2345 /usr/lib/jvm/temurin-25-jdk-amd64/lib/server/libjvm.so
            7f0000400000-7f0000800000 r--p 00500000 fd:01 2345 /usr/lib/jvm/temurin-25-jdk-amd64/lib/server/libjvm.so
            7f0000800000-7f0000810000 rw-p 00900000 fd:01 2345 /usr/lib/jvm/temurin-25-jdk-amd64/lib/server/libjvm.so
            7f0001000000-7f0002000000 r--s 00000000 fd:01 3456 /usr/lib/jvm/temurin-25-jdk-amd64/lib/modules
            7f0003000000-7f0003100000 rw-p 00000000 00:00 0
            7f0004000000-7f0004001000 r--p 00000000 00:00 0                          [vvar]
            7ffd00000000-7ffd00021000 rw-p 00000000 00:00 0                          [stack]
            7f0005000000-7f0005001000 r--s 00000000 fd:01 4567 /tmp/file with spaces (deleted)
            not a mapping line
            """;

    @Test
    void onlyReadOnlyNonExecutableFileMappingsAreChosen() {
        List<ResidentMemory.Mapping> chosen = ResidentMemory.readOnlyFileData(ResidentMemory.parseMaps(MAPS));
        assertThat(chosen).extracting(m -> m.permissions() + " " + m.path()).containsExactly(
                "r--p /usr/lib/jvm/temurin-25-jdk-amd64/bin/java",
                "r--p /usr/lib/jvm/temurin-25-jdk-amd64/lib/server/libjvm.so",
                "r--s /usr/lib/jvm/temurin-25-jdk-amd64/lib/modules",
                "r--s /tmp/file with spaces (deleted)");
        assertThat(chosen.get(2).start()).isEqualTo(0x7f0001000000L);
        assertThat(chosen.get(2).length()).isEqualTo(0x1000000L);
    }

    @Test
    void pagesOfAReadOnlyFileMappingLeaveMemoryAndAWritableOneStays() throws IOException {
        assumeTrue(HostOs.isAvailable(), () -> "host layer: " + HostOs.unavailabilityCause());
        // under target/, not /tmp: a tmpfs page has nowhere to go without swap
        Path dir = Files.createDirectories(Path.of("target", "resident-memory-test"));
        Path readOnly = dir.resolve("read-only-" + ProcessHandle.current().pid());
        Path writable = dir.resolve("writable-" + ProcessHandle.current().pid());
        int size = 8 << 20;
        try {
            write(readOnly, size);
            write(writable, size);
            try (FileChannel ro = FileChannel.open(readOnly, StandardOpenOption.READ);
                    FileChannel rw = FileChannel.open(writable, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                MappedByteBuffer a = ro.map(FileChannel.MapMode.READ_ONLY, 0, size);
                MappedByteBuffer b = rw.map(FileChannel.MapMode.READ_WRITE, 0, size);
                long sum = touch(a) + touch(b);
                assertThat(sum).isEqualTo(2L * size / 4096 * 7);
                assertThat(residentKb(readOnly)).as("read-only mapping resident before").isGreaterThan(7 * 1024);
                assertThat(residentKb(writable)).as("writable mapping resident before").isGreaterThan(7 * 1024);

                long advised = ResidentMemory.pageOutReadOnlyFileData();

                assertThat(advised).isGreaterThanOrEqualTo(size);
                assertThat(residentKb(readOnly)).as("read-only mapping resident after").isLessThan(1024);
                assertThat(residentKb(writable)).as("writable mapping resident after").isGreaterThan(7 * 1024);
                assertThat(touch(a)).as("the pages read back the same").isEqualTo((long) size / 4096 * 7);
            }
        } finally {
            Files.deleteIfExists(readOnly);
            Files.deleteIfExists(writable);
        }
    }

    /** A file of SIZE bytes, 7 at every page start, on disk (a dirty page would need writing back first). */
    private static void write(Path file, int size) throws IOException {
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer page = ByteBuffer.allocate(4096);
            page.put(0, (byte) 7);
            for (int off = 0; off < size; off += 4096) {
                page.clear();
                c.write(page, off);
            }
            c.force(true);
        }
    }

    private static long touch(MappedByteBuffer buffer) {
        long sum = 0;
        for (int off = 0; off < buffer.capacity(); off += 4096) {
            sum += buffer.get(off);
        }
        return sum;
    }

    /** Rss of the mapping of FILE in /proc/self/smaps, in kB. */
    private static long residentKb(Path file) throws IOException {
        String name = file.toAbsolutePath().normalize().toString();
        boolean inside = false;
        long rss = -1;
        for (String line : Files.readAllLines(Path.of("/proc/self/smaps"))) {
            if (MAPPING_HEADER.matcher(line).lookingAt()) {
                inside = line.endsWith(" " + name);
            } else if (inside && line.startsWith("Rss:")) {
                rss = Math.max(rss, 0) + Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        assertThat(rss).as("a mapping of " + name + " in /proc/self/smaps").isGreaterThanOrEqualTo(0);
        return rss;
    }
}
