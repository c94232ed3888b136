package halo.vrrp;

/** Why an instance changed state; recorded with every transition (holo-vrrp style). */
public enum TransitionReason {
    STARTUP("startup"),
    PRIORITY_OWNER("address owner (priority 255)"),
    MASTER_DOWN_TIMER("no advertisement within Master_Down_Interval"),
    MASTER_LEFT("master sent priority 0, Skew_Time elapsed"),
    HIGHER_PRIORITY_ADVERT("advert with higher priority"),
    EQUAL_PRIORITY_HIGHER_ADDRESS("advert with equal priority from a higher address"),
    TRACKER_FAULT("tracked object failed"),
    TRACKER_RECOVERED("tracked objects recovered"),
    SYNC_GROUP("sync group"),
    RELOAD("configuration reload"),
    SHUTDOWN("shutdown");

    private final String text;

    TransitionReason(String text) {
        this.text = text;
    }

    public String text() {
        return text;
    }
}
