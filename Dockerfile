# syntax=docker/dockerfile:1
# One image for all three binaries: the consumer (default entrypoint), the producer and the ops CLI.
#   docker build -t conveyor:local .
#   docker run --rm -e KAFKA_BOOTSTRAP_SERVERS=host:9092 conveyor:local                  # consumer, orders flow
#   docker run --rm --entrypoint java conveyor:local -XX:+ExitOnOutOfMemoryError -jar /app/conveyor-producer.jar --help
#   docker run --rm --entrypoint java conveyor:local -XX:+ExitOnOutOfMemoryError -jar /app/conveyor-ops.jar topics \
#       create --bootstrap host:9092
# docker-compose.yaml runs them together; ComposeFileTest (ops/cli) checks its environment against the code.

# --- Stage 1: build the shaded jars. Java 21 builds the release-17 bytecode the project targets.
FROM eclipse-temurin:21-jdk AS build
WORKDIR /src
COPY . .
# The cache mount keeps the Maven wrapper's distribution and the downloaded dependencies between builds; it is not
# part of any layer. Tests need a broker and run in CI (./mvnw verify), not here.
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -q package -DskipTests

# --- Stage 2: a JRE and the three jars, run as an unprivileged user.
FROM eclipse-temurin:21-jre
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
# The Temurin Ubuntu images ship curl; this probes the consumer's liveness on HEALTH_PORT. Containers that run the
# producer or the ops CLI serve no HTTP: docker-compose.yaml disables the check for them (and sets its own timings
# for the consumers). With HEALTH_PORT=0 the consumer serves no HTTP either, so this check would report unhealthy.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD curl -fsS -o /dev/null "http://localhost:${HEALTH_PORT:-8080}/health/live" || exit 1
# An OutOfMemoryError ends the JVM (exit 3) so the container restarts instead of limping on.
ENTRYPOINT ["java", "-XX:+ExitOnOutOfMemoryError", "-jar", "/app/conveyor-consumer.jar"]
