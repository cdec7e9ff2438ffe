package dev.conveyor.bench;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One run of {@code bench guarantee} in a JVM of its own ({@code --fresh-jvms}): the same java binary and this jar,
 * the command's arguments for one guarantee and one round; its progress goes to our stderr, its run comes back as a
 * {@link GuaranteeRun#line()} on its stdout.
 */
final class ForkedRun {
    private ForkedRun() {
    }

    static GuaranteeRun run(List<String> arguments) {
        List<String> command = new ArrayList<>(List.of(KafkaTools.javaBinary(), "-XX:+ExitOnOutOfMemoryError"));
        command.addAll(KafkaTools.quietJdkFlags());
        command.addAll(List.of("-cp", ownJar(), Main.class.getName()));
        command.addAll(arguments);
        try {
            Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int exit = process.waitFor();
            GuaranteeRun run = GuaranteeRun.parse(output);
            if (exit != 0 || run == null) {
                throw new BenchException("the forked run did not finish (exit " + exit + "): "
                        + String.join(" ", command) + "\n" + output.substring(Math.max(0, output.length() - 3000)));
            }
            return run;
        } catch (IOException e) {
            throw new BenchException("cannot fork a run: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted");
        }
    }

    /** conveyor-bench.jar (or, run from the build, the classes directory). */
    static String ownJar() {
        try {
            return Path.of(ForkedRun.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new BenchException("cannot find conveyor-bench.jar: " + e.getMessage());
        }
    }
}
