package halo.config.source;

/**
 * The bounds every expansion counts against, so that no input hangs: generated lines and characters (~SEQ, ~LST,
 * multi-line parameters, substitution growth), substitution work against the output; and whether reading stopped.
 */
final class ReadingLimits {
    /**
     * Characters handled by substitution (each substitution and re-check costs the length of its line) may be this
     * plus {@link #WORK_PER_OUTPUT} times the characters of the lines handed out: a template does a few
     * substitutions per line, a definition that feeds itself hundreds on ever longer lines, and is stopped.
     */
    static final long BASE_SUBSTITUTION_WORK = 8L << 20;
    static final int WORK_PER_OUTPUT = 16;

    private final Diagnostics diagnostics;
    private final IncludedFiles files;
    final long maxExpandedLines;
    private long expandedLines;
    /** Characters added by generators, multi-line parameters and substitution growth; bounded like the lines. */
    long expandedChars;
    private boolean stopped;
    long substitutionWork;
    /** Characters of the lines handed out. */
    long outputChars;

    ReadingLimits(Diagnostics diagnostics, IncludedFiles files, long maxExpandedLines) {
        this.diagnostics = diagnostics;
        this.files = files;
        this.maxExpandedLines = maxExpandedLines;
    }

    /** Reading stopped: a bound was exceeded (reported as FATAL) or too many files were opened. */
    boolean stopped() {
        return stopped || files.tooManyFiles();
    }

    void stop() {
        stopped = true;
    }

    /** Counts generated text against the bounds; false (reading stops, FATAL reported) when one is exceeded. */
    boolean countExpanded(int chars) {
        expandedChars += chars;
        if (expandedChars > maxExpandedLines * 32) {
            diagnostics.fatal(files.location(), null, "the configuration expands to more than " + maxExpandedLines * 32
                    + " generated characters (~SEQ, ~LST, parameters) - reading stopped");
            stop();
            return false;
        }
        return countExpanded();
    }

    private boolean countExpanded() {
        if (++expandedLines > maxExpandedLines) {
            diagnostics.fatal(files.location(), null, "the configuration expands to more than " + maxExpandedLines
                    + " generated lines (~SEQ, ~LST, multi-line parameters) - reading stopped");
            stop();
            return false;
        }
        return true;
    }
}
