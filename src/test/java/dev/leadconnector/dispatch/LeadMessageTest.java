package dev.leadconnector.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.camel.Exchange;
import org.apache.camel.component.file.GenericFile;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The first step of dispatch: the inbox's file (or a queue's text) read once into the lead's text.
 * LeadMessage reads a file itself instead of through Camel's converter, so these pin what the
 * converter gave: the exact text in the file's charset, and the difference between a file that is
 * gone (the inbox keeps the lead) and a message that is no lead (parked).
 */
class LeadMessageTest {

    private static final String ID = "0123456789abcdef0123456789abcdef";
    private static final String LEAD = """
            {"id":"%s","action":"INS","test":false,
             "customer":{"firstName":"Zoë","lastName":"Müller-Łukasiewicz","company":"東京 Trading ✓"},
             "offer":{"id":"contoso.analytics","title":"Contoso Analytics – Suite"}}""".formatted(ID);
    /** The same lead in characters ISO-8859-1 has. */
    private static final String LATIN = LEAD.replace("東京 Trading ✓", "Société Générale").replace("–", "-").replace("Ł", "L");

    @TempDir
    Path inbox;

    private final DefaultCamelContext camel = new DefaultCamelContext();
    private final LeadMessage leadMessage = new LeadMessage(new ObjectMapper());

    @AfterEach
    void stopCamel() throws IOException {
        camel.close();
    }

    @Test
    void aUtf8FileIsReadBackExactlyAndItsRoutingHeadersSet() throws IOException {
        Exchange exchange = fileExchange(write(LEAD, StandardCharsets.UTF_8), null);

        leadMessage.open(exchange);

        assertThat(exchange.getMessage().getBody()).isEqualTo(LEAD);
        assertThat(exchange.getMessage().getHeaders())
                .containsEntry(LeadMessage.ID, ID)
                .containsEntry(LeadMessage.ACTION, "INS")
                .containsEntry(LeadMessage.TEST, false)
                .containsEntry(LeadMessage.OFFER_ID, "contoso.analytics")
                .containsEntry(LeadMessage.OFFER_TITLE, "Contoso Analytics – Suite");
    }

    @Test
    void aFileWithItsOwnCharsetIsReadInThatCharset() throws IOException {
        Exchange exchange = fileExchange(write(LATIN, StandardCharsets.ISO_8859_1), "ISO-8859-1");

        leadMessage.open(exchange);

        assertThat(exchange.getMessage().getBody()).isEqualTo(LATIN);
    }

    @Test
    void withoutAFileCharsetTheExchangesCharsetApplies() throws IOException {
        Exchange exchange = fileExchange(write(LATIN, StandardCharsets.ISO_8859_1), null);
        exchange.setProperty(Exchange.CHARSET_NAME, "ISO-8859-1");

        leadMessage.open(exchange);

        assertThat(exchange.getMessage().getBody()).isEqualTo(LATIN);
    }

    @Test
    void bytesThatAreNotUtf8AreReplacedNotFatal() throws IOException {
        // a stray Latin-1 byte in a UTF-8 inbox: the converter's reader replaced it, and so does this
        Exchange exchange = fileExchange(write(LATIN, StandardCharsets.ISO_8859_1), null);

        leadMessage.open(exchange);

        assertThat(exchange.getMessage().getBody(String.class)).contains("\"firstName\":\"Zo\uFFFD\"", "Soci\uFFFDt\uFFFD");
        assertThat(exchange.getMessage().getHeader(LeadMessage.ID)).isEqualTo(ID);
    }

    @Test
    void aFileAnEarlierExchangeDeletedIsNotParked() throws IOException {
        File file = write(LEAD, StandardCharsets.UTF_8);
        Exchange exchange = fileExchange(file, null);
        Files.delete(file.toPath());

        // IllegalStateException, not NotALeadException: dispatch rolls back and the inbox keeps what it still has
        assertThatThrownBy(() -> leadMessage.open(exchange))
                .isInstanceOf(IllegalStateException.class)
                .isNotInstanceOf(LeadMessage.NotALeadException.class);
    }

    @Test
    void anEmptyFileIsNoLead() throws IOException {
        Exchange exchange = fileExchange(write("  \n", StandardCharsets.UTF_8), null);

        assertThatThrownBy(() -> leadMessage.open(exchange))
                .isInstanceOf(LeadMessage.NotALeadException.class)
                .hasMessageContaining("empty");
    }

    @Test
    void aFileThatIsNotJsonIsNoLead() throws IOException {
        Exchange exchange = fileExchange(write("{\"id\": \"" + ID, StandardCharsets.UTF_8), null);

        assertThatThrownBy(() -> leadMessage.open(exchange))
                .isInstanceOf(LeadMessage.NotALeadException.class)
                .hasMessageContaining("not JSON");
    }

    @Test
    void jsonWithoutALeadIdIsNoLead() throws IOException {
        Exchange exchange = fileExchange(write(LEAD.replace(ID, "not-an-id"), StandardCharsets.UTF_8), null);

        assertThatThrownBy(() -> leadMessage.open(exchange))
                .isInstanceOf(LeadMessage.NotALeadException.class)
                .hasMessageContaining("no lead id");
    }

    @Test
    void aQueuesTextIsReadAsItIs() throws IOException {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setBody(LEAD);

        leadMessage.open(exchange);

        assertThat(exchange.getMessage().getBody()).isEqualTo(LEAD);
        assertThat(exchange.getMessage().getHeader(LeadMessage.ID)).isEqualTo(ID);
    }

    private File write(String text, Charset charset) throws IOException {
        Path file = inbox.resolve(ID + ".json");
        Files.write(file, text.getBytes(charset));
        return file.toFile();
    }

    /** The exchange the file inbox consumer hands to dispatch: the body a GenericFile around the file. */
    private Exchange fileExchange(File file, String charset) {
        GenericFile<File> genericFile = new GenericFile<>();
        genericFile.setFile(file);
        genericFile.setAbsoluteFilePath(file.getAbsolutePath());
        genericFile.setFileName(file.getName());
        genericFile.setCharset(charset);
        Exchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setBody(genericFile);
        return exchange;
    }
}
