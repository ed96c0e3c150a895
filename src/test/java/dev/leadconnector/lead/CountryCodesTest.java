package dev.leadconnector.lead;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Country spellings seen in marketplace leads, and the ISO 3166-1 alpha-2 code a picklist accepts. */
class CountryCodesTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', nullValues = "none", textBlock = """
            US                                  | US
            us                                  | US
            USA                                 | US
            U.S.                                | US
            U.S.A.                              | US
            United States                       | US
            United States of America            | US
            the United States                   | US
            Estados Unidos                      | US
            Vereinigte Staaten                  | US
            États-Unis                          | US
            Etats-Unis                          | US
            DE                                  | DE
            DEU                                 | DE
            Germany                             | DE
            Deutschland                         | DE
            Allemagne                           | DE
            Alemania                            | DE
            GB                                  | GB
            UK                                  | GB
            United Kingdom                      | GB
            Great Britain                       | GB
            England                             | GB
            Vereinigtes Königreich              | GB
            Royaume-Uni                         | GB
            France                              | FR
            Frankreich                          | FR
            España                              | ES
            Espana                              | ES
            Spain                               | ES
            Italia                              | IT
            Schweiz                             | CH
            Suisse                              | CH
            Switzerland                         | CH
            Österreich                          | AT
            Nederland                           | NL
            Netherlands                         | NL
            The Netherlands                     | NL
            Holland                             | NL
            India                               | IN
            IN                                  | IN
            Brasil                              | BR
            Brazil                              | BR
            Japan                               | JP
            日本                                 | JP
            中国                                 | CN
            China                               | CN
            South Korea                         | KR
            Korea, Republic of                  | KR
            Czech Republic                      | CZ
            Czechia                             | CZ
            Türkiye                             | TR
            Turkey                              | TR
            Russian Federation                  | RU
            Viet Nam                            | VN
            UAE                                 | AE
            United Arab Emirates                | AE
            Hong Kong                           | HK
            Côte d’Ivoire                       | CI
            Ivory Coast                         | CI
            Myanmar (Burma)                     | MM
            Burma                               | MM
            '  canada  '                        | CA
            México                              | MX
            Sverige                             | SE
            Polska                              | PL
            Australia                           | AU
            New Zealand                         | NZ
            Singapore                           | SG
            South Africa                        | ZA
            Ireland                             | IE
            Atlantis                            | none
            Earth                               | none
            XX                                  | none
            Europe                              | none
            ''                                  | none
            """)
    void freeTextBecomesAnIsoCode(String text, String code) {
        assertThat(CountryCodes.of(text)).isEqualTo(code);
    }
}
