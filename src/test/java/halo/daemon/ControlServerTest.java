package halo.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlServerTest {

    @TempDir
    Path dir;

    @Test
    void answersEachCommandAndRemovesItsSocketOnClose() throws IOException {
        Path sock = dir.resolve("run/halo.sock");
        try (ControlServer server = ControlServer.start(sock, cmd -> switch (cmd) {
            case "status" -> "{\"instances\":[]}\n";
            default -> "unknown command '" + cmd + "'\n";
        })) {
            assertThat(ControlServer.ask(sock, "status")).isEqualTo("{\"instances\":[]}\n");
            assertThat(ControlServer.ask(sock, "frob")).isEqualTo("unknown command 'frob'\n");
        }
        assertThat(Files.exists(sock)).isFalse();
    }

    @Test
    void largeAnswersArriveWhole() throws IOException {
        Path sock = dir.resolve("halo.sock");
        String big = "x".repeat(300_000) + "\n";
        try (ControlServer server = ControlServer.start(sock, cmd -> big)) {
            assertThat(ControlServer.ask(sock, "lvs")).isEqualTo(big);
        }
    }
}
