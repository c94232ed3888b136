package halo.check;

/** http_protocol: 1.0 (default), 1.0C (1.0 plus "Connection: close"), 1.1 (which always sends "Connection: close"). */
public enum HttpProtocol {
    HTTP_1_0("1.0"), HTTP_1_0C("1.0C"), HTTP_1_1("1.1");

    private final String keyword;

    HttpProtocol(String keyword) {
        this.keyword = keyword;
    }

    public String keyword() {
        return keyword;
    }

    /** Parses "1.0", "1.0C"/"1.0c", "1.1"; null for anything else ("Invalid http_protocol version"). */
    public static HttpProtocol parse(String s) {
        return switch (s) {
            case "1.0" -> HTTP_1_0;
            case "1.0C", "1.0c" -> HTTP_1_0C;
            case "1.1" -> HTTP_1_1;
            default -> null;
        };
    }
}
