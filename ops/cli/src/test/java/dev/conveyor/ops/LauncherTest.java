package dev.conveyor.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What {@code ./conveyor} hands to the JVM, seen by a stand-in {@code java} that prints its arguments: every command
 * runs with {@code -XX:+ExitOnOutOfMemoryError} before {@code -jar}, so an OutOfMemoryError ends the process instead
 * of leaving a JVM that limps on.
 */
class LauncherTest {
    @TempDir
    Path javaHome;

    @ParameterizedTest
    @ValueSource(strings = {"consumer", "producer", "bench", "demo", ""})
    void givenAnyCommand_whenLaunched_thenTheJvmExitsOnOutOfMemoryError(String command) throws Exception {
        Path java = Files.createDirectories(javaHome.resolve("bin")).resolve("java");
        Files.writeString(java, "#!/bin/sh\nfor a in \"$@\"; do echo \"$a\"; done\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        ProcessBuilder builder = new ProcessBuilder(command.isEmpty() ? List.of(launcher().toString())
                : List.of(launcher().toString(), command)).redirectErrorStream(true);
        builder.environment().put("JAVA_HOME", javaHome.toString());
        builder.environment().put("CONVEYOR_SKIP_BUILD", "1");
        Process process = builder.start();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the launcher did not finish");
        List<String> arguments = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
                .toList();

        assertEquals(0, process.exitValue(), String.join("\n", arguments));
        int flag = arguments.indexOf("-XX:+ExitOnOutOfMemoryError");
        assertTrue(flag >= 0 && flag < arguments.indexOf("-jar"), "java was given " + arguments);
    }

    private static Path launcher() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("conveyor"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no ./conveyor above " + Path.of("").toAbsolutePath());
        }
        return dir.resolve("conveyor");
    }
}
