package dev.leadconnector;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The jar reads its settings ({@code application.yaml}) and its routes ({@code routes/}) from the
 * working directory. Started anywhere else it died with a long trace ending in an unresolved
 * placeholder; instead it says in one line what is missing and where it looked. Settings or routes
 * given another way ({@code --spring.config.location}, {@code SPRING_CONFIG_ADDITIONAL_LOCATION},
 * {@code --camel.main.routes-include-pattern}, ...) are taken as given.
 */
final class StartFolder {

    private StartFolder() {
    }

    /** What is missing, as one line, or null when the folder holds what the connector needs. */
    static String missing(Path folder, String[] args, Map<String, String> env) {
        List<String> absent = new ArrayList<>();
        if (!given(args, env, "spring.config.location", "spring.config.additional-location", "spring.config.import")
                && !Files.isRegularFile(folder.resolve("application.yaml"))) {
            absent.add("application.yaml");
        }
        if (!given(args, env, "camel.main.routes-include-pattern") && !Files.isDirectory(folder.resolve("routes"))) {
            absent.add("routes/ folder");
        }
        if (absent.isEmpty()) {
            return null;
        }
        return "lead-connector cannot start: no " + String.join(" and no ", absent) + " in " + folder.toAbsolutePath().normalize()
                + " (the working directory, where it reads them); start it from the folder that holds them (the project"
                + " folder, or /app in the image): cd <that folder> && java @jvm.options -jar <path to the jar>";
    }

    private static boolean given(String[] args, Map<String, String> env, String... properties) {
        for (String property : properties) {
            String variable = property.toUpperCase(Locale.ROOT).replace('.', '_');
            if (env.containsKey(variable.replace("-", "")) || env.containsKey(variable.replace('-', '_'))
                    || System.getProperty(property) != null) {
                return true;
            }
            for (String arg : args) {
                if (arg.startsWith("--" + property + "=")) {
                    return true;
                }
            }
        }
        return false;
    }
}
