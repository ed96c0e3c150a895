package dev.leadconnector.targets.salesforce;

import static dev.leadconnector.support.RunningConnector.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadconnector.support.Fixtures;
import dev.leadconnector.support.RunningConnector;
import dev.leadconnector.targets.salesforce.FakeSalesforce.Received;
import java.io.FileInputStream;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.Signature;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * authentication-type JWT: the connector signs the OAuth 2.0 JWT bearer assertion with the key in
 * leads.targets.salesforce.jwt.keystore, for the user in leads.targets.salesforce.username.
 */
class SalesforceJwtLoginTest {

    @TempDir
    static Path dataDir;
    static Path keystore;
    static FakeSalesforce salesforce;
    static RunningConnector connector;

    @BeforeAll
    static void start() throws Exception {
        keystore = dataDir.resolve("salesforce-jwt.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "connected-app", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=lead-connector", "-storetype", "PKCS12", "-keystore", keystore.toString(),
                "-storepass", "keystore-secret").inheritIO().start();
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS) && keytool.exitValue() == 0).as("keytool").isTrue();

        salesforce = FakeSalesforce.onFreePort();
        salesforce.start();
        connector = RunningConnector.start(dataDir.resolve("data"),
                "leads.targets.salesforce.enabled=true",
                "leads.targets.salesforce.login-url=" + salesforce.url(),
                "leads.targets.salesforce.authentication-type=JWT",
                "leads.targets.salesforce.client-id=" + FakeSalesforce.CLIENT_ID,
                "leads.targets.salesforce.username=integration@contoso.example",
                "leads.targets.salesforce.jwt.keystore=file:" + keystore,
                "leads.targets.salesforce.jwt.keystore-password=keystore-secret");
    }

    @AfterAll
    static void stop() {
        connector.close();
        salesforce.close();
    }

    @Test
    void theConnectorLogsInWithASignedJwtAssertion() throws Exception {
        salesforce.reset();
        salesforce.acceptJwtLogins();
        salesforce.noLead("SELECT Id, Status, Email FROM Lead WHERE Email IN ('j.weber@adatum.example') "
                + "AND IsConverted = false ORDER BY CreatedDate ASC");
        salesforce.creates("00Q5g00000Weber");

        connector.postLead(Fixtures.lead("test-drive-start.json"));
        await().atMost(Duration.ofSeconds(20)).until(() -> salesforce.received().stream()
                .anyMatch(r -> r.method().equals("POST") && r.url().equals(FakeSalesforce.COLLECTIONS) && r.status() == 200));

        Received login = salesforce.received().get(0);
        assertThat(login.url()).isEqualTo("/services/oauth2/token");
        String assertion = formField(login.body(), "assertion");
        String[] jwt = assertion.split("\\.");
        JsonNode claims = json(new String(Base64.getUrlDecoder().decode(jwt[1]), StandardCharsets.UTF_8));
        assertThat(claims.path("iss").asText()).isEqualTo(FakeSalesforce.CLIENT_ID);
        assertThat(claims.path("sub").asText()).isEqualTo("integration@contoso.example");
        assertThat(claims.path("aud").asText()).isEqualTo(salesforce.url());

        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(keystore.toFile())) {
            keys.load(in, "keystore-secret".toCharArray());
        }
        Signature rs256 = Signature.getInstance("SHA256withRSA");
        rs256.initVerify(keys.getCertificate("connected-app"));
        rs256.update((jwt[0] + "." + jwt[1]).getBytes(StandardCharsets.UTF_8));
        assertThat(rs256.verify(Base64.getUrlDecoder().decode(jwt[2]))).as("signed with the keystore's key").isTrue();
    }

    private static String formField(String body, String name) {
        for (String pair : body.split("&")) {
            if (pair.startsWith(name + "=")) {
                return URLDecoder.decode(pair.substring(name.length() + 1), StandardCharsets.UTF_8);
            }
        }
        throw new AssertionError("no " + name + " in " + body);
    }
}
