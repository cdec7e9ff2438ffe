# One image for all three binaries: the consumer (default entrypoint), the producer and the ops CLI.
#   docker build -t conveyor:local .
#   docker run --rm -e KAFKA_BOOTSTRAP_SERVERS=host:9092 conveyor:local                  # consumer, orders flow
#   docker run --rm --entrypoint java conveyor:local -XX:+ExitOnOutOfMemoryError -jar /app/conveyor-producer.jar --help
#   docker run --rm --entrypoint java conveyor:local -XX:+ExitOnOutOfMemoryError -jar /app/conveyor-ops.jar topics \
#       create --bootstrap host:9092
# docker-compose.yaml runs them together; ComposeFileTest (ops/cli) checks its environment against the code.
# Builds with the classic builder and with BuildKit, with no frontend or other image to pull beyond the two below.
# Where no registry can be reached, deploy/docker/local-images.sh builds local stand-ins under these exact tags.

# --- Stage 1: build the shaded jars. Java 25 builds the release-17 bytecode the project targets.
FROM eclipse-temurin:25-jdk AS build
# The Maven wrapper unpacks its distribution (checked against .mvn/wrapper's SHA-256 of the .zip) with unzip.
RUN apt-get update && apt-get install -y --no-install-recommends unzip && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# Only the three binaries and the modules they need. Tests need a broker and run in CI (./mvnw verify), not here.
# The first build downloads Maven and the dependencies into this stage (minutes); later builds reuse the layer
# until a file in the build context changes. (Maven itself calls sun.misc.Unsafe, which Java 25 warns about.)
ENV MAVEN_OPTS="--sun-misc-unsafe-memory-access=allow"
RUN ./mvnw -B -q package -DskipTests -pl app-consumer,app-producer,ops/cli -am

# --- Stage 2: a JRE and the three jars, run as an unprivileged user.
FROM eclipse-temurin:25-jre
RUN groupadd --system --gid 10001 conveyor \
    && useradd --system --uid 10001 --gid conveyor --home-dir /app --no-create-home --shell /usr/sbin/nologin conveyor
WORKDIR /app
COPY --from=build /src/app-producer/target/conveyor-producer.jar \
                  /src/app-consumer/target/conveyor-consumer.jar \
                  /src/ops/cli/target/conveyor-ops.jar \
                  /app/
USER 10001:10001
# /health, /health/live, /health/ready and /metrics of the consumer (HEALTH_PORT, default 8080).
EXPOSE 8080
# The consumer listens on loopback unless told otherwise; in a container the port mapping and Kubernetes probes
# arrive on the container's own interface.
ENV HEALTH_BIND_ADDRESS=0.0.0.0
# The Temurin images (and the local stand-ins) ship curl; this probes the consumer's liveness on HEALTH_PORT. Containers that run the
# producer or the ops CLI serve no HTTP: docker-compose.yaml disables the check for them (and sets its own timings
# for the consumers). With HEALTH_PORT=0 the consumer serves no HTTP either, so this check would report unhealthy.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD curl -fsS -o /dev/null "http://localhost:${HEALTH_PORT:-8080}/health/live" || exit 1
# An OutOfMemoryError ends the JVM (exit 3) so the container restarts instead of limping on.
ENTRYPOINT ["java", "-XX:+ExitOnOutOfMemoryError", "-jar", "/app/conveyor-consumer.jar"]
