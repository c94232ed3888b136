package halo.daemon;

import static org.assertj.core.api.Assumptions.assumeThat;

import halo.demo.SeedTopology;
import halo.testing.Root;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seeds' directors in network namespaces for a daemon test: made before each test (root only), and removed after
 * it, even when it fails, with every daemon the test started ({@link #nodes}).
 */
abstract class DirectorsLab {
    private final String name;

    @TempDir
    Path dir;

    SeedTopology lan;
    final List<NodeProcess> nodes = new ArrayList<>();

    /** NAME goes into the namespaces' names (SeedTopology makes them unique per run). */
    DirectorsLab(String name) {
        this.name = name;
    }

    @BeforeEach
    void makeDirectors() throws IOException {
        assumeThat(Root.isRoot()).as("needs root for network namespaces").isTrue();
        lan = SeedTopology.directors(name);
    }

    @AfterEach
    void removeDirectors() {
        nodes.forEach(NodeProcess::close);
        if (lan != null) {
            lan.close();
        }
    }
}
