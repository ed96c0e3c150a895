package dev.leadconnector.targets.batch;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One call to a CRM, as the call route ({@code <target>-call}) makes it: the endpoint, then the HTTP
 * method, path, query, content type and body (each left out when null), extra headers, and the leads
 * whose outcomes its answer gives, in request order.
 *
 * @param uri the Camel endpoint ({@code http://...?throwExceptionOnFailure=false}, {@code salesforce:raw})
 * @param method the HTTP method, or null when the endpoint's own headers say it
 */
public record CrmCall(String uri, String method, String path, String query, String contentType, String body,
                      Map<String, Object> headers, List<Ticket> leads) {

    public CrmCall {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        leads = leads == null ? List.of() : List.copyOf(leads);
    }

    public static CrmCall get(String uri, String path, String query) {
        return new CrmCall(uri, "GET", path, query, null, null, null, null);
    }

    public static CrmCall post(String uri, String path, String contentType, String body) {
        return new CrmCall(uri, "POST", path, null, contentType, body, null, null);
    }

    /** The same call, with this query. */
    public CrmCall query(String query) {
        return new CrmCall(uri, method, path, query, contentType, body, headers, leads);
    }

    /** The same call, with one more header. */
    public CrmCall header(String name, Object value) {
        Map<String, Object> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new CrmCall(uri, method, path, query, contentType, body, more, leads);
    }

    /** The same call, carrying these leads' records (its answer gives their outcomes). */
    public CrmCall carrying(List<Ticket> tickets) {
        return new CrmCall(uri, method, path, query, contentType, body, headers, tickets);
    }
}
