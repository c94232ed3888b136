package halo.sim;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A fault or repair at a virtual time, as {@code halo simulate --event} takes it: {@code "5s crash node1"}.
 *
 * <pre>
 *   crash NODE                    power cut: no goodbye adverts
 *   restore NODE                  boot again after crash or stop (fresh state, as a restart)
 *   stop NODE                     orderly shutdown: masters send priority 0
 *   fail-script NODE SCRIPT       the vrrp_script now fails at each run
 *   recover-script NODE SCRIPT    the vrrp_script now succeeds
 *   link-down NODE IFACE / link-up NODE IFACE   (track_interface)
 *   partition NODE...             cut those nodes off from the rest
 *   heal                          end every partition
 *   loss P                        packet loss on every segment from now on (0..1)
 * </pre>
 */
public record ScriptedEvent(long atNanos, Kind kind, List<String> args) {

    public enum Kind {
        CRASH(1), RESTORE(1), STOP(1), FAIL_SCRIPT(2), RECOVER_SCRIPT(2), LINK_DOWN(2), LINK_UP(2), PARTITION(-1),
        HEAL(0), LOSS(1);

        final int arity;

        Kind(int arity) {
            this.arity = arity;
        }

        public String word() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    public ScriptedEvent {
        args = List.copyOf(args);
    }

    public static ScriptedEvent parse(String text) {
        String[] w = text.trim().split("\\s+");
        if (w.length < 2) throw new IllegalArgumentException("event '" + text + "': expected TIME ACTION [ARGS]");
        long at = Durations.parseNanos(w[0]);
        Kind kind = null;
        for (Kind k : Kind.values()) if (k.word().equals(w[1].toLowerCase(Locale.ROOT))) kind = k;
        if (kind == null) {
            throw new IllegalArgumentException("event '" + text + "': unknown action '" + w[1] + "' (one of "
                    + String.join(", ", Arrays.stream(Kind.values()).map(Kind::word).toList()) + ")");
        }
        List<String> args = List.of(w).subList(2, w.length);
        if (kind.arity >= 0 ? args.size() != kind.arity : args.isEmpty()) {
            throw new IllegalArgumentException("event '" + text + "': " + kind.word() + " takes "
                    + (kind.arity >= 0 ? kind.arity + " argument(s)" : "one or more nodes"));
        }
        if (kind == Kind.LOSS) {
            double p = Double.parseDouble(args.get(0));
            if (p < 0 || p > 1) throw new IllegalArgumentException("event '" + text + "': loss must be in [0, 1]");
        }
        return new ScriptedEvent(at, kind, args);
    }

    @Override
    public String toString() {
        return Transition.formatMillis(atNanos) + "ms " + kind.word() + (args.isEmpty() ? "" : " " + String.join(" ", args));
    }
}
