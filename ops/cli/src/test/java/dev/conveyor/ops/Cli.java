package dev.conveyor.ops;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Runs {@code conveyor-ops} commands in-process against a broker and captures what they print. */
public final class Cli {
    private Cli() {
    }

    /** What a command printed and returned. */
    public record Result(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- out:\n" + out + "--- err:\n" + err;
        }
    }

    /** Runs {@code args} with {@code --bootstrap bootstrap} appended. */
    public static Result run(String bootstrap, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--bootstrap");
        all.add(bootstrap);
        return runExactly(all.toArray(String[]::new));
    }

    /** Runs {@code args} as given, with an empty environment. */
    public static Result runExactly(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(Map.of(), new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(code, out.toString(), err.toString());
    }

    /** Like {@link #run} but writing into {@code out} while it runs, for commands that do not end by themselves. */
    public static int runInto(StringWriter out, StringWriter err, String bootstrap, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--bootstrap");
        all.add(bootstrap);
        return Main.execute(Map.of(), new PrintWriter(out, true), new PrintWriter(err, true),
                all.toArray(String[]::new));
    }
}
