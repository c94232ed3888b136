package halo.config.source;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Turns keepalived's logical lines into the statement tree: a line that is a lone {@code {} opens a block for the
 * statement on the line just before it; a lone {@code }} closes the innermost block.
 *
 * <p>As in keepalived's {@code process_stream}: a {@code {} that follows no statement (at the start of a block,
 * after a {@code }}) is reported ({@code Unexpected '{' - ignoring}) and ignored, so the next {@code }} closes the
 * enclosing block; a {@code }} with nothing open is reported ({@code Extra '}' found}). A block still open at the end
 * is reported where it was opened (keepalived: {@code There are N missing '}'s or extra '{'s}). keepalived runs
 * such configurations, so these are warnings.
 *
 * <p>keepalived decides blocks by keyword ({@link BlockShapes}): a block keyword not followed by {@code {} still
 * reads the following lines as its block, up to the next {@code }}; a block of values is flat (a {@code {} in it
 * is a value).
 */
final class TreeBuilder {

    /** Deeper nesting is refused (keepalived has no limit, but nothing real comes close). */
    static final int MAX_DEPTH = 1000;

    private static final class Frame {
        final SourceLocation location;
        final List<String> words;
        final String text;
        final ArrayList<Statement> items = new ArrayList<>();
        /** What keepalived reads in it: keywords, flat values, or (LINE) a block keepalived ignores the braces of. */
        final BlockShapes.Shape shape;

        Frame(SourceLocation location, List<String> words, String text, BlockShapes.Shape shape) {
            this.location = location;
            this.words = words;
            this.text = text;
            this.shape = shape;
        }
    }

    private final Diagnostics diagnostics;
    private final LineReader reader;
    /** Told of each top-level statement as soon as it is complete (its block closed), or null. */
    private final Consumer<Statement> topLevel;
    private final ArrayList<Statement> top = new ArrayList<>();
    private final ArrayList<Frame> open = new ArrayList<>();
    private ArrayList<Statement> current = top;

    // the statement on the previous line, waiting to know whether a block follows
    private SourceLocation pendingLocation;
    private List<String> pendingWords;
    private String pendingText;

    /** keepalived's block_depth: lone braces counted, never below 0. */
    private int braceDepth;

    TreeBuilder(Diagnostics diagnostics, LineReader reader, Consumer<Statement> topLevel) {
        this.diagnostics = diagnostics;
        this.reader = reader;
        this.topLevel = topLevel;
    }

    /** A line the reader has already cut into words (its fast path). */
    void line(String text, List<String> words, SourceLocation location) {
        add(text, words, location);
    }

    void line(String text, SourceLocation location) {
        Words.Split split = Words.split(text, reader.wordTable);
        if (split.error() != null && !location.equals(reader.unterminatedQuoteAt())) {
            diagnostics.warning(location, text, split.error());
        }
        List<String> lineWords = split.words();
        if (lineWords.isEmpty()) return; // keepalived skips the line (and still expects a '{' next)
        add(reader.wordTable.word(text, 0, text.length()), List.copyOf(lineWords), location);
    }

    private void add(String text, List<String> lineWords, SourceLocation location) {
        String first = lineWords.getFirst();
        if (!first.equals("{") && pendingWords != null) {
            openWithoutBrace(location);
        }
        if (!open.isEmpty() && open.getLast().shape == BlockShapes.Shape.VALUES && !first.equals("}")) {
            // alloc_value_block: every line up to the first '}' is a value, a '{' too (read_line still counts it)
            if (first.equals("{")) braceDepth++;
            addToCurrent(new Statement(location, lineWords, null, text));
        } else if (first.equals("{")) {
            open(location);
        } else if (first.equals("}")) {
            close(location);
        } else {
            flushPending();
            pendingLocation = location;
            pendingWords = lineWords;
            pendingText = text;
            if (first.equals("include_check") && !open.isEmpty() && open.getLast().words.getFirst().equals("global_defs")) {
                reader.includeCheckSet(pendingWords, location);
            }
        }
    }

    private void flushPending() {
        if (pendingWords != null) {
            addToCurrent(new Statement(pendingLocation, pendingWords, null, pendingText));
            pendingWords = null;
        }
    }

    private void open(SourceLocation location) {
        braceDepth++;
        if (pendingWords == null) {
            diagnostics.warning(location, "{", "Unexpected '{' - ignoring");
            return;
        }
        openFrame(pendingShape());
    }

    /** The block keepalived would read: the innermost open block of keywords (others are read at its level). */
    private String enclosingBlock() {
        for (int i = open.size() - 1; i >= 0; i--) {
            Frame f = open.get(i);
            if (f.shape == BlockShapes.Shape.KEYWORDS) return f.words.getFirst();
        }
        return "";
    }

    private BlockShapes.Shape pendingShape() {
        return BlockShapes.shape(enclosingBlock(), pendingWords.getFirst());
    }

    /**
     * A line other than '{' follows a keyword: keepalived still reads the lines that follow a block keyword as its
     * block (process_stream's need_bob: "Missing '{' at beginning of configuration block"; alloc_value_block only
     * logs that the '{' is missing), up to the next '}'.
     */
    private void openWithoutBrace(SourceLocation location) {
        BlockShapes.Shape shape = pendingShape();
        if (shape == BlockShapes.Shape.LINE) return;
        if (shape == BlockShapes.Shape.KEYWORDS) {
            diagnostics.warning(location, pendingWords.getFirst(), "Missing '{' at beginning of configuration block");
        } else {
            diagnostics.info(location, pendingWords.getFirst(), "'{' missing from beginning of block "
                    + pendingWords.getFirst());
        }
        openFrame(shape);
    }

    private void openFrame(BlockShapes.Shape shape) {
        if (open.size() >= MAX_DEPTH) {
            diagnostics.fatal(pendingLocation, "{", "blocks nested more than " + MAX_DEPTH + " deep - '{' ignored");
            return;
        }
        Frame frame = new Frame(pendingLocation, pendingWords, pendingText, shape);
        pendingWords = null;
        open.add(frame);
        current = frame.items;
    }

    private void close(SourceLocation location) {
        flushPending();
        boolean extra = braceDepth == 0;
        if (braceDepth > 0) braceDepth--;
        if (extra) {
            // read_line counts braces alone; the '}' still ends the block being read (a block opened without '{')
            diagnostics.warning(location, "}", "Extra '}' found");
        }
        if (open.isEmpty()) {
            if (!extra) {
                // it closes a '{' that was ignored at the top level
                diagnostics.warning(location, "}", "Unknown keyword '}'");
            }
            return;
        }
        closeFrame();
    }

    private void closeFrame() {
        Frame frame = open.removeLast();
        current = open.isEmpty() ? top : open.getLast().items;
        addToCurrent(new Statement(frame.location, frame.words, frame.items, frame.text));
    }

    private void addToCurrent(Statement s) {
        current.add(s);
        if (current == top && topLevel != null) {
            topLevel.accept(s);
        }
    }

    List<Statement> finish() {
        flushPending();
        if (open.isEmpty() && braceDepth > 0) {
            diagnostics.warning(reader.lastLocation(), "{", "There are " + braceDepth + " missing '}'s or extra '{'s");
        }
        while (!open.isEmpty()) {
            Frame frame = open.getLast();
            diagnostics.warning(frame.location, frame.words.getFirst(), "missing '}' at end of configuration: block '"
                    + String.join(" ", frame.words) + "' opened here is not closed");
            closeFrame();
        }
        return List.copyOf(top);
    }
}
