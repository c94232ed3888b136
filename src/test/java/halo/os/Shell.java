package halo.os;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a command for a test, bounded in time; fails with its stderr when it fails. */
final class Shell {
    private Shell() {}

    static String run(String... command) {
        Result r = exec(command);
        if (r.code != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited " + r.code + ": " + r.err);
        }
        return r.out;
    }

    record Result(int code, String out, String err) {}

    static Result exec(String... command) {
        try {
            Process p = new ProcessBuilder(List.of(command)).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            var out = p.getInputStream().readAllBytes();
            var err = p.getErrorStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " took more than 30 s");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
