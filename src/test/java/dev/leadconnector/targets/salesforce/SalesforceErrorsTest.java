package dev.leadconnector.targets.salesforce;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.util.List;
import org.apache.camel.component.salesforce.api.SalesforceException;
import org.apache.camel.component.salesforce.api.dto.RestError;
import org.junit.jupiter.api.Test;

class SalesforceErrorsTest {

    @Test
    void aRefusedLeadSaysSalesforcesCodeMessageAndFields() {
        Exception translated = SalesforceErrors.translate(new SalesforceException(List.of(
                new RestError("REQUIRED_FIELD_MISSING", "Required fields are missing: [Company]", List.of("Company")),
                new RestError("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", "Country: bad value for restricted picklist field: Narnia",
                        List.of("Country"))), 400));

        assertThat(translated).isExactlyInstanceOf(SalesforceApiException.class).hasMessage("Salesforce answered 400: "
                + "REQUIRED_FIELD_MISSING: Required fields are missing: [Company] [Company]; "
                + "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST: Country: bad value for restricted picklist field: Narnia [Country]");
        SalesforceApiException refused = (SalesforceApiException) translated;
        assertThat(refused.getStatusCode()).isEqualTo(400);
        assertThat(refused.getErrorCode()).isEqualTo("REQUIRED_FIELD_MISSING");
        assertThat(refused.isRetryable()).isFalse();
    }

    @Test
    void theApiLimitIsItsOwnRetryableException() {
        Exception translated = SalesforceErrors.translate(new SalesforceException(List.of(
                new RestError("REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.")), 403));

        assertThat(translated).isInstanceOf(SalesforceRequestLimitException.class)
                .hasMessage("Salesforce answered 403: REQUEST_LIMIT_EXCEEDED: TotalRequests Limit exceeded.");
        assertThat(((SalesforceApiException) translated).isRetryable()).isTrue();
    }

    @Test
    void aServerErrorIsRetryable() {
        Exception translated = SalesforceErrors.translate(new SalesforceException(List.of(
                new RestError("SERVER_UNAVAILABLE", "Server temporarily unavailable")), 503));
        assertThat(((SalesforceApiException) translated).isRetryable()).isTrue();
    }

    @Test
    void noAnswerSaysWhyWithoutTheRequestUrl() {
        Exception translated = SalesforceErrors.translate(new SalesforceException(
                "Unexpected error {0:null} executing {GET:https://x.my.salesforce.com/services/data/v56.0/query/?q=..."
                        + "Email%20%3D%20%27someone%40example.com%27}", 0, new ConnectException("Connection refused")));

        assertThat(translated).isInstanceOf(SalesforceUnreachableException.class)
                .hasMessage("Salesforce did not answer: java.net.ConnectException: Connection refused")
                .hasCauseInstanceOf(ConnectException.class);
    }

    @Test
    void theRawOperationsErrorBodyIsReadAsSalesforcesErrors() {
        Exception translated = SalesforceErrors.translate(new SalesforceException(
                "[{\"message\":\"TotalRequests Limit exceeded.\",\"errorCode\":\"REQUEST_LIMIT_EXCEEDED\"}]", 403));
        assertThat(translated).isInstanceOf(SalesforceRequestLimitException.class)
                .hasMessage("Salesforce answered 403: REQUEST_LIMIT_EXCEEDED: TotalRequests Limit exceeded.");
        assertThat(((SalesforceApiException) translated).isRetryable()).isTrue();

        Exception refused = SalesforceErrors.translate(new SalesforceException("not json at all", 400));
        assertThat(refused).isExactlyInstanceOf(SalesforceApiException.class).hasMessage("Salesforce answered 400");
    }
}
