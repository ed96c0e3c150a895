package dev.leadconnector.management;

import static org.springframework.security.config.Customizer.withDefaults;

import dev.leadconnector.management.ManagementUsers.Login;
import dev.leadconnector.security.DataDirSettings;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.springframework.boot.actuate.autoconfigure.security.servlet.EndpointRequest;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.WebSecurityCustomizer;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.authentication.www.BasicAuthenticationEntryPoint;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.csrf.CsrfFilter;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.security.web.csrf.CsrfTokenRequestAttributeHandler;
import org.springframework.security.web.csrf.XorCsrfTokenRequestAttributeHandler;
import org.springframework.security.web.firewall.StrictHttpFirewall;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.MediaTypeRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.util.StringUtils;

/**
 * Who may use the management port. Health probes are open (orchestrators call them without a
 * login); everything else there needs a login: a viewer may read (GET), an operator may also change
 * (POST, PUT, DELETE: replaying dead letters, validating targets, whatever is added later). Jolokia
 * takes reads as POSTs too, so for it the split is made by {@link OperatorOnlyRestrictor}.
 * The lead port stays open: it has its own gate.
 */
@Configuration(proxyBeanMethods = false)
public class ManagementSecurity {

    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS", "TRACE");

    @Bean
    @Order(1)
    SecurityFilterChain managementPort(HttpSecurity http, Environment environment, AuthenticationManager logins)
            throws Exception {
        String actuator = environment.getProperty("management.endpoints.web.base-path", "/actuator");
        BasicAuthenticationEntryPoint basic = new BasicAuthenticationEntryPoint();
        basic.setRealmName("lead-connector management");
        MediaTypeRequestMatcher browser = new MediaTypeRequestMatcher(MediaType.TEXT_HTML);
        browser.setIgnoredMediaTypes(Set.of(MediaType.ALL));
        RequestMatcher jolokia = new OrRequestMatcher(EndpointRequest.to("jolokia"), path(null, actuator + "/hawtio/jolokia/**"));
        RequestMatcher jolokiaVersion = new OrRequestMatcher(path(HttpMethod.GET, actuator + "/jolokia"),
                path(HttpMethod.GET, actuator + "/jolokia/version"), path(HttpMethod.GET, actuator + "/hawtio/jolokia"),
                path(HttpMethod.GET, actuator + "/hawtio/jolokia/version"));
        RequestMatcher loginForm = path(HttpMethod.POST, "/login");
        CookieCsrfTokenRepository csrfTokens = CookieCsrfTokenRepository.withHttpOnlyFalse();
        csrfTokens.setCookieCustomizer(cookie -> cookie.sameSite("Strict"));
        http.securityMatcher(new ManagementRequests(environment))
                .authenticationManager(logins)
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers(EndpointRequest.to(HealthEndpoint.class)).permitAll()
                        .requestMatchers(path(null, "/login"), path(null, "/error")).permitAll()
                        // Jolokia runs exec and write on GET too, which a link or an <img> can send with
                        // the session cookie: only POST, but for the version (Hawtio's probe)
                        .requestMatchers(request -> jolokia.matches(request) && !"POST".equals(request.getMethod())
                                && !(jolokiaVersion.matches(request) && request.getQueryString() == null)).denyAll()
                        // Jolokia, directly or through Hawtio's forward: reads are POSTs too
                        .requestMatchers(jolokia).hasAnyRole(ManagementRoles.VIEWER, ManagementRoles.OPERATOR)
                        .requestMatchers(path(HttpMethod.GET, "/**"), path(HttpMethod.HEAD, "/**"))
                        .hasAnyRole(ManagementRoles.VIEWER, ManagementRoles.OPERATOR)
                        .anyRequest().hasRole(ManagementRoles.OPERATOR))
                // people log in with a form (Hawtio); scripts and Prometheus send Basic credentials,
                // checked before the CSRF rule below so that it knows whether they logged someone in
                .formLogin(form -> form.defaultSuccessUrl(actuator + "/hawtio/", false))
                .addFilterBefore(new BasicLogin(logins, basic), CsrfFilter.class)
                .exceptionHandling(errors -> errors
                        .defaultAuthenticationEntryPointFor(new LoginUrlAuthenticationEntryPoint("/login"), browser)
                        .defaultAuthenticationEntryPointFor(basic, request -> true))
                // a browser session (cookie), and the login form itself, are protected against
                // cross-site requests; a request whose Basic credentials logged someone in cannot be
                // forged by another site, and one without a session or credentials logs nobody in
                .csrf(csrf -> csrf
                        .csrfTokenRepository(csrfTokens)
                        .csrfTokenRequestHandler(new SinglePageAppCsrfHandler())
                        .requireCsrfProtectionMatcher(request -> !SAFE_METHODS.contains(request.getMethod())
                                && !BasicLogin.authenticated(request)
                                && (request.getRequestedSessionId() != null || loginForm.matches(request))))
                .logout(withDefaults());
        return http.build();
    }

    /**
     * The lead port: open to the marketplace (its own gate checks the token), no session, no login,
     * so none of the filters that serve logins: only the firewall and the security headers.
     */
    @Bean
    @Order(2)
    SecurityFilterChain leadPort(HttpSecurity http) throws Exception {
        return http.securityMatcher(request -> true)
                .csrf(csrf -> csrf.disable())
                .requestCache(cache -> cache.disable())
                .securityContext(context -> context.disable())
                .sessionManagement(session -> session.disable())
                .anonymous(anonymous -> anonymous.disable())
                .logout(logout -> logout.disable())
                .servletApi(servletApi -> servletApi.disable())
                .exceptionHandling(exceptions -> exceptions.disable())
                .build();
    }

    /**
     * No Micrometer observation around each security filter of each request (a tenth of intake's
     * CPU in a profile); logins and refusals still show in the management port's metrics and logs.
     */
    @Bean
    SecurityObservationSettings securityObservations() {
        return SecurityObservationSettings.noObservations();
    }

    /** Any HTTP method reaches the intake, which answers 405 itself with a problem detail. */
    @Bean
    WebSecurityCustomizer anyMethodReachesTheIntake() {
        StrictHttpFirewall firewall = new StrictHttpFirewall();
        firewall.setUnsafeAllowAnyHttpMethod(true);
        return web -> web.httpFirewall(firewall);
    }

    /** Both ways of logging in (the form, Basic credentials) check passwords here, failed logins throttled. */
    @Bean
    AuthenticationManager managementAuthentication(InMemoryUserDetailsManager logins, ManagementUsers users) {
        DaoAuthenticationProvider passwords = new DaoAuthenticationProvider(logins);
        passwords.setPasswordEncoder(PasswordEncoderFactories.createDelegatingPasswordEncoder());
        return new ProviderManager(new LoginThrottle(passwords, logins::userExists, users.failedLogins(), Clock.systemUTC()));
    }

    /**
     * The viewer and the operator. A login without a configured password gets a generated one, kept
     * owner-only in generated-passwords-file (default ${leads.data-dir}/management-passwords) and
     * reused at the next start until a password is configured ({@link GeneratedPasswords}).
     */
    @Bean
    InMemoryUserDetailsManager managementLogins(ManagementUsers users, DataDirSettings data, Environment environment)
            throws IOException {
        PasswordEncoder encoder = PasswordEncoderFactories.createDelegatingPasswordEncoder();
        Path file = StringUtils.hasText(users.generatedPasswordsFile()) ? Path.of(users.generatedPasswordsFile())
                : data.dataDir().resolve("management-passwords");
        GeneratedPasswords generated = GeneratedPasswords.readFrom(file);
        UserDetails viewer = login(users.viewer(), "viewer", ManagementRoles.VIEWER, encoder, generated);
        UserDetails operator = login(users.operator(), "operator", ManagementRoles.OPERATOR, encoder, generated);
        generated.store(reachableFromElsewhere(environment.getProperty("management.server.address",
                environment.getProperty("server.address", ""))));
        return new InMemoryUserDetailsManager(List.of(viewer, operator));
    }

    /** Whether a port bound to this address (empty: every interface) is reachable from other machines. */
    static boolean reachableFromElsewhere(String address) {
        try {
            return !StringUtils.hasText(address) || !InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException unknown) {
            return true;
        }
    }

    private static UserDetails login(Login login, String defaultName, String role, PasswordEncoder encoder,
                                     GeneratedPasswords generated) {
        String username = StringUtils.hasText(login.username()) ? login.username() : defaultName;
        String password = generated.passwordOf(username, login.password());
        return User.withUsername(username).password(encoder.encode(password)).roles(role).build();
    }

    private static RequestMatcher path(HttpMethod method, String pattern) {
        return PathPatternRequestMatcher.withDefaults().matcher(method, pattern);
    }

    /**
     * The management port's requests, or the actuator's when it shares the lead port. The port is
     * read once known: an environment lookup on every request of the lead port cost more than the
     * rest of its security chain.
     */
    static final class ManagementRequests implements RequestMatcher {
        private final Environment environment;
        private final boolean ownPort;
        private final RequestMatcher endpoints = EndpointRequest.toAnyEndpoint();
        private volatile int port = -1;

        ManagementRequests(Environment environment) {
            this.environment = environment;
            String management = environment.getProperty("management.server.port");
            // 0 is a port of its own, picked at random (as the tests do for both)
            this.ownPort = management != null
                    && (management.equals("0") || !management.equals(environment.getProperty("server.port", "8080")));
        }

        @Override
        public boolean matches(HttpServletRequest request) {
            if (!ownPort) {
                return endpoints.matches(request);
            }
            int known = port;
            if (known < 0) {
                String started = environment.getProperty("local.management.port");
                if (started == null) {
                    return endpoints.matches(request); // a request before the port is published
                }
                known = Integer.parseInt(started);
                port = known;
            }
            return request.getLocalPort() == known;
        }
    }

    /**
     * HTTP Basic, checked before the CSRF filter: it marks the requests its credentials logged in,
     * the only ones that need no CSRF token (a page of another site cannot send them).
     */
    static final class BasicLogin extends BasicAuthenticationFilter {
        private static final String AUTHENTICATED = BasicLogin.class.getName() + ".authenticated";

        BasicLogin(AuthenticationManager logins, AuthenticationEntryPoint entryPoint) {
            super(logins, entryPoint);
        }

        @Override
        protected void onSuccessfulAuthentication(HttpServletRequest request, HttpServletResponse response,
                                                  Authentication result) {
            request.setAttribute(AUTHENTICATED, Boolean.TRUE);
        }

        static boolean authenticated(HttpServletRequest request) {
            return request.getAttribute(AUTHENTICATED) != null;
        }
    }

    /**
     * Hawtio is a single-page app: it reads the CSRF token from the XSRF-TOKEN cookie and sends it
     * back as a header, raw; a server-rendered form (the login page) sends the masked one.
     */
    static final class SinglePageAppCsrfHandler extends CsrfTokenRequestAttributeHandler {
        private final XorCsrfTokenRequestAttributeHandler masked = new XorCsrfTokenRequestAttributeHandler();

        @Override
        public void handle(HttpServletRequest request, HttpServletResponse response,
                           Supplier<CsrfToken> token) {
            masked.handle(request, response, token);
            token.get().getToken(); // load it now, so the cookie is written on every answer
        }

        @Override
        public String resolveCsrfTokenValue(HttpServletRequest request, CsrfToken token) {
            return StringUtils.hasText(request.getHeader(token.getHeaderName()))
                    ? super.resolveCsrfTokenValue(request, token)
                    : masked.resolveCsrfTokenValue(request, token);
        }
    }
}
