package dev.leadconnector.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Marketplace payloads for one customer at a time: a fixture with another email and action code. */
public final class TestLeads {

    private static final ObjectMapper JSON = new ObjectMapper();

    private TestLeads() {
    }

    /** The fixture {@code azure-marketplace-ins.json} (Avery Quinn, Fabrikam) with this email and action. */
    public static String lead(String email, String action) {
        try {
            ObjectNode lead = (ObjectNode) JSON.readTree(Fixtures.lead("azure-marketplace-ins.json"));
            ((ObjectNode) lead.get("UserDetails")).put("Email", email);
            lead.put("ActionCode", action);
            return JSON.writeValueAsString(lead);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
