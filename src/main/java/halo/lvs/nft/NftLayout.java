package halo.lvs.nft;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Halo's nftables tables as objects (chains with their rules, maps with their elements, dynamic sets, counters), so a
 * change can be written as the commands that turn one layout into the next: objects that stay keep their state (a
 * persistence set's entries, a counter's values), chains and maps whose content changed are flushed and refilled, and
 * everything goes in one buffer, which libnftables commits as one transaction. Pure.
 */
public record NftLayout(List<Table> tables) {
    /** The name of Halo's table in every family it uses. */
    public static final String TABLE = "halo_lvs";
    /** The families Halo may hold a table in; a resync and the cleanup at open and close remove all of them. */
    public static final List<String> FAMILIES = List.of("inet", "netdev");

    public NftLayout {
        tables = List.copyOf(tables);
    }

    /** One family's table, its objects in declaration order (counters and sets before the chains that use them). */
    public record Table(String family, List<NftObject> objects) {
        public Table {
            objects = List.copyOf(objects);
        }
    }

    public sealed interface NftObject {
        String name();

        String kind();
    }

    /** A named counter (packets and bytes). */
    public record Counter(String name) implements NftObject {
        @Override
        public String kind() {
            return "counter";
        }
    }

    /**
     * A set or map whose entries the ruleset writes itself (DECLARATION: its type and flags, without elements), or,
     * when DYNAMIC, one the packet path fills (a persistence set): its entries are never rewritten by Halo.
     */
    public record Collection(String kind, String name, List<String> declaration, List<String> elements,
                             boolean dynamic) implements NftObject {
        public Collection {
            declaration = List.copyOf(declaration);
            elements = List.copyOf(elements);
        }
    }

    /**
     * A conntrack timeout policy ({@code ct timeout NAME { protocol tcp; l3proto ip; policy = { ... } }}); the kernel
     * cannot change one in place, so a new policy is a new object under a new name.
     */
    public record CtTimeout(String name, List<String> declaration) implements NftObject {
        public CtTimeout {
            declaration = List.copyOf(declaration);
        }

        @Override
        public String kind() {
            return "ct timeout";
        }
    }

    /** A chain; HOOK is the base chain's {@code type ... hook ... priority ...; policy accept;} line, or null. */
    public record Chain(String name, String hook, List<String> rules) implements NftObject {
        public Chain {
            rules = List.copyOf(rules);
        }

        @Override
        public String kind() {
            return "chain";
        }
    }

    /** The whole layout as nft's language: every family's table replaced in one go, tables not in it removed. */
    public String replaceAll() {
        StringBuilder s = new StringBuilder();
        s.append(removeAll());
        for (Table t : tables) s.append(render(t));
        return s.toString();
    }

    /** Commands that remove Halo's tables in every family, whether they exist or not. */
    public static String removeAll() {
        StringBuilder s = new StringBuilder();
        for (String family : FAMILIES) {
            // "add" first so that "delete" never fails on a table that is not there
            s.append("add table ").append(family).append(' ').append(TABLE).append('\n');
            s.append("delete table ").append(family).append(' ').append(TABLE).append('\n');
        }
        return s.toString();
    }

    /** One table in nft's declarative form. */
    public static String render(Table t) {
        StringBuilder s = new StringBuilder();
        s.append("table ").append(t.family()).append(' ').append(TABLE).append(" {\n");
        for (NftObject o : t.objects()) {
            switch (o) {
                case Counter c -> s.append("\tcounter ").append(c.name()).append(" {\n\t}\n");
                case CtTimeout c -> {
                    s.append("\tct timeout ").append(c.name()).append(" {\n");
                    for (String line : c.declaration()) s.append("\t\t").append(line).append('\n');
                    s.append("\t}\n");
                }
                case Collection c -> {
                    s.append('\t').append(c.kind()).append(' ').append(c.name()).append(" {\n");
                    for (String line : c.declaration()) s.append("\t\t").append(line).append('\n');
                    if (!c.elements().isEmpty()) {
                        s.append("\t\telements = { ").append(String.join(",\n\t\t\t", c.elements())).append(" }\n");
                    }
                    s.append("\t}\n");
                }
                case Chain c -> {
                    s.append("\tchain ").append(c.name()).append(" {\n");
                    if (c.hook() != null) s.append("\t\t").append(c.hook()).append('\n');
                    for (String rule : c.rules()) s.append("\t\t").append(rule).append('\n');
                    s.append("\t}\n");
                }
            }
        }
        s.append("}\n");
        return s.toString();
    }

