package dev.leadconnector.targets.dynamics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The body of an OData {@code $batch} (OData 4.0 part 1, 11.7.7): multipart/mixed whose parts are
 * whole HTTP messages ({@code Content-Type: application/http}), requests going out and responses
 * coming back, one per part, in order. Written and read here as text, with CRLF line ends.
 */
public final class HttpParts {

    private static final String CRLF = "\r\n";
    private static final Pattern BOUNDARY = Pattern.compile("boundary=\"?([^\";]+)\"?", Pattern.CASE_INSENSITIVE);
    private static final Pattern STATUS_LINE = Pattern.compile("HTTP/\\d\\.\\d (\\d{3}).*");

    private HttpParts() {
    }

    /** One embedded HTTP message: its start line (request or status line), headers (lower-case names) and body. */
    public record Part(String startLine, Map<String, String> headers, String body) {

        /** The status of a response part, or 0 when the start line is no status line. */
        public int status() {
            Matcher status = STATUS_LINE.matcher(startLine);
            return status.matches() ? Integer.parseInt(status.group(1)) : 0;
        }

        /** A header's value by case-insensitive name, or null. */
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** A request part: {@code <method> <url> HTTP/1.1}, its headers and body (none when null). */
    public static Part request(String method, String url, Map<String, String> headers, String body) {
        return new Part(method + " " + url + " HTTP/1.1", headers, body == null ? "" : body);
    }

    /** The multipart body of these parts, each an independent request (no change set). */
    public static String write(String boundary, List<Part> parts) {
        StringBuilder out = new StringBuilder();
        for (Part part : parts) {
            out.append("--").append(boundary).append(CRLF)
                    .append("Content-Type: application/http").append(CRLF)
                    .append("Content-Transfer-Encoding: binary").append(CRLF)
                    .append(CRLF)
                    .append(part.startLine()).append(CRLF);
            part.headers().forEach((name, value) -> out.append(name).append(": ").append(value).append(CRLF));
            out.append(CRLF).append(part.body()).append(CRLF);
        }
        return out.append("--").append(boundary).append("--").append(CRLF).toString();
    }

    /** The boundary named in a multipart Content-Type, or null. */
    public static String boundary(String contentType) {
        Matcher boundary = contentType == null ? null : BOUNDARY.matcher(contentType);
        return boundary != null && boundary.find() ? boundary.group(1).trim() : null;
    }

    /**
     * The embedded HTTP messages of a multipart body, in order. The boundary comes from the
     * Content-Type; when that says none, from the body's first delimiter line.
     */
    public static List<Part> read(String contentType, String body) {
        String text = body == null ? "" : body.replace("\r\n", "\n");
        String boundary = boundary(contentType);
        if (boundary == null) {
            int start = text.indexOf("--");
            int end = text.indexOf('\n', start);
            if (start < 0 || end < 0) {
                throw new IllegalArgumentException("not a multipart body");
            }
            boundary = text.substring(start + 2, end).trim();
        }
        List<Part> parts = new ArrayList<>();
        String delimiter = "--" + boundary;
        String[] sections = text.split(Pattern.quote(delimiter), -1);
        // sections[0] is the preamble; a section starting with "--" is the close delimiter's epilogue
        for (int i = 1; i < sections.length; i++) {
            String section = sections[i];
            if (section.startsWith("--")) {
                break;
            }
            parts.add(message(afterHeaders(section)));
        }
        return parts;
    }

    /** The part's own headers (Content-Type: application/http, ...) are skipped: what follows is the HTTP message. */
    private static String afterHeaders(String section) {
        String withoutLineEnd = section.startsWith("\n") ? section.substring(1) : section;
        int blank = withoutLineEnd.indexOf("\n\n");
        return blank < 0 ? "" : withoutLineEnd.substring(blank + 2);
    }

    private static Part message(String message) {
        int blank = message.indexOf("\n\n");
        String head = blank < 0 ? message : message.substring(0, blank);
        String body = blank < 0 ? "" : message.substring(blank + 2);
        // the line end before the next delimiter belongs to the delimiter (RFC 2046)
        if (body.endsWith("\n")) {
            body = body.substring(0, body.length() - 1);
        }
        String[] lines = head.split("\n");
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
        }
        return new Part(lines[0].trim(), headers, body.strip());
    }
}
