package halo.config;

import halo.config.source.Statement;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/** A bfd_instance block, completed into a {@link BfdInstance}. */
final class BfdInstanceBuilder implements ParseContext {
    private final ConfigParser parser;
    final Map<String, KeywordHandler> keywords = new HashMap<>();
    final String name;
    final Statement at;
    InetAddress neighbor;
    InetAddress source;
    Duration minRx = Duration.ofMillis(10);
    Duration minTx = Duration.ofMillis(10);
    Duration idleTx = Duration.ofSeconds(1);
    int multiplier = 5;
    boolean passive;
    int ttl = 255;
    int maxHops;
    int weight;

    BfdInstanceBuilder(ConfigParser parser, String name, Statement at) {
        this.parser = parser;
        this.name = name;
        this.at = at;
        KeywordTable.line(keywords, "neighbor_ip", (BfdInstanceBuilder b, Statement s) -> neighbor = parser.cutAddress(s, 1, "BFD neighbor_ip"));
        keywords.put("neighbour_ip", keywords.get("neighbor_ip"));
        KeywordTable.line(keywords, "source_ip", (BfdInstanceBuilder b, Statement s) -> source = parser.cutAddress(s, 1, "BFD source_ip"));
        KeywordTable.line(keywords, "min_rx", (BfdInstanceBuilder b, Statement s) -> minRx = millis(s, minRx));
        KeywordTable.line(keywords, "min_tx", (BfdInstanceBuilder b, Statement s) -> minTx = millis(s, minTx));
        KeywordTable.line(keywords, "idle_tx", (BfdInstanceBuilder b, Statement s) -> idleTx = millis(s, idleTx));
        KeywordTable.line(keywords, "multiplier", (BfdInstanceBuilder b, Statement s) -> {
            Integer v = parser.integer(s, 1, 1, 255);
            if (v != null) {
                multiplier = v;
            }
        });
        KeywordTable.line(keywords, "passive", (BfdInstanceBuilder b, Statement s) -> passive = true);
        BiConsumer<BfdInstanceBuilder, Statement> ttlHandler = (b, s) -> {
            Integer v = parser.integer(s, 1, 1, 255);
            if (v != null) {
                ttl = v;
            }
        };
        KeywordTable.line(keywords, "ttl", ttlHandler);
        KeywordTable.line(keywords, "hoplimit", ttlHandler);
        KeywordTable.line(keywords, "max_hops", (BfdInstanceBuilder b, Statement s) -> {
            Integer v = parser.integer(s, 1, 0, 255);
            if (v != null) {
                maxHops = v;
            }
        });
        KeywordTable.line(keywords, "weight", (BfdInstanceBuilder b, Statement s) -> {
            Integer v = parser.integer(s, 1, -253, 253);
            if (v != null) {
                weight = v;
            }
        });
        KeywordTable.<BfdInstanceBuilder>line(keywords, "vrrp", (b, s) -> {});
        KeywordTable.<BfdInstanceBuilder>line(keywords, "checker", (b, s) -> {});
    }

    Duration millis(Statement s, Duration current) {
        Long v = parser.number(s, parser.arg(s, 1), 1, 1_000_000);
        return v == null ? current : Duration.ofMillis(v);
    }

    @Override
    public Map<String, KeywordHandler> keywords() {
        return keywords;
    }

    BfdInstance build() {
        if (neighbor == null) {
            parser.warn(at, name, "BFD instance " + name + " has no neighbor_ip - removing");
            return null;
        }
        if (maxHops > ttl) {
            parser.warn(at, name, "BFD instance " + name + ": max_hops exceeds ttl/hoplimit - setting to ttl/hoplimit");
            maxHops = ttl;
        }
        if (source != null && AddressFamily.of(source) != AddressFamily.of(neighbor)) {
            parser.warn(at, name, "BFD instance " + name + " source_ip and neighbor_ip families differ - ignoring source_ip");
            source = null;
        }
        return new BfdInstance(name, neighbor, source, minRx, minTx, idleTx, multiplier, passive, ttl, maxHops, weight);
    }
}
