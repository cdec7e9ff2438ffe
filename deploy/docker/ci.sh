#!/usr/bin/env bash
# The Docker path, run as a user would, for CI (.ci/run calls it after the Maven builds, which left the jars in
# */target):
#   1. a Docker engine: the one that answers, else (root + apt-get) Debian's docker.io and debootstrap are installed
#      and dockerd is started by hand, and stopped again at the end; docker-compose (or the `docker compose` plugin;
#      Debian's docker-compose is installed when neither is there);
#   2. the images: deploy/docker/local-images.sh (pulls, or builds local stand-ins where no registry answers);
#   3. the compose stack: `docker-compose up -d --build`, then from the host: all six topics exist, the producer's
#      2,000 orders are each processed or dead-lettered (`conveyor-ops verify` on localhost:29092), the scenario
#      consumer's /health on localhost:8081 answers 200; `--scale consumer=3` gives three members two of the six
#      orders partitions each; a `not json` line written with kafka-console-producer.sh inside the kafka container
#      comes out of orders-dlq (kafka-console-consumer.sh, print.headers=true) with its dlq.* headers; and
#      `docker-compose down -v` removes it all;
#   4. the Testcontainers broker mode: the broker-fixture ITs and one consumer IT with CONVEYOR_TEST_BROKER=testcontainers.
# Where no engine can be had (none answers, and no root or no apt-get), it prints one line saying so and exits 0.
# Exit 0 when every check passed, 1 otherwise. Timings are printed as "docker-ci: <step> <seconds> s".
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)

project=conveyor-ci
compose=()
ops_jar="$root/ops/cli/target/conveyor-ops.jar"
started_dockerd=""
work=$(mktemp -d)
status=0
started_at=$(date +%s.%N)

