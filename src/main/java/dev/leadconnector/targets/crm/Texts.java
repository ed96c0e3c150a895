package dev.leadconnector.targets.crm;

/** Error texts short enough for a log line and a dead-letter envelope. */
public final class Texts {

    private static final int MAX = 1000;

    private Texts() {
    }

    public static String abbreviate(String text) {
        if (text == null || text.isBlank()) {
            return "(no body)";
        }
        String oneLine = text.strip().replaceAll("\\s+", " ");
        return oneLine.length() <= MAX ? oneLine : oneLine.substring(0, MAX) + "…";
    }
}
