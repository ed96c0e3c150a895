package dev.leadconnector.desk;

/** The desk's one way of putting text into a page: every lead text goes through {@link #text}. */
final class Html {

    private Html() {
    }

    /** The text, safe in an element's content and in a double-quoted attribute. */
    static String text(Object value) {
        if (value == null) {
            return "";
        }
        String s = String.valueOf(value);
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** A query-string value. */
    static String param(String value) {
        return java.net.URLEncoder.encode(value == null ? "" : value, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** A link to a CRM record, only when it is http(s): a javascript: or data: link is no link. */
    static String safeLink(String url) {
        return url != null && (url.startsWith("https://") || url.startsWith("http://")) ? text(url) : null;
    }
}
