package dev.leadconnector.intake;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.UrlPathHelper;

/**
 * Checks what can be refused before the lead route runs: the method (405), the sender's token
 * (401), the content type (415) and the size (413, without reading past the limit). The same for
 * every path under the intake path, where route files add intake paths of their own. platform-http would otherwise turn a form
 * post into a 500 and read any body whole. An accepted body is handed on already read.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
public class IntakeGate extends OncePerRequestFilter {

    private static final UrlPathHelper PATHS = new UrlPathHelper();

    static {
        PATHS.setRemoveSemicolonContent(true);
    }

    private final IntakeSettings settings;
    private final ObjectMapper mapper;

    public IntakeGate(IntakeSettings settings, ObjectMapper mapper) {
        this.settings = settings;
        this.mapper = mapper;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !isIntakePath(request);
    }

    /**
     * Whether the request is for the intake path or a path under it (a second intake path that a route
     * file adds, {@code from: platform-http:/leads/partner}), however it is spelt: decided on the path
     * as it is matched (percent-decoded, {@code ;parameters} and doubled slashes dropped), with dot
     * segments resolved, a trailing slash dropped and case ignored. Wider than what reaches the routes,
     * so no spelling gets past the checks; the firewall and the route refuse the odd ones after them.
     */
    private boolean isIntakePath(HttpServletRequest request) {
        String path;
        try {
            path = StringUtils.cleanPath(PATHS.getPathWithinApplication(request));
        } catch (IllegalArgumentException badEncoding) {
            return false; // nothing matches a path that does not decode (Tomcat refuses it first)
        }
        if (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        String intake = settings.path();
        return path.regionMatches(true, 0, intake, 0, intake.length())
                && (path.length() == intake.length() || path.charAt(intake.length()) == '/');
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!"POST".equals(request.getMethod())) {
            response.setHeader(HttpHeaders.ALLOW, "POST");
            refuse(request, response, Problem.of(405, "method-not-allowed", "Method not allowed",
                    "Leads are sent with POST; " + request.getMethod() + " is not supported here.", request.getRequestURI()));
            return;
        }
        if (settings.requiresToken() && !carriesToken(request)) {
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"leads\"");
            refuse(request, response, Problem.of(401, "unauthorized", "Unauthorized",
                    "Send the intake token as the 'code' query parameter or an 'Authorization: Bearer' header.",
                    request.getRequestURI()));
            return;
        }
        if (!isJson(request.getContentType())) {
            refuse(request, response, Problem.of(415, "unsupported-media-type", "Unsupported media type",
                    "Send the lead as application/json, not " + describe(request.getContentType()) + ".", request.getRequestURI()));
            return;
        }
        long limit = settings.maxBodyBytes().toBytes();
        if (request.getContentLengthLong() > limit) {
            refuse(request, response, tooLarge(request, limit));
            return;
        }
        // A declared length is read exactly (the container holds the sender to it); chunked bodies
        // have none: read at most one byte past the limit.
        long declared = request.getContentLengthLong();
        byte[] body = request.getInputStream().readNBytes((int) (declared >= 0 ? declared : Math.min(Integer.MAX_VALUE - 8, limit + 1)));
        if (body.length > limit) {
            refuse(request, response, tooLarge(request, limit));
            return;
        }
        chain.doFilter(new ReadBodyRequest(request, body), response);
    }

    /**
     * The marketplace's URL-only configuration can carry a secret only in the query string
     * ({@code ?code=...}); other senders may use a Bearer header. Compared in constant time.
     */
    private boolean carriesToken(HttpServletRequest request) {
        byte[] expected = settings.token().getBytes(StandardCharsets.UTF_8);
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        String bearer = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorization.substring(7).trim() : null;
        return matches(expected, bearer) | matches(expected, request.getParameter("code"));
    }

    private static boolean matches(byte[] expected, String given) {
        return given != null && MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.UTF_8));
    }

    private static Problem tooLarge(HttpServletRequest request, long limit) {
        return Problem.of(413, "payload-too-large", "Payload too large",
                "A lead may be at most " + limit + " bytes (leads.intake.max-body-bytes).", request.getRequestURI());
    }

    private static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        try {
            MediaType type = MediaType.parseMediaType(contentType);
            return "application".equals(type.getType())
                    && ("json".equals(type.getSubtype()) || "json".equals(type.getSubtypeSuffix()));
        } catch (InvalidMediaTypeException e) {
            return false;
        }
    }

    private static String describe(String contentType) {
        return contentType == null ? "no content type" : "'" + contentType.replaceAll("[^\\x20-\\x7e]", "?") + "'";
    }

    private void refuse(HttpServletRequest request, HttpServletResponse response, Problem problem) throws IOException {
        response.setStatus(problem.status());
        response.setContentType(Problem.MEDIA_TYPE);
        // The rest of a refused body is not read: tell the client this connection ends here.
        if (problem.status() == 413) {
            response.setHeader(HttpHeaders.CONNECTION, "close");
        }
        mapper.writeValue(response.getOutputStream(), problem);
    }

    /** The request with its body already in memory, so the route reads exactly what was checked. */
    static final class ReadBodyRequest extends HttpServletRequestWrapper {
        private final byte[] body;

        ReadBodyRequest(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }

        @Override
        public BufferedReader getReader() {
            Charset charset = getCharacterEncoding() == null ? StandardCharsets.UTF_8 : Charset.forName(getCharacterEncoding());
            return new BufferedReader(new InputStreamReader(getInputStream(), charset));
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }

                @Override
                public byte[] readAllBytes() {
                    return in.readAllBytes(); // one copy of the array, not a buffered read
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("the body is already read");
                }
            };
        }
    }
}
