package halo.lvs.ipvs;

import halo.os.NativeException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A kernel stand-in that records every request and answers from a script: per command, answers queued in order
 * (a dump's messages, or a refusal by errno); a command with nothing queued is acknowledged.
 */
final class FakeTransport implements IpvsTransport {
    static final int FAMILY = 0x1b;

    private sealed interface Answer {}

    private record Messages(List<byte[]> messages) implements Answer {}

    private record Refusal(int errno) implements Answer {}

    final List<byte[]> sent = new ArrayList<>();
    private final Map<Integer, Deque<Answer>> script = new HashMap<>();
    boolean closed;

    FakeTransport answer(int command, byte[]... messages) {
        script.computeIfAbsent(command, c -> new ArrayDeque<>()).add(new Messages(List.of(messages)));
        return this;
    }

    FakeTransport refuse(int command, int errno) {
        script.computeIfAbsent(command, c -> new ArrayDeque<>()).add(new Refusal(errno));
        return this;
    }

    /** The commands sent, by ip_vs.h's names. */
    List<String> commands() {
        return sent.stream().map(m -> IpvsNetlink.commandName(IpvsReplies.command(m))).toList();
    }

    @Override
    public int familyId() {
        return FAMILY;
    }

    @Override
    public List<byte[]> exchange(byte[] request, String what) throws NativeException {
        sent.add(request);
        Deque<Answer> q = script.get(IpvsReplies.command(request));
        Answer a = q == null ? null : q.poll();
        return switch (a) {
            case null -> List.of();
            case Messages m -> m.messages();
            case Refusal r -> throw NativeException.of(what, r.errno(), "");
        };
    }

    @Override
    public void close() {
        closed = true;
    }
}
