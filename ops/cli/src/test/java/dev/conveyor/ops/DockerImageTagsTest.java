package dev.conveyor.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.common.utils.internals.AppInfoParser;
import org.junit.jupiter.api.Test;

/**
 * The image tags the project names agree with each other and with the build: deploy/docker/local-images.sh must
 * provide exactly the images the Dockerfile and docker-compose.yaml ask for, and the Kafka image must be the release
 * of our kafka-clients (the Testcontainers test broker asks for {@code apache/kafka:<kafka-clients version>}).
 * Without this, a Kafka or Java upgrade that misses one file only shows up as "image not found" in CI's Docker step.
 */
class DockerImageTagsTest {
    private static final Path ROOT = RepositoryRoot.path();

    @Test
    void givenTheKafkaRelease_whenEveryFileNamingTheKafkaImageIsRead_thenAllNameTheKafkaClientsVersion()
            throws IOException {
        String clients = AppInfoParser.getVersion();

        assertEquals("apache/kafka:" + clients, first("docker-compose.yaml", "image: (apache/kafka:\\S+)"),
                "docker-compose.yaml's broker image");
        assertEquals(clients, first("deploy/docker/local-images.sh", "(?m)^kafka_version=(\\S+)$"),
                "local-images.sh kafka_version");
        assertEquals(clients, first("deploy/docker/kafka/pom.xml", "<kafka.version>([^<]+)</kafka.version>"),
                "deploy/docker/kafka/pom.xml kafka.version (the stand-in's jars)");
        assertEquals(clients, first("pom.xml", "<kafka.version>([^<]+)</kafka.version>"), "root pom kafka.version");
    }

    @Test
    void givenTheDockerfile_whenItsBaseImagesAreRead_thenLocalImagesBuildsExactlyThoseTags() throws IOException {
        String javaMajor = first("deploy/docker/local-images.sh", "(?m)^java_major=(\\d+)$");
        List<String> from = Pattern.compile("(?m)^FROM (\\S+)").matcher(read("Dockerfile")).results()
                .map(m -> m.group(1)).toList();

        assertEquals(List.of("eclipse-temurin:" + javaMajor + "-jdk", "eclipse-temurin:" + javaMajor + "-jre"), from,
                "the Dockerfile's build and runtime stages");
        assertEquals("eclipse-temurin:" + javaMajor + "-jre",
                first("deploy/docker/kafka/Dockerfile", "(?m)^ARG JRE_IMAGE=(\\S+)$"), "the Kafka stand-in's JRE");
    }

    private static String first(String file, String regex) throws IOException {
        Matcher matcher = Pattern.compile(regex).matcher(read(file));
        if (!matcher.find()) {
            fail(file + " has nothing matching " + regex);
        }
        return matcher.group(1);
    }

    private static String read(String file) throws IOException {
        return Files.readString(ROOT.resolve(file));
    }
}