    /**
     * The commands that turn OLD into this layout in one transaction: new objects added, changed chains and maps
     * flushed and refilled, removed objects deleted last (their references gone first); dynamic sets and counters
     * that stay are not touched, so persistence entries and counter values survive. Empty when nothing changed. When
     * an object must be replaced rather than refilled (a persistence set's timeout, a base chain's device), the
     * answer is {@link #replaceAll()}.
     */
    public String changesFrom(NftLayout old) {
        Map<String, Table> before = new LinkedHashMap<>();
        for (Table t : old.tables) before.put(t.family(), t);
        Map<String, Table> after = new LinkedHashMap<>();
        for (Table t : tables) after.put(t.family(), t);
        // chains are declared before the maps whose elements jump to them (nft resolves a goto against what the
        // batch declared so far); rules and elements come after every declaration
        StringBuilder chains = new StringBuilder();
        StringBuilder adds = new StringBuilder();
        StringBuilder fills = new StringBuilder();
        StringBuilder unhook = new StringBuilder();
        StringBuilder deletes = new StringBuilder();
        for (Table t : tables) {
            Table previous = before.get(t.family());
            if (previous == null) {
                adds.append(render(t));
                continue;
            }
            String at = t.family() + ' ' + TABLE + ' ';
            // the builder hands back the very objects of a service that did not change: those are skipped by
            // identity, so a checker's change costs its own service's objects, not the whole table's
            java.util.Set<NftObject> kept = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            kept.addAll(previous.objects());
            java.util.Set<NftObject> same = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            List<NftObject> changed = new ArrayList<>();
            for (NftObject o : t.objects()) {
                if (kept.contains(o)) same.add(o);
                else changed.add(o);
            }
            Map<String, NftObject> was = new LinkedHashMap<>();
            for (NftObject p : previous.objects()) {
                if (!same.contains(p)) was.put(p.kind() + " " + p.name(), p);
            }
            Map<String, NftObject> now = new LinkedHashMap<>();
            for (NftObject o : changed) now.put(o.kind() + " " + o.name(), o);
            for (NftObject o : changed) {
                NftObject p = was.get(o.kind() + " " + o.name());
                if (p != null && !replaced(p, o)) {
                    if (!p.equals(o)) fill(fills, at, o);
                    continue;
                }
                if (p != null) {
                    // a set's type or timeout, or a base chain's hook, changed (a service edit): its state cannot
                    // stay, and rules in unchanged chains refer to it, so the whole layout is replaced
                    return replaceAll();
                }
                declare(o instanceof Chain ? chains : adds, at, o);
                fill(fills, at, o);
            }
            List<NftObject> gone = new ArrayList<>();
            for (NftObject p : was.values()) {
                if (!now.containsKey(p.kind() + " " + p.name())) gone.add(p);
            }
            // rules and map elements refer to chains, sets and counters: empty the chains and maps going away first
            for (NftObject p : gone) {
                if (p instanceof Chain || p instanceof Collection c && !c.dynamic()) {
                    unhook.append("flush ").append(p.kind()).append(' ').append(at).append(p.name()).append('\n');
                }
            }
            for (String kind : List.of("map", "chain", "set", "counter", "ct timeout")) {
                for (NftObject p : gone) {
                    if (p.kind().equals(kind)) {
                        deletes.append("delete ").append(kind).append(' ').append(at).append(p.name()).append('\n');
                    }
                }
            }
        }
        for (Table t : old.tables) {
            if (!after.containsKey(t.family())) {
                deletes.append("delete table ").append(t.family()).append(' ').append(TABLE).append('\n');
            }
        }
        return chains.toString() + adds + unhook + fills + deletes;
    }

    /** Whether going from P to O needs a new object rather than new content (a set's declaration, a hook). */
    private static boolean replaced(NftObject p, NftObject o) {
        return switch (o) {
            case Collection c -> !((Collection) p).declaration().equals(c.declaration())
                    || c.dynamic() != ((Collection) p).dynamic();
            case Chain c -> !Objects.equals(((Chain) p).hook(), c.hook());
            case Counter c -> false;
            case CtTimeout c -> !((CtTimeout) p).declaration().equals(c.declaration());
        };
    }

    private static void declare(StringBuilder s, String at, NftObject o) {
        switch (o) {
            case Counter c -> s.append("add counter ").append(at).append(c.name()).append('\n');
            case CtTimeout c -> s.append("add ct timeout ").append(at).append(c.name()).append(" { ")
                    .append(String.join("; ", c.declaration())).append("; }\n");
            case Collection c -> s.append("add ").append(c.kind()).append(' ').append(at).append(c.name()).append(" { ")
                    .append(String.join("; ", c.declaration())).append("; }\n");
            case Chain c -> {
                s.append("add chain ").append(at).append(c.name());
                if (c.hook() != null) s.append(" { ").append(c.hook()).append(" }");
                s.append('\n');
            }
        }
    }

    /** Writes O's content: a chain's rules, a map's elements (after a flush when it existed). */
    private static void fill(StringBuilder s, String at, NftObject o) {
        switch (o) {
            case Counter c -> { }
            case CtTimeout c -> { }
            case Collection c -> {
                if (c.dynamic()) return;
                s.append("flush ").append(c.kind()).append(' ').append(at).append(c.name()).append('\n');
                if (!c.elements().isEmpty()) {
                    s.append("add element ").append(at).append(c.name()).append(" { ")
                            .append(String.join(", ", c.elements())).append(" }\n");
                }
            }
            case Chain c -> {
                s.append("flush chain ").append(at).append(c.name()).append('\n');
                for (String rule : c.rules()) {
                    s.append("add rule ").append(at).append(c.name()).append(' ').append(rule).append('\n');
                }
            }
        }
    }
}
