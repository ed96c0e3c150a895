package dev.leadconnector.lead;

import java.util.List;

/** A request body that is not a marketplace lead; each problem names the field (a JSON pointer) it is about. */
public class InvalidLeadException extends RuntimeException {

    /** One offending field: {@code pointer} is a JSON pointer into the body ("" for the body itself), or {@code ?name} for a query parameter. */
    public record FieldProblem(String pointer, String message) {}

    private final String title;
    private final List<FieldProblem> problems;

    public InvalidLeadException(String title, List<FieldProblem> problems) {
        super(title + ": " + problems);
        this.title = title;
        this.problems = List.copyOf(problems);
    }

    public String title() {
        return title;
    }

    public List<FieldProblem> problems() {
        return problems;
    }
}
