package halo.vrrp;

/**
 * Notify scripts of an instance or sync group, as command lines (keepalived splits them into argv at run time). Any
 * may be {@code null}. The state scripts run with their own arguments only; {@code notifyScript} (keyword notify) gets four more:
 * {@code INSTANCE|GROUP name MASTER|BACKUP|FAULT|STOP priority} (priority 0 for a group).
 */
public record NotifyCommands(String notifyMaster, String notifyBackup, String notifyFault, String notifyStop,
                            String notifyScript, String notifyMasterRxLowerPri) {
    public static final NotifyCommands NONE = new NotifyCommands(null, null, null, null, null, null);

    String forState(VrrpState state) {
        return switch (state) {
            case MASTER -> notifyMaster;
            case BACKUP -> notifyBackup;
            case FAULT -> notifyFault;
            case STOP -> notifyStop;
            case INIT -> null;
        };
    }
}
