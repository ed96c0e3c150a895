package dev.leadconnector.targets.dynamics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a Dataverse batch may hold, and the one lookup's OData filter. */
class DynamicsRecordsTest {

    final ObjectMapper mapper = new ObjectMapper();
    final DynamicsApi api = new DynamicsApi(new DynamicsApi.Settings("https://org.example", "https://login", "t", "c", "s"), mapper);

    @Test
    void aBatchSizeDataverseWouldRefuseStopsTheStart() {
        assertThat(new DynamicsRecords(api, mapper, 1000)).isNotNull();
        assertThatThrownBy(() -> new DynamicsRecords(api, mapper, 1001)).isInstanceOf(IllegalStateException.class)
                .hasMessage("leads.targets.dynamics.batch.size must be 1 to 1000 (what Dataverse takes per $batch), not 1001");
        assertThatThrownBy(() -> new DynamicsRecords(api, mapper, 0)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theLookupFindsEveryEmailInOneInFilter() {
        assertThat(api.lookupQuery(List.of("a@x.example", "o'brien@y.example"))).isEqualTo(
                "$select=leadid,emailaddress1,statuscode&$filter=Microsoft.Dynamics.CRM.In%28PropertyName%3D%27emailaddress1%27"
                        + "%2CPropertyValues%3D%5B%27a%40x.example%27%2C%27o%27%27brien%40y.example%27%5D%29");
    }

    @Test
    void theNewRecordsIdComesFromODataEntityId() {
        assertThat(DynamicsRecords.idOf("https://org.example/api/data/v9.2/leads(6f1c7a52-5d0e-4c4b-9a5e-2f8d3b1c0a11)"))
                .isEqualTo("6f1c7a52-5d0e-4c4b-9a5e-2f8d3b1c0a11");
        assertThat(DynamicsRecords.idOf(null)).isNull();
    }
}
