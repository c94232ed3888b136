package halo.os;

import java.util.ArrayList;
import java.util.List;

/** Just enough of ip -j's JSON for tests: the innermost {...} objects of a document, as text. */
final class JsonObjects {
    private JsonObjects() {}

    /** Every object with no object inside it (addr_info entries, routes, rules). */
    static List<String> flat(String json) {
        List<String> out = new ArrayList<>();
        int start = -1;
        boolean inString = false;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (c == '"' && (i == 0 || json.charAt(i - 1) != '\\')) {
                inString = !inString;
            } else if (!inString && c == '{') {
                start = i;
            } else if (!inString && c == '}' && start >= 0) {
                out.add(json.substring(start, i + 1));
                start = -1;
            }
        }
        return out;
    }

    /** The flat objects that contain every one of FRAGMENTS (e.g. "\"local\":\"192.0.2.100\""). */
    static List<String> matching(String json, String... fragments) {
        return flat(json).stream().filter(o -> {
            for (String f : fragments) {
                if (!o.contains(f)) {
                    return false;
                }
            }
            return true;
        }).toList();
    }
}
