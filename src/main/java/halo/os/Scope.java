package halo.os;

import java.util.Locale;

/** Route and address scopes (RT_SCOPE_*) with the names ip(8) and keepalived.conf use. */
public final class Scope {
    public static final int GLOBAL = 0;
    public static final int SITE = 200;
    public static final int LINK = 253;
    public static final int HOST = 254;
    public static final int NOWHERE = 255;

    private Scope() {}

    /** "global"/"universe", "site", "link", "host", "nowhere" or a number 0..255. */
    public static int parse(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "global", "universe" -> GLOBAL;
            case "site" -> SITE;
            case "link" -> LINK;
            case "host" -> HOST;
            case "nowhere" -> NOWHERE;
            default -> {
                int n = Integer.parseInt(name);
                if (n < 0 || n > 255) {
                    throw new IllegalArgumentException("scope " + name + " is not 0..255");
                }
                yield n;
            }
        };
    }

    public static String name(int scope) {
        return switch (scope) {
            case GLOBAL -> "global";
            case SITE -> "site";
            case LINK -> "link";
            case HOST -> "host";
            case NOWHERE -> "nowhere";
            default -> Integer.toString(scope);
        };
    }
}
