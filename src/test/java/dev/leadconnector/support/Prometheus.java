package dev.leadconnector.support;

import java.util.Arrays;

/** Reads one value out of a Prometheus text scrape. */
public final class Prometheus {

    private Prometheus() {
    }

    /**
     * The value of the sample {@code name} whose labels include all of {@code labels}
     * ({@code "target=\"archive\""}, ...), or 0 when there is none (a counter never incremented).
     */
    public static double value(String scrape, String name, String... labels) {
        return scrape.lines()
                .filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
                .filter(line -> Arrays.stream(labels).allMatch(line::contains))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }
}
