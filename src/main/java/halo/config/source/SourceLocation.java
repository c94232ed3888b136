package halo.config.source;

import java.nio.file.Path;

/** Where a piece of configuration text came from: the file (as the user named it, or as an include resolved it) and the 1-based line. */
public record SourceLocation(Path file, int line) {
    @Override
    public String toString() {
        return file + ":" + line;
    }
}
