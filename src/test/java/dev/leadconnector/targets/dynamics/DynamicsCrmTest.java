package dev.leadconnector.targets.dynamics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.leadconnector.targets.batch.CrmCall;
import dev.leadconnector.targets.batch.Found;
import java.util.LinkedHashSet;
import java.util.List;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/** The one lookup's OData filter, its pages, and the id of a new record. */
class DynamicsCrmTest {

    final DynamicsCrm crm = new DynamicsCrm(new DynamicsCrm.Settings("https://org.example", "https://login", "t", "c", "s"),
            new ObjectMapper());

    @Test
    void theLookupFindsEveryEmailInOneInFilter() {
        assertThat(DynamicsCrm.lookupQuery(new LinkedHashSet<>(List.of("a@x.example", "o'brien@y.example")))).isEqualTo(
                "$select=leadid,emailaddress1,statuscode&$filter=Microsoft.Dynamics.CRM.In%28PropertyName%3D%27emailaddress1%27"
                        + "%2CPropertyValues%3D%5B%27a%40x.example%27%2C%27o%27%27brien%40y.example%27%5D%29");
    }

    @Test
    void aPagedAnswerIsFollowedByItsNextLink() {
        DefaultExchange page = new DefaultExchange(new DefaultCamelContext());
        page.getMessage().setBody("{\"value\":[{\"leadid\":\"1\",\"emailaddress1\":\"A@x.example\",\"statuscode\":2}],"
                + "\"@odata.nextLink\":\"https://org.example/api/data/v9.2/leads?$select=leadid&$skiptoken=%3Ccookie%3E\"}");
        CrmCall next = crm.lookedUp(null, page, new Found());
        assertThat(next.path()).isEqualTo("leads");
        assertThat(next.query()).isEqualTo("$select=leadid&$skiptoken=%3Ccookie%3E");
        page.getMessage().setBody("{\"value\":[]}");
        assertThat(crm.lookedUp(null, page, new Found())).isNull();
    }

    @Test
    void theNewRecordsIdComesFromODataEntityId() {
        assertThat(DynamicsCrm.idOf("https://org.example/api/data/v9.2/leads(6f1c7a52-5d0e-4c4b-9a5e-2f8d3b1c0a11)"))
                .isEqualTo("6f1c7a52-5d0e-4c4b-9a5e-2f8d3b1c0a11");
        assertThat(DynamicsCrm.idOf(null)).isNull();
    }
}
