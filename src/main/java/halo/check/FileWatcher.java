package halo.check;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Watches FILE_CHECK files (inotify through WatchService, on the file's directory as keepalived does, so a file
 * created, rewritten, moved in or deleted is noticed).
 */
final class FileWatcher implements AutoCloseable {
    private static final Logger LOG = System.getLogger("halo.check");

    private final Consumer<RunningChecker> onChange;
    private final Map<Path, List<RunningChecker>> byFile = new ConcurrentHashMap<>();
    private final Map<Path, WatchKey> dirs = new ConcurrentHashMap<>();
    private WatchService service;
    private Thread thread;

    FileWatcher(Consumer<RunningChecker> onChange) {
        this.onChange = onChange;
    }

    synchronized void watch(RunningChecker c) {
        Path file = c.spec().file().path().toAbsolutePath().normalize();
        try {
            if (service == null) {
                service = FileSystems.getDefault().newWatchService();
                WatchService s = service;
                thread = Thread.ofPlatform().daemon().name("halo-check-files").start(() -> loop(s));
            }
            Path dir = file.getParent();
            if (!dirs.containsKey(dir)) {
                dirs.put(dir, dir.register(service, StandardWatchEventKinds.ENTRY_CREATE,
                        StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE));
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "Track file directory for {0} cannot be watched: {1}", file, e.getMessage());
        }
        byFile.computeIfAbsent(file, k -> new CopyOnWriteArrayList<>()).add(c);
    }

    void unwatch(RunningChecker c) {
        byFile.values().forEach(l -> l.remove(c));
    }

    private void loop(WatchService s) {
        while (true) {
            WatchKey key;
            try {
                key = s.take();
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            }
            Path dir = (Path) key.watchable();
            for (WatchEvent<?> ev : key.pollEvents()) {
                if (ev.kind() == StandardWatchEventKinds.OVERFLOW) {
                    byFile.values().forEach(l -> l.forEach(onChange));
                    continue;
                }
                Path file = dir.resolve((Path) ev.context());
                List<RunningChecker> l = byFile.get(file);
                if (l != null) l.forEach(onChange);
            }
            key.reset();
        }
    }

    @Override
    public synchronized void close() {
        if (service != null) {
            try {
                service.close();
            } catch (IOException e) {
                // closing
            }
            thread.interrupt();
        }
    }
}
