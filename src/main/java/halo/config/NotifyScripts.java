package halo.config;

/**
 * Scripts run on state changes. Any may be {@code null}. {@code anyState} (keyword notify) gets four extra arguments
 * ({@code INSTANCE|GROUP name STATE priority}).
 */
public record NotifyScripts(ScriptCommand master, ScriptCommand backup, ScriptCommand fault, ScriptCommand stop,
                            ScriptCommand deleted, ScriptCommand anyState, ScriptCommand masterRxLowerPri) {
    public static final NotifyScripts NONE = new NotifyScripts(null, null, null, null, null, null, null);

    public boolean isEmpty() {
        return equals(NONE);
    }
}
