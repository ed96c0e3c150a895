package dev.leadconnector.logging;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What the log masking hides, and what it must leave readable. */
class PersonalDataMaskingTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "to priya.raman@wingtip.example today       | to ***@*** today",
            "{\"email\":\"MEI.TANAKA@Northwind.example\"} | {\"email\":\"***@***\"}",
            "phone 919845550111                         | phone ***phone***",
            "call +1 (425) 555-0142 now                 | call ***phone*** now",
            "\"phone\":\"+81 3-5555-0199\"               | \"phone\":\"***phone***\"",
            "\"Phone\":\"34915550123\"                   | \"Phone\":\"***phone***\"",
    })
    void masksEmailsAndPhoneNumbers(String line, String masked) {
        assertThat(PersonalDataMasking.mask(line)).isEqualTo(masked);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "Lead f118194ff7e2b1902f66635d7e5a6188 accepted",
            "Lead 1190234567abcdef1190234567abcdef archived",
            "2026-11-26T16:02:10.117Z  INFO 28700 --- [lead-connector] [nio-8080-exec-1]",
            "Started LeadConnectorApplication in 7.123 seconds (process running for 8.2)",
            "Database is already closed [90121-232]",
            "Apache Camel 4.17.0 (lead-connector) started in 1s234ms",
            "A lead may be at most 65536 bytes",
    })
    void leavesIdsTimesVersionsAndCountsAlone(String line) {
        assertThat(PersonalDataMasking.mask(line)).isEqualTo(line);
    }
}
