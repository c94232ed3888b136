package halo.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** keepalived's pid files (-p, -r, -c): Halo is one process, so each holds its pid; removed at exit. */
final class PidFiles {

    private final List<Path> files = new ArrayList<>();

    /** The files to write; null for one not asked for (or whose side does not run). */
    PidFiles(Path... files) {
        for (Path p : files) {
            if (p != null) {
                this.files.add(p);
            }
        }
    }

    void write() throws IOException {
        String pid = ProcessHandle.current().pid() + "\n";
        for (Path p : files) {
            Files.writeString(p, pid);
        }
    }

    void delete() {
        for (Path p : files) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                // nothing to do
            }
        }
    }
}
