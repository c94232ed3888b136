package halo.check;

import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One url{} block of HTTP_GET/SSL_GET.
 *
 * @param path        request path, sent as is
 * @param digest      expected MD5 of the body, 32 hex digits, or empty
 * @param statusCodes accepted status codes (default 200-299)
 * @param virtualhost Host header for this url (highest precedence), or empty
 * @param regex       body must (or, with noMatch, must not) match, or empty
 */
public record HttpUrl(String path, Optional<String> digest, StatusCodes statusCodes, Optional<String> virtualhost,
                      Optional<Regex> regex) {

    public HttpUrl {
        Objects.requireNonNull(path);
        Objects.requireNonNull(statusCodes);
        digest = digest.map(d -> d.toLowerCase(Locale.ROOT));
        digest.ifPresent(d -> {
            if (d.length() != 32) {
                throw new IllegalArgumentException("digest '" + d + "' character length should be 32 rather than "
                        + d.length());
            }
            HexFormat.of().parseHex(d);
        });
    }

    public static HttpUrl of(String path) {
        return new HttpUrl(path, Optional.empty(), StatusCodes.DEFAULT, Optional.empty(), Optional.empty());
    }

    public HttpUrl withDigest(String hex) {
        return new HttpUrl(path, Optional.of(hex), statusCodes, virtualhost, regex);
    }

    public HttpUrl withStatusCodes(StatusCodes codes) {
        return new HttpUrl(path, digest, codes, virtualhost, regex);
    }

    public HttpUrl withVirtualhost(String host) {
        return new HttpUrl(path, digest, statusCodes, Optional.of(host), regex);
    }

    public HttpUrl withRegex(Regex r) {
        return new HttpUrl(path, digest, statusCodes, virtualhost, Optional.of(r));
    }

    /**
     * regex, regex_no_match, regex_min_offset, regex_max_offset (-1 when not set; the last offset at which a match
     * may start). keepalived uses PCRE2; Java's Pattern covers the common syntax and the options caseless,
     * multiline, dotall, extended, utf/ucp.
     */
    public record Regex(Pattern pattern, boolean noMatch, long minOffset, long maxOffset) {
        public static Regex of(String pattern) {
            return new Regex(Pattern.compile(pattern), false, 0, -1);
        }

        /** Compiles with keepalived's regex_options names; unknown names are ignored. */
        public static Pattern compile(String pattern, Iterable<String> options) {
            int flags = 0;
            for (String o : options) {
                flags |= switch (o) {
                    case "caseless" -> Pattern.CASE_INSENSITIVE;
                    case "multiline" -> Pattern.MULTILINE;
                    case "dotall" -> Pattern.DOTALL;
                    case "extended" -> Pattern.COMMENTS;
                    case "utf", "ucp" -> Pattern.UNICODE_CASE | Pattern.UNICODE_CHARACTER_CLASS;
                    default -> 0;
                };
            }
            return Pattern.compile(pattern, flags);
        }
    }
}
