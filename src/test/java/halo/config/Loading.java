package halo.config;

import halo.config.source.Diagnostic;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Test helpers: load text or a resource through the real loader, and read diagnostics as the user sees them. */
final class Loading {
    private Loading() {}

    static LoadResult loadText(Path dir, String text) {
        return loadText(dir, text, false);
    }

    static LoadResult loadText(Path dir, String text, boolean strict) {
        try {
            Path f = Files.createTempFile(dir, "keepalived", ".conf");
            Files.writeString(f, text, StandardCharsets.UTF_8);
            return ConfigLoader.load(f, new LoadOptions("test", strict));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** "LINE: keyword" for each keyword Halo reported as accepted but not used, in order. */
    static List<String> notUsed(LoadResult r) {
        return r.diagnostics().stream().filter(d -> d.message().endsWith(NOT_USED))
                .map(d -> d.location().line() + ": " + d.token()).toList();
    }

    static LoadResult loadSeed(String name) {
        return ConfigLoader.load(Path.of("src/test/resources/seeds", name), new LoadOptions("test", false));
    }

    /** The end of Halo's own warning for a keyword keepalived knows and Halo does not act on. */
    static final String NOT_USED = "' is accepted but not used by Halo";

    /**
     * "LINE: message" for every diagnostic of the given severity, in order, but Halo's "accepted but not used"
     * warnings: keepalived's own messages (see {@link #notUsed} for Halo's).
     */
    static List<String> messages(LoadResult r, Diagnostic.Severity severity) {
        return r.diagnostics().stream().filter(d -> d.severity() == severity)
                .filter(d -> !d.message().endsWith(NOT_USED))
                .map(d -> (d.location() == null ? "-" : Integer.toString(d.location().line())) + ": " + d.message())
                .toList();
    }

    static List<String> warnings(LoadResult r) {
        return messages(r, Diagnostic.Severity.WARNING);
    }

    static InetAddress ip(String s) {
        InetAddress a = Addresses.parse(s);
        if (a == null) {
            throw new IllegalArgumentException(s);
        }
        return a;
    }

    static IpPrefix prefix(String s) {
        return Addresses.parsePrefix(s);
    }

    static Duration secs(double s) {
        return Duration.ofNanos(Math.round(s * 1e9));
    }
}
