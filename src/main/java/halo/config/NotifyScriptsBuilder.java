package halo.config;

/** The notify scripts of an instance or sync group, each settable once ({@link VrrpParser#notifyKeywords}). */
final class NotifyScriptsBuilder {
    ScriptCommand master, backup, fault, stop, deleted, any, masterRxLowerPri;

    NotifyScripts build() {
        return new NotifyScripts(master, backup, fault, stop, deleted, any, masterRxLowerPri);
    }
}
