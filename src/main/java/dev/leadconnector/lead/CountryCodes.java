package dev.leadconnector.lead;

import java.text.Normalizer;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The ISO 3166-1 alpha-2 code of a country the marketplace names in free text ({@code USA},
 * {@code United States}, {@code Deutschland}, {@code de}): CRMs with country picklists accept only
 * codes. Known are every ISO code (alpha-2 and alpha-3), the JDK's country names in a dozen
 * languages and a short list of aliases; case, accents, dots and a leading "the" do not matter. A
 * name that stands for two countries, or for none, has no code.
 */
public final class CountryCodes {

    private static final List<Locale> LANGUAGES = List.of(Locale.ENGLISH, Locale.GERMAN, Locale.FRENCH,
            Locale.forLanguageTag("es"), Locale.ITALIAN, Locale.forLanguageTag("pt"), Locale.forLanguageTag("nl"),
            Locale.forLanguageTag("sv"), Locale.forLanguageTag("pl"), Locale.JAPANESE, Locale.CHINESE, Locale.KOREAN);

    /**
     * Names people write that no locale gives, or that a locale gives only with more words, and the
     * names a JDK once gave (Java 25's English for TR is "Türkiye", Java 17's "Turkey").
     */
    private static final Map<String, String> ALIASES = Map.ofEntries(
            Map.entry("US", "USA, U.S., U.S.A., United States of America, America, Estados Unidos de America"),
            Map.entry("GB", "UK, U.K., Great Britain, Britain, England, Scotland, Wales, Northern Ireland, "
                    + "United Kingdom of Great Britain and Northern Ireland"),
            Map.entry("NL", "Holland, The Netherlands"),
            Map.entry("KR", "Korea, Republic of Korea, Korea Republic of, Korea (South)"),
            Map.entry("CZ", "Czech Republic"),
            Map.entry("TR", "Türkiye, Turkiye, Turkey"),
            Map.entry("CI", "Ivory Coast, Cote d'Ivoire"),
            Map.entry("AE", "UAE, U.A.E., Emirates"),
            Map.entry("RU", "Russian Federation"),
            Map.entry("VN", "Viet Nam"),
            Map.entry("HK", "Hong Kong, Hongkong"),
            Map.entry("MO", "Macao, Macau"),
            Map.entry("MK", "Macedonia"),
            Map.entry("SZ", "Swaziland"),
            Map.entry("MM", "Burma"),
            Map.entry("CN", "PRC, People's Republic of China, Mainland China"),
            Map.entry("TW", "Republic of China"),
            Map.entry("IR", "Iran, Islamic Republic of"),
            Map.entry("VA", "Vatican"),
            Map.entry("BO", "Bolivia, Plurinational State of"),
            Map.entry("VE", "Venezuela, Bolivarian Republic of"));

    private static final Pattern MARKS = Pattern.compile("\\p{M}+");
    private static final Pattern NOT_A_LETTER = Pattern.compile("[^\\p{L}\\p{N}]+");

    private CountryCodes() {
    }

    /** The alpha-2 code of the country this text names, or null when it names none recognisably. */
    public static String of(String freeText) {
        return freeText == null ? null : Names.BY_KEY.get(key(freeText));
    }

    /** The text as compared: no accents, no case, no dots or punctuation, no leading "the". */
    static String key(String text) {
        String plain = MARKS.matcher(Normalizer.normalize(text, Normalizer.Form.NFD)).replaceAll("")
                .toLowerCase(Locale.ROOT).replace("&", " and ").replace(".", "").replace("'", "").replace("’", "");
        String words = NOT_A_LETTER.matcher(plain).replaceAll(" ").trim();
        return words.startsWith("the ") ? words.substring(4) : words;
    }

    /** Built on first use, not at start-up. */
    private static final class Names {
        static final Map<String, String> BY_KEY = build();

        private static Map<String, String> build() {
            Map<String, Set<String>> codes = new HashMap<>();
            for (String code : Locale.getISOCountries()) {
                Locale country = new Locale("", code);
                add(codes, code, code);
                add(codes, country.getISO3Country(), code);
                for (Locale language : LANGUAGES) {
                    String name = country.getDisplayCountry(language);
                    add(codes, name, code);
                    // "Myanmar (Burma)", "Hong Kong SAR China": also the name without what qualifies it
                    int bracket = name.indexOf(" (");
                    if (bracket > 0) {
                        add(codes, name.substring(0, bracket), code);
                    }
                }
            }
            ALIASES.forEach((code, names) -> List.of(names.split(",")).forEach(name -> add(codes, name, code)));
            Map<String, String> unambiguous = new HashMap<>();
            codes.forEach((key, candidates) -> {
                if (candidates.size() == 1) {
                    unambiguous.put(key, candidates.iterator().next());
                }
            });
            return Map.copyOf(unambiguous);
        }

        private static void add(Map<String, Set<String>> codes, String name, String code) {
            String key = key(name);
            if (!key.isEmpty()) {
                codes.computeIfAbsent(key, k -> new HashSet<>()).add(code);
            }
        }
    }
}
