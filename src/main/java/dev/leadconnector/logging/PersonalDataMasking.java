package dev.leadconnector.logging;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks e-mail addresses and phone numbers in a text: {@link SafeLogText} applies it to every log
 * line, whatever logged it. {@code leads.logging.mask-personal-data=false} turns it off for debugging.
 * Names cannot be recognised in free text: they are kept out of logs by logging lead ids only.
 */
public final class PersonalDataMasking {

    /** user@domain.tld, as loosely as addresses are written. */
    static final Pattern EMAIL = Pattern.compile("[\\w.%+'-]+@[\\w-]+(\\.[\\w-]+)+");
    /**
     * An optional +, then 7 to 15 digits, possibly grouped by spaces, dots, dashes or parentheses,
     * standing alone (not part of an id, a version, a timestamp or a bracketed error code).
     */
    static final Pattern PHONE = Pattern.compile("(?<![\\w.:/+\\[-])\\+?\\(?\\d(?:[\\d ().-]{5,18})\\d(?![\\w:/-])");

    private PersonalDataMasking() {
    }

    public static String mask(String text) {
        // most lines hold no address: skip the costly pattern (the benchmark's profile showed masking
        // at 8% of intake CPU)
        String masked = text.indexOf('@') < 0 ? text : EMAIL.matcher(text).replaceAll("***@***");
        return PHONE.matcher(masked).replaceAll(match -> digits(match.group()) >= 7 && !looksLikeADate(match.group())
                ? "***phone***" : Matcher.quoteReplacement(match.group()));
    }

    private static int digits(String text) {
        return (int) text.chars().filter(Character::isDigit).count();
    }

    private static boolean looksLikeADate(String text) {
        return text.matches("\\d{4}-\\d{2}-\\d{2}.*") || text.matches("\\d+\\.\\d+(\\.\\d+)*");
    }
}
