package dev.leadconnector.targets.batch;

import dev.leadconnector.targets.crm.TokenRejectedException;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;

/**
 * The steps of the call template (routes/template-crm-call.camel.yaml): a {@link CrmCall} made into the
 * request, and its answer checked by the CRM; a rejected access token makes the call once more.
 */
@Component("crmCalls")
public class CrmCalls {

    /** Whether the call is to be made (again): false once it was answered. */
    static final String AGAIN = "crmCallAgain";
    private static final String ATTEMPT = "crmCallAttempt";

    private final CrmBatch batches;

    public CrmCalls(CrmBatch batches) {
        this.batches = batches;
    }

    /** The request: the call's body, method, path, query, content type and headers, and the CRM's token. */
    public void request(Exchange exchange) {
        Message message = exchange.getMessage();
        CrmCall call = message.getBody() instanceof CrmCall body ? body : exchange.getProperty(CrmBatch.CALL, CrmCall.class);
        exchange.setProperty(CrmBatch.CALL, call);
        exchange.setProperty(ATTEMPT, exchange.getProperty(ATTEMPT, 0, Integer.class) + 1);
        exchange.setProperty(AGAIN, false);
        // a clean request: nothing of the lookup or the call before it
        message.removeHeaders("*");
        message.setBody(call.body());
        set(message, Exchange.HTTP_METHOD, call.method());
        set(message, Exchange.HTTP_PATH, call.path());
        set(message, Exchange.HTTP_QUERY, call.query());
        set(message, Exchange.CONTENT_TYPE, call.contentType());
        message.setHeader("Accept", "application/json");
        call.headers().forEach(message::setHeader);
        batches.crm(exchange).authorize(message);
    }

    /** The CRM's check of the answer; a rejected token, the first time, makes the call once more. */
    public void answered(Exchange exchange) {
        try {
            batches.crm(exchange).check(exchange.getProperty(CrmBatch.CALL, CrmCall.class), exchange);
            exchange.removeProperty(ATTEMPT);
        } catch (TokenRejectedException rejected) {
            if (exchange.getProperty(ATTEMPT, 1, Integer.class) > 1) {
                throw rejected;
            }
            exchange.setProperty(AGAIN, true);
        }
    }

    private static void set(Message message, String header, String value) {
        if (value == null) {
            message.removeHeader(header);
        } else {
            message.setHeader(header, value);
        }
    }
}
