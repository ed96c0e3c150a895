package dev.leadconnector.support;

import java.net.ConnectException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.Header;

/** A CRM the test switches off and on; used by src/test/resources/test-routes/deliver-flaky.camel.yaml. */
public class FlakyTarget {

    public static volatile boolean down;
    public static final List<String> RECEIVED = new CopyOnWriteArrayList<>();

    public void deliver(@Header("leadId") String leadId) throws ConnectException {
        if (down) {
            throw new ConnectException("flaky CRM is down");
        }
        RECEIVED.add(leadId);
    }
}
