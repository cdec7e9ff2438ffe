package dev.conveyor.ops;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the repository is: tests run in the module directory; the root is the nearest directory holding mvnw. */
public final class RepositoryRoot {
    private RepositoryRoot() {
    }

    public static Path path() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("mvnw"))) {
                return dir;
            }
        }
        throw new AssertionError("no mvnw above " + Path.of("").toAbsolutePath());
    }
}
