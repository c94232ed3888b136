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

    /**
     * keepalived's start-up check: the first of FILES (nulls skipped) that names a live process other than this one,
     * or null. A file naming no live process is removed with keepalived's words, as keepalived removes it.
     */
    static Path running(DaemonLog log, Path... files) {
        long self = ProcessHandle.current().pid();
        for (Path p : files) {
            if (p == null || !Files.exists(p)) {
                continue;
            }
            long pid;
            try {
                pid = Long.parseLong(Files.readString(p).trim());
            } catch (IOException | NumberFormatException e) {
                pid = -1;
            }
            if (pid > 0 && pid != self && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                return p;
            }
            log.info("Remove a zombie pid file " + p);
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                // written over at start-up anyway
            }
        }
        return null;
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
