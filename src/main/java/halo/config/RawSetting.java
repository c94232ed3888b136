package halo.config;

import java.util.List;

/**
 * A keyword keepalived knows that Halo accepts but does not interpret (process tuning, SNMP, D-Bus...):
 * kept in order so dump-conf writes it back.
 */
public record RawSetting(String keyword, List<String> args) {
    public RawSetting {
        args = List.copyOf(args);
    }
}
