package halo.daemon;

import halo.observe.MetricsText;
import halo.observe.ProcessMetrics;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The control socket's requests ({@code halo status}, {@code halo lvs}), answered on the control thread: VRRP status
 * is made on the protocol thread (a snapshot of its machines), the virtual-server table by the checker side.
 */
final class ControlRequests implements Function<String, String> {

    private final RunningState state;
    private final EventLoop loop;

    ControlRequests(RunningState state, EventLoop loop) {
        this.state = state;
        this.loop = loop;
    }

    @Override
    public String apply(String request) {
        CompletableFuture<String> reply = new CompletableFuture<>();
        String command = request.strip();
        if (command.equals("lvs")) {
            // the checker side answers on its own thread
            CheckerSide checkerSide = state.checkerSide;
            if (checkerSide == null) {
                return "error: the checker side is not running\n";
            }
            try {
                return checkerSide.snapshotText();
            } catch (RuntimeException e) {
                return "error: " + e.getMessage() + "\n";
            }
        }
        if (command.startsWith(halo.lvs.IpvsadmText.CONTROL_COMMAND + " ")) {
            // halo lvs: an ipvsadm command, run by the checker side against its table
            CheckerSide checkerSide = state.checkerSide;
            return checkerSide == null ? "error: the checker side is not running\n" : checkerSide.ipvsadm(command);
        }
        if (command.equals("metrics")) {
            return metrics();
        }
        // asked here, not on the protocol thread: the checker side answers on its own thread
        CheckerSide.DataPlaneStatus lvs = null;
        if ((command.equals("status") || command.equals("status json")) && state.checkerSide != null) {
            try {
                lvs = state.checkerSide.dataPlaneStatus();
            } catch (RuntimeException e) {
                // the VRRP status still answers
            }
        }
        CheckerSide.DataPlaneStatus lvsStatus = lvs;
        loop.execute(() -> {
            try {
                reply.complete(switch (command) {
                    case "status", "status json" -> StatusView.withLvs(state.host == null ? StatusView.emptyJson()
                            : StatusView.json(state.host, state.lastTransitions), lvsStatus) + "\n";
                    case "status text" -> state.host == null ? "" : StatusView.text(state.host);
                    default -> "unknown command '" + command + "'\n";
                });
            } catch (RuntimeException e) {
                reply.completeExceptionally(e);
            }
        });
        try {
            return reply.get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            return "error: the daemon did not answer: " + e + "\n";
        }
    }

    /**
     * Prometheus's text: the VRRP part written on the protocol thread, the checker side's from its own, the process's
     * here.
     */
    private String metrics() {
        MetricsText m = new MetricsText();
        CompletableFuture<Void> vrrp = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                if (state.host != null) MetricsView.vrrp(m, state.host, state);
                vrrp.complete(null);
            } catch (RuntimeException e) {
                vrrp.completeExceptionally(e);
            }
        });
        try {
            vrrp.get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            return "error: the daemon did not answer: " + e + "\n";
        }
        CheckerSide checkerSide = state.checkerSide;
        if (checkerSide != null) {
            try {
                MetricsView.lvs(m, checkerSide.observed());
            } catch (IllegalStateException e) {
                return "error: " + e.getMessage() + "\n";
            }
        }
        ProcessMetrics.write(m);
        return m.text();
    }
}
