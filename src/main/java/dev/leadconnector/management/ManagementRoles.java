package dev.leadconnector.management;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;

/** The two roles of the management port and who holds which. */
public final class ManagementRoles {

    public static final String VIEWER = "VIEWER";
    public static final String OPERATOR = "OPERATOR";

    private ManagementRoles() {
    }

    /** Whether the user of the current request may act, not just watch. */
    public static boolean currentUserIsOperator() {
        Authentication user = SecurityContextHolder.getContext().getAuthentication();
        return user != null && user.isAuthenticated() && user.getAuthorities().stream()
                .map(GrantedAuthority::getAuthority)
                .anyMatch(("ROLE_" + OPERATOR)::equals);
    }
}