say() { echo "docker-ci: $*"; }
problem() { echo "docker-ci FAILED: $*" >&2; status=1; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# Polls a command every second until it succeeds or the deadline passes; the command's last output stays in
# $work/poll.out for the failure message.
poll() {
  local seconds=$1; shift
  local deadline=$((SECONDS + seconds))
  until "$@" >"$work/poll.out" 2>&1; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      return 1
    fi
    sleep 1
  done
}

cleanup() {
  if [ -n "${compose_up:-}" ]; then
    timeout 180 "${compose[@]}" down -v --remove-orphans >"$work/down.log" 2>&1 || cat "$work/down.log" >&2
  fi
  if [ -n "$started_dockerd" ]; then
    kill -TERM "$started_dockerd" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 "$started_dockerd" 2>/dev/null || break; sleep 1; done
    kill -KILL "$started_dockerd" 2>/dev/null || true
    wait "$started_dockerd" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# --- 1. An engine and a compose command ----------------------------------------------------------------------------
engine_answers() { timeout 30 docker info >/dev/null 2>&1; }
can_install() { [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; }

t=$(now)
missing=()
if ! { command -v docker >/dev/null && engine_answers; }; then
  command -v dockerd >/dev/null || missing+=(docker.io)
  # Building the stand-in images needs debootstrap; where the engine answers already, local-images.sh says so
  # itself if it is needed and missing.
  command -v debootstrap >/dev/null || missing+=(debootstrap)
fi
if command -v docker-compose >/dev/null; then
  compose_cmd=(docker-compose)
elif docker compose version >/dev/null 2>&1; then
  compose_cmd=(docker compose)
else
  missing+=(docker-compose)
  compose_cmd=(docker-compose)
fi
if [ ${#missing[@]} -gt 0 ]; then
  can_install || { say "skipped: no Docker engine or compose here, and ${missing[*]} cannot be installed (needs root and apt-get)"; exit 0; }
  say "installing ${missing[*]} (Debian packages)"
  # docker.io with its recommended packages, as Debian installs it; only compose for an engine that answers
  # already (Debian's docker-compose recommends docker.io, which that host does not need).
  recommends=()
  [[ " ${missing[*]} " == *" docker.io "* ]] || recommends=(--no-install-recommends)
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${recommends[@]}" "${missing[@]}"; } \
    >"$work/apt.log" 2>&1 || { tail -n 20 "$work/apt.log" >&2; say "skipped: installing ${missing[*]} failed"; exit 0; }
fi
compose=("${compose_cmd[@]}" -p "$project" -f "$root/docker-compose.yaml")
if ! engine_answers; then
  [ "$(id -u)" -eq 0 ] || { say "skipped: no Docker engine answers, and starting dockerd needs root"; exit 0; }
  mkdir -p "$root/target"
  nohup dockerd >"$root/target/dockerd.log" 2>&1 &
  started_dockerd=$!
  if ! poll 30 engine_answers; then
    say "skipped: dockerd did not answer within 30 s (log: target/dockerd.log)"
    exit 0
  fi
  say "started dockerd (pid $started_dockerd; log target/dockerd.log)"
fi
say "engine $(docker version --format '{{.Server.Version}} (API {{.Server.APIVersion}})') ready $(since "$t") s"

# --- 2. Images ---------------------------------------------------------------------------------------------------
t=$(now)
images_status=0
deploy/docker/local-images.sh || images_status=$?
if [ "$images_status" -eq 3 ]; then
  say "skipped: no registry answers and the stand-in images cannot be built on this machine (see above)"
  exit 0
elif [ "$images_status" -ne 0 ]; then
  problem "deploy/docker/local-images.sh could not provide the images"
  exit 1
fi
say "images $(since "$t") s"

# --- 3. The compose stack ----------------------------------------------------------------------------------------
[ -f "$ops_jar" ] || { problem "$ops_jar is missing: run ./mvnw package first"; exit 1; }

t=$(now)
compose_up=1
if ! timeout 1200 "${compose[@]}" build >"$work/build.log" 2>&1; then
  tail -n 30 "$work/build.log" >&2
  problem "docker-compose build failed"
  exit 1
fi
say "docker-compose build (conveyor:local from ./Dockerfile) $(since "$t") s"

t=$(now)
timeout 600 "${compose[@]}" up -d >"$work/up.log" 2>&1 || { cat "$work/up.log" >&2; problem "docker-compose up -d failed"; exit 1; }
# Sum of a topic's end offsets, asked inside the kafka container with Kafka's own tool.
end_offsets() {
  timeout 60 "${compose[@]}" exec -T kafka /opt/kafka/bin/kafka-get-offsets.sh --bootstrap-server localhost:9092 \
    --topic "$1" 2>/dev/null | awk -F: '{ sum += $3 } END { print sum + 0 }'
}
some_order_processed() { [ "$(end_offsets orders-processed)" -gt 0 ]; }
if poll 300 some_order_processed; then
  say "docker-compose up -d → first order in orders-processed: $(since "$t") s"
else
  problem "no order in orders-processed within 300 s of docker-compose up -d"
  "${compose[@]}" ps >&2 || true
  "${compose[@]}" logs --tail 40 >&2 || true
  exit 1
fi

# Topics, as init-topics created them, seen from the host.
if timeout 120 java -jar "$ops_jar" topics describe --bootstrap localhost:29092 >"$work/topics.txt" 2>&1; then
  for topic in orders orders-processed orders-dlq Scenario-Execute Scenario-Execute-Response Scenario-Execute-dlq; do
    grep -q -- "$topic" "$work/topics.txt" || problem "topic $topic is missing (conveyor-ops topics describe)"
  done
  say "the six topics are there (conveyor-ops topics describe on localhost:29092)"
else
  cat "$work/topics.txt" >&2
  problem "conveyor-ops topics describe on localhost:29092 failed"
fi

# The producer's 2,000 orders: it exits 0 once every one was acknowledged; then each must come out processed or
# dead-lettered. verify reads the topics from the host (read_committed, no group).
# -a: Compose v2 lists exited containers only with it; the producer has normally exited by now.
producer_exit=$(timeout 300 docker wait "$("${compose[@]}" ps -a -q producer)" 2>/dev/null || echo "?")
[ "$producer_exit" = 0 ] || problem "the producer container exited $producer_exit"
t=$(now)
all_accounted() {
  timeout 120 java -jar "$ops_jar" verify --bootstrap localhost:29092 >"$work/verify.txt" 2>&1 \
    && grep -qE '^inputs: +2000$' "$work/verify.txt"
}
if poll 240 all_accounted; then
  say "the producer's 2000 orders each processed or dead-lettered, $(since "$t") s after it exited:"
  sed 's/^/    /' "$work/verify.txt"
else
  sed 's/^/    /' "$work/verify.txt" >&2
  problem "the 2000 orders were not all processed or dead-lettered within 240 s (conveyor-ops verify above)"
fi

# The scenario consumer's health endpoint on the host port compose publishes.
health_ok() { curl -fsS -m 5 http://localhost:8081/health >"$work/health.json"; }
if poll 60 health_ok; then
  say "GET localhost:8081/health → 200 $(cat "$work/health.json")"
else
  problem "GET http://localhost:8081/health did not answer 200 within 60 s"
fi

# Three orders consumers share the six partitions (only the consumer service: the one-shot topic setup and producer
# must not run again).
t=$(now)
"${compose[@]}" up -d --no-deps --no-recreate --scale consumer=3 consumer >"$work/scale.log" 2>&1 \
  || { cat "$work/scale.log" >&2; problem "docker-compose up -d --scale consumer=3 failed"; }
three_members() {
  timeout 60 "${compose[@]}" exec -T kafka /opt/kafka/bin/kafka-consumer-groups.sh --bootstrap-server localhost:9092 \
    --describe --group conveyor-orders --members >"$work/members.txt" 2>/dev/null || return 1
  # Columns: GROUP CONSUMER-ID HOST CLIENT-ID #PARTITIONS; three members with two partitions each.
  [ "$(awk '$1 == "conveyor-orders" && $5 == 2' "$work/members.txt" | wc -l)" -eq 3 ]
}
if poll 120 three_members; then
  say "--scale consumer=3: three members with two orders partitions each after $(since "$t") s"
else
  cat "$work/members.txt" >&2
  problem "--scale consumer=3 did not give three members with two partitions each within 120 s"
fi

# A poison record written with Kafka's console producer comes out of the DLQ with its reason headers.
echo 'not json' | timeout 60 "${compose[@]}" exec -T kafka /opt/kafka/bin/kafka-console-producer.sh \
  --bootstrap-server localhost:9092 --topic orders >"$work/poison.log" 2>&1 \
  || { cat "$work/poison.log" >&2; problem "kafka-console-producer.sh could not write to orders"; }
poison_dead_lettered() {
  timeout 60 "${compose[@]}" exec -T kafka /opt/kafka/bin/kafka-console-consumer.sh --bootstrap-server localhost:9092 \
    --topic orders-dlq --from-beginning --property print.headers=true --timeout-ms 10000 \
    >"$work/dlq.txt" 2>/dev/null || true
  grep 'not json' "$work/dlq.txt" | grep -q 'dlq\.'
}
if poll 90 poison_dead_lettered; then
  say "'not json' → orders-dlq with headers: $(grep 'not json' "$work/dlq.txt" | head -n 1 | cut -c1-300)…"
else
  problem "'not json' did not reach orders-dlq with dlq.* headers within 90 s"
fi

t=$(now)
if timeout 180 "${compose[@]}" down -v --remove-orphans >"$work/down.log" 2>&1; then
  compose_up=""
  say "docker-compose down -v $(since "$t") s"
else
  cat "$work/down.log" >&2
  problem "docker-compose down -v failed"
fi

# --- 4. The Testcontainers broker mode -----------------------------------------------------------------------------
# Ryuk (the reaper container) cannot be pulled here and the fixture stops its own container. Where the tests
# themselves run in a container (/.dockerenv), Testcontainers would start an alpine container to find the host's
# gateway; the ports it maps answer on localhost here, so TESTCONTAINERS_HOST_OVERRIDE says so. BrokerModeIT checks
# that the broker is the container (its cluster id) and that the fixture's KAFKA_* limits reached its config.
t=$(now)
if CONVEYOR_TEST_BROKER=testcontainers TESTCONTAINERS_RYUK_DISABLED=true TESTCONTAINERS_HOST_OVERRIDE=localhost \
    timeout 1800 ./mvnw -B -q verify \
    -pl ops/local-kafka,adapters-kafka -am -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
    -Dit.test='KafkaRoundTripIT,BrokerModeIT,ConveyorApiIT' -Dfailsafe.failIfNoSpecifiedTests=false \
    >"$work/tc.log" 2>&1; then
  say "Testcontainers mode: $(grep -ho 'Test broker: [^;]*' "$work/tc.log" | sort -u | paste -sd' ' -) — ITs passed in $(since "$t") s"
else
  tail -n 60 "$work/tc.log" >&2
  problem "the ITs failed with CONVEYOR_TEST_BROKER=testcontainers"
fi

say "$([ "$status" -eq 0 ] && echo passed || echo FAILED) in $(since "$started_at") s (all of the Docker step)"
exit "$status"
