package dev.conveyor.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
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

    @Test
    void givenAProducerRun_whenLaunchedTwice_thenTheFirstWritesAClassArchiveAndTheNextMapsIt() throws Exception {
        Path archives = javaHome.resolve("cds");
        List<String> first = launch(archives, Map.of(), "producer", "orders", "--count", "1");
        String writeFlag = flag(first, "-XX:ArchiveClassesAtExit=");
        Path written = Path.of(writeFlag.substring(writeFlag.indexOf('=') + 1));
        assertEquals(archives, written.getParent());
        assertTrue(written.getFileName().toString().matches("producer-\\d+\\.jsa\\.\\d+"), written.toString());
        assertTrue(first.indexOf(writeFlag) < first.indexOf("-jar"), "JVM flags come before -jar: " + first);

        // What a JVM writes at its exit after a usage error is small: dropped, and the next run writes again.
        Files.writeString(written, "small archive");
        List<String> again = launch(archives, Map.of(), "producer", "orders", "--count", "1");
        assertTrue(Files.notExists(written), "the small archive is gone");
        written = Path.of(flag(again, "-XX:ArchiveClassesAtExit=").substring("-XX:ArchiveClassesAtExit=".length()));
        try (var file = new java.io.RandomAccessFile(written.toFile(), "rw")) {
            file.setLength(16L * 1024 * 1024); // what a real run writes; that process is gone now
        }
        List<String> second = launch(archives, Map.of(), "producer", "orders", "--count", "1");
        String archive = written.toString().substring(0, written.toString().lastIndexOf('.'));
        assertTrue(second.contains("-XX:SharedArchiveFile=" + archive), "maps the adopted archive: " + second);
        assertTrue(Files.exists(Path.of(archive)) && !Files.exists(written), "renamed once its writer exited");
        assertEquals(second, launch(archives, Map.of(), "producer", "orders", "--count", "1"), "stays in use");
    }

    @Test
    void givenHelpOrCdsOff_whenLaunched_thenNoClassArchiveIsWrittenOrMapped() throws Exception {
        Path archives = javaHome.resolve("cds");
        for (List<String> arguments : List.of(List.of("producer", "--help"), List.of("consumer", "--help"),
                List.of("demo"))) {
            assertNoCds(launch(archives, Map.of(), arguments.toArray(String[]::new)));
        }
        assertNoCds(launch(archives, Map.of("CONVEYOR_CDS", "0"), "consumer"));
        assertTrue(flag(launch(archives, Map.of(), "consumer"), "-XX:ArchiveClassesAtExit=").contains("consumer-"));
    }

    @Test
    void givenJavaOpts_whenLaunched_thenTheyFollowOurFlagsBeforeTheJar() throws Exception {
        List<String> arguments = launch(javaHome.resolve("cds"), Map.of("JAVA_OPTS", "-Xmx512m -Dx=1 -Dglob=*"),
                "producer", "--version");
        assertTrue(arguments.contains("-Dglob=*"), "not glob-expanded: " + arguments);
        int heap = arguments.indexOf("-Xmx512m");
        assertTrue(arguments.indexOf("-XX:+ExitOnOutOfMemoryError") < heap && heap < arguments.indexOf("-Dx=1")
                && arguments.indexOf("-Dx=1") < arguments.indexOf("-jar"), arguments.toString());
    }

    private List<String> launch(Path archives, Map<String, String> environment, String... arguments)
            throws Exception {
        Path java = Files.createDirectories(javaHome.resolve("bin")).resolve("java");
        Files.writeString(java, "#!/bin/sh\nfor a in \"$@\"; do echo \"$a\"; done\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(javaHome.resolve("release"), "JAVA_VERSION=\"17.0.99\"\n");
        List<String> command = new java.util.ArrayList<>(List.of(launcher().toString()));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("JAVA_HOME", javaHome.toString());
        builder.environment().put("CONVEYOR_SKIP_BUILD", "1");
        builder.environment().put("CONVEYOR_CDS_DIR", archives.toString());
        builder.environment().remove("JAVA_OPTS");
        builder.environment().putAll(environment);
        Process process = builder.start();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the launcher did not finish");
        List<String> printed = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
                .toList();
        assertEquals(0, process.exitValue(), String.join("\n", printed));
        return printed;
    }

    private static String flag(List<String> arguments, String prefix) {
        return arguments.stream().filter(a -> a.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + prefix + " in " + arguments));
    }

    private static void assertNoCds(List<String> arguments) {
        assertTrue(arguments.stream().noneMatch(a -> a.contains("SharedArchiveFile") || a.contains("ArchiveClasses")),
                arguments.toString());
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
