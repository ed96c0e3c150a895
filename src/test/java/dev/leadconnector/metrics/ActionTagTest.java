package dev.leadconnector.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The action tag's closed set: the documented codes by name, the marketplace's test marker, the rest as one. */
class ActionTagTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(nullValues = "NULL", value = {
            "StartTestDrive, StartTestDrive",
            "INS, INS",
            "PLT, PLT",
            "Create, Create",
            "DNC, DNC",
            "'ins', INS",
            "' startTESTdrive ', StartTestDrive",
            "MSFT_TEST_636573304831318844, test",
            "msft_test_1, test",
            "'  Msft_Test_x', test",
            "MSFT_TEST, other",
            "UPGRADE, other",
            "Invented17, other",
            "'', other",
            "'INS\nDNC', other",
            "'a\"} 1\nleads_received_total{action=\"x', other",
            "NULL, other"})
    void mapsEveryActionCodeIntoTheClosedSet(String action, String tag) {
        assertThat(ActionTag.of(action)).isEqualTo(tag);
        assertThat(ActionTag.VALUES).contains(tag);
    }

    @ParameterizedTest
    @CsvSource({"StartTestDrive", "INS", "PLT", "Create", "DNC", "test", "other"})
    void theClosedSetIsTheDocumentedCodesTestAndOther(String value) {
        assertThat(ActionTag.VALUES).hasSize(7).contains(value);
    }
}
