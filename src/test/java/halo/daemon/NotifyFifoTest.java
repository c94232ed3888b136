package halo.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NotifyFifoTest {

    @TempDir
    Path dir;

    @Test
    void createsTheFifoAndAReaderSeesEachLineInOrder() throws IOException {
        Path path = dir.resolve("keepalived.fifo");
        try (NotifyFifo fifo = NotifyFifo.open(path)) {
            assertThat(Files.exists(path)).isTrue();
            try (BufferedReader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
                fifo.write("INSTANCE \"VI_1\" BACKUP 100");
                fifo.write("INSTANCE \"VI_1\" MASTER 100");
                assertThat(reader.readLine()).isEqualTo("INSTANCE \"VI_1\" BACKUP 100");
                assertThat(reader.readLine()).isEqualTo("INSTANCE \"VI_1\" MASTER 100");
            }
        }
    }

    @Test
    void nobodyReadingNeverBlocksTheWriter() throws IOException {
        Path path = dir.resolve("unread.fifo");
        try (NotifyFifo fifo = NotifyFifo.open(path)) {
            for (int i = 0; i < 20_000; i++) {
                fifo.write("INSTANCE \"VI_" + i + "\" MASTER 100");
            }
            // the pipe (64 KiB) and the queue fill; the rest is dropped instead of blocking
            assertThat(fifo.dropped()).isPositive();
        }
    }

    @Test
    void aFifoItMadeIsRemovedAtCloseOneThatWasThereStays() throws Exception {
        Path made = dir.resolve("made.fifo");
        NotifyFifo fifo = NotifyFifo.open(made);
        assertThat(fifo.created()).isTrue();
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(made))).isEqualTo("rw-------");
        fifo.close();
        assertThat(made).doesNotExist();

        Path existing = dir.resolve("existing.fifo");
        assertThat(new ProcessBuilder("mkfifo", existing.toString()).start().waitFor()).isZero();
        NotifyFifo other = NotifyFifo.open(existing);
        assertThat(other.created()).isFalse();
        other.close();
        assertThat(existing).exists();
    }
}
