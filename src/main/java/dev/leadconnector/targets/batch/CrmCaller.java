package dev.leadconnector.targets.batch;

import dev.leadconnector.targets.LeadTarget;
import dev.leadconnector.targets.crm.TokenRejectedException;
import java.io.InputStream;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.StreamCache;
import org.apache.camel.support.DefaultExchange;

/**
 * One call to a CRM: the {@link CrmCall} made into a request with the CRM's token
 * ({@link BatchedCrm#authorize}), sent to its endpoint through the target's circuit breaker (the call,
 * with its token refresh, counts once), and its answer checked in the CRM's words ({@link BatchedCrm#check}).
 * When the CRM rejects the token, the call is made once more (the CRM fetches a new one). An open breaker
 * fails the call at once with Resilience4j's CallNotPermittedException, which the retry policy waits out.
 */
final class CrmCaller {

    private final String target;
    private final BatchedCrm crm;
    private final ProducerTemplate producer;
    private final CircuitBreaker breaker;

    CrmCaller(String target, BatchedCrm crm, ProducerTemplate producer, CircuitBreaker breaker) {
        this.target = target;
        this.crm = crm;
        this.producer = producer;
        this.breaker = breaker;
    }

    /** The checked answer, or the call's failure. */
    Exchange call(CrmCall call) throws Exception {
        return breaker.executeCallable(() -> {
            try {
                return answer(call);
            } catch (TokenRejectedException rejected) {
                return answer(call);
            }
        });
    }

    private Exchange answer(CrmCall call) throws Exception {
        Exchange exchange = new DefaultExchange(producer.getCamelContext());
        LeadTarget.set(exchange, target);
        request(exchange.getMessage(), call);
        producer.send(call.uri(), exchange);
        if (exchange.getException() != null) {
            throw exchange.getException();
        }
        // read once: the check and then the lookup or the outcomes each read the answer (no route resets a stream here)
        Object body = exchange.getMessage().getBody();
        if (body instanceof InputStream || body instanceof StreamCache) {
            exchange.getMessage().setBody(exchange.getMessage().getBody(String.class));
        }
        crm.check(call, exchange);
        return exchange;
    }

    /** The request: the call's body, method, path, query, content type and headers, and the CRM's token. */
    private void request(Message message, CrmCall call) {
        message.setBody(call.body());
        set(message, Exchange.HTTP_METHOD, call.method());
        set(message, Exchange.HTTP_PATH, call.path());
        set(message, Exchange.HTTP_QUERY, call.query());
        set(message, Exchange.CONTENT_TYPE, call.contentType());
        message.setHeader("Accept", "application/json");
        call.headers().forEach(message::setHeader);
        crm.authorize(message);
    }

    private static void set(Message message, String header, String value) {
        if (value != null) {
            message.setHeader(header, value);
        }
    }
}
