package dev.leadconnector.desk;

import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.context.annotation.Import;

/**
 * The lead desk lives on the management port (its own child context there), behind the management
 * logins of {@link dev.leadconnector.management.ManagementSecurity}: listed in
 * META-INF/spring/...ManagementContextConfiguration.imports.
 */
@ManagementContextConfiguration(proxyBeanMethods = false)
@Import(DeskController.class)
public class DeskManagementConfiguration {
}
