#!/usr/bin/env bash
# Makes sure every image the project names exists in the local Docker engine:
#   eclipse-temurin:25-jdk, eclipse-temurin:25-jre   the two stages of ./Dockerfile
#   apache/kafka:4.4.0                               docker-compose.yaml's broker and the Testcontainers test broker
# An image already present is kept. A missing one is pulled; where no registry answers (machines that reach only
# Maven Central and a Debian mirror), faithful stand-ins are built under the same tags instead:
#   local/debian:bookworm    debootstrap --variant=minbase bookworm + docker import (root, debootstrap installed)
#   eclipse-temurin:25-*     Debian 12 + the host's Temurin 25 JDK (the -jre tag: a jlink runtime of it without the
#                            development tools), in /opt/java/openjdk as in the official images; they trust the CAs
#                            the host trusts (its Java trust store and /usr/local/share/ca-certificates), so that
#                            behind a TLS-intercepting proxy the Dockerfile's build stage still reaches Maven Central
#   apache/kafka:4.4.0       Kafka 4.4.0's jars from Maven Central on that JRE, with the official image's contract:
#                            KAFKA_* environment → server.properties, KRaft, /opt/kafka/bin/kafka-*.sh
# prom/prometheus (docker-compose.yaml's `metrics` profile only) is neither pulled nor built here.
#
#   deploy/docker/local-images.sh            ensure the images (idempotent; seconds when they exist)
#   deploy/docker/local-images.sh --rebuild  build the stand-ins again even if the tags exist
# Exit 0 when every image is there, 3 when a stand-in is needed but cannot be built here (no root, no debootstrap,
# no Temurin 25 JDK), 1 on any other failure.
# Environment: CONVEYOR_IMAGE_JDK   the Temurin 25 JDK to copy (default: /usr/lib/jvm/temurin-25-jdk*, then JAVA_HOME)
#              DEBIAN_MIRROR        for debootstrap (default: the host's first apt source, else deb.debian.org)
#              PULL_TIMEOUT         seconds a pull may take (default 900; without a registry it fails at once)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
java_major=25
kafka_version=4.4.0
base_image=local/debian:bookworm
jdk_image=eclipse-temurin:${java_major}-jdk
jre_image=eclipse-temurin:${java_major}-jre
kafka_image=apache/kafka:${kafka_version}
rebuild=false

say() { echo "local-images: $*"; }
fail() { echo "local-images: $*" >&2; exit 1; }
# Exit 3: the stand-ins cannot be built on this machine at all (a prerequisite is missing), as opposed to failing.
cannot() { echo "local-images: cannot build the stand-ins here: $*" >&2; exit 3; }

for arg in "$@"; do
  case "$arg" in
    --rebuild) rebuild=true ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) fail "unknown argument $arg (try --help)" ;;
  esac
done

timeout 30 docker info >/dev/null 2>&1 || fail "no Docker engine answers (docker info failed)"

has_image() { docker image inspect "$1" >/dev/null 2>&1; }

# Runs a command with its output in a log that is shown only if it fails.
quietly() {
  "$@" >"$work/step.log" 2>&1 || { tail -n 30 "$work/step.log" >&2; fail "failed: $*"; }
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# --- Pull or build --------------------------------------------------------------------------------------------
registry=unknown
try_pull() {
  local image=$1
  [ "$registry" = unreachable ] && return 1
  if timeout "${PULL_TIMEOUT:-900}" docker pull -q "$image" >"$work/pull.log" 2>&1; then
    registry=reachable
    say "pulled $image"
    return 0
  fi
  registry=unreachable
  say "cannot pull $image ($(tail -n 1 "$work/pull.log")); building local stand-ins"
  return 1
}

wanted=()
for image in "$jdk_image" "$jre_image" "$kafka_image"; do
  if [ "$rebuild" = false ] && has_image "$image"; then
    say "$image is present"
  elif [ "$rebuild" = true ] || ! try_pull "$image"; then
    wanted+=("$image")
  fi
done
if [ ${#wanted[@]} -eq 0 ]; then
  exit 0
fi

# --- The Debian base ------------------------------------------------------------------------------------------
if [ "$rebuild" = true ] || ! has_image "$base_image"; then
  [ "$(id -u)" -eq 0 ] || cannot "building $base_image needs root (debootstrap)"
  command -v debootstrap >/dev/null || cannot "building $base_image needs debootstrap (apt-get install debootstrap)"
  # The Debian mirror the host uses: the first deb822 stanza with plain bookworm among its Suites (not -security)
  # and a .../debian URI (not a third party's repository); else deb.debian.org.
  mirror=${DEBIAN_MIRROR:-$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk -v RS= '
    /(^|\n)Suites:([^\n]* )?bookworm( [^\n]*)?(\n|$)/ && match($0, /(^|\n)URIs: *[^ \n]*\/debian\/?( |\n|$)/) {
      uri = substr($0, RSTART, RLENGTH); sub(/^\n?URIs: */, "", uri); sub(/[ \n]+$/, "", uri); print uri; exit }')}
  mirror=${mirror:-http://deb.debian.org/debian}
  say "debootstrap bookworm from $mirror → $base_image"
  debootstrap --variant=minbase bookworm "$work/rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 \
    || { tail -n 20 "$work/debootstrap.log" >&2; fail "debootstrap failed"; }
  # As Debian's slim images: no package caches, documentation or manual pages.
  rm -rf "$work"/rootfs/var/cache/apt/archives/*.deb "$work"/rootfs/var/lib/apt/lists/* \
    "$work"/rootfs/usr/share/doc/* "$work"/rootfs/usr/share/man/* "$work"/rootfs/usr/share/info/*
  tar -C "$work/rootfs" -c . | docker import - "$base_image" >/dev/null
  rm -rf "$work/rootfs"
fi

# --- The JDK and JRE images -----------------------------------------------------------------------------------
find_jdk() {
  local candidate
  for candidate in "${CONVEYOR_IMAGE_JDK:-}" /usr/lib/jvm/temurin-${java_major}-jdk* "${JAVA_HOME:-}"; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/jlink" ] || continue
    if "$candidate/bin/java" -version 2>&1 | grep -q "Temurin-${java_major}[.+]"; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

needs() { local image; for image in "${wanted[@]}"; do [ "$image" = "$1" ] && return 0; done; return 1; }

# The stand-ins trust what this host trusts: its Java trust store (Debian links the JDK's lib/security/cacerts to
# /etc/ssl/certs/java/cacerts, which the image would not have) and the CAs it added in /usr/local/share.
build_java_image() {
  local tag=$1 runtime=$2
  rm -rf "$work/java-image"
  mkdir -p "$work/java-image/ca"
  cp -a "$runtime" "$work/java-image/java"
  cp --remove-destination "$(readlink -f "$jdk/lib/security/cacerts")" "$work/java-image/java/lib/security/cacerts"
  find /usr/local/share/ca-certificates -name '*.crt' -exec cp {} "$work/java-image/ca/" \; 2>/dev/null || true
  quietly docker build -t "$tag" -f "$here/temurin/Dockerfile" "$work/java-image"
  say "built $tag ($(docker image inspect -f '{{.Size}}' "$tag" | awk '{printf "%d MB", $1/1000000}'))"
}

if needs "$jdk_image" || needs "$jre_image" || needs "$kafka_image"; then
  jdk=$(find_jdk) || cannot "no Temurin ${java_major} JDK to build the stand-ins from (set CONVEYOR_IMAGE_JDK to one)"
  say "Java for the images: $("$jdk/bin/java" -version 2>&1 | sed -n 2p) from $jdk"
  if needs "$jdk_image"; then
    build_java_image "$jdk_image" "$jdk"
  fi
  if needs "$jre_image" || { needs "$kafka_image" && ! has_image "$jre_image"; }; then
    # What a Temurin JRE holds: every module but the development tools (compiler, javadoc, jshell, jlink, ...).
    modules=$("$jdk/bin/java" --list-modules | sed 's/@.*//' \
      | grep -vxE 'jdk\.(compiler|javadoc|jshell|jdeps|jlink|jartool|jpackage|editpad|hotspot\.agent|jconsole|jstatd|internal\.(ed|le|opt)|graal\.compiler(\.management)?|internal\.vm\.ci)' \
      | paste -sd, -)
    quietly "$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files --compress zip-6 \
      --output "$work/jre"
    build_java_image "$jre_image" "$work/jre"
  fi
fi

# --- The Kafka image ------------------------------------------------------------------------------------------
if needs "$kafka_image"; then
  stage="$work/kafka"
  mkdir -p "$stage/libs" "$stage/bin"
  "$root/mvnw" -B -q -f "$here/kafka/pom.xml" dependency:copy-dependencies -DincludeScope=runtime \
    -DoutputDirectory="$stage/libs"
  cp -a "$here/kafka/config" "$here/kafka/docker" "$stage/"
  cp -a "$here/kafka/bin/." "$stage/bin/"
  for jar in "$stage"/libs/*.jar; do
    if command -v unzip >/dev/null; then unzip -Z1 "$jar"; else "$jdk/bin/jar" tf "$jar"; fi
  done >"$work/classes.txt"
  grep -v '^#' "$here/kafka/tools.txt" | while read -r script class; do
    [ -n "$script" ] || continue
    grep -qxF "${class//.//}.class" "$work/classes.txt" \
      || fail "$class ($script in deploy/docker/kafka/tools.txt) is in none of Kafka ${kafka_version}'s jars"
    printf '#!/usr/bin/env bash\nexec "$(dirname "$0")/kafka-run-class.sh" %s "$@"\n' "$class" >"$stage/bin/$script"
  done
  for class in kafka.Kafka kafka.docker.KafkaDockerWrapper; do
    grep -qxF "${class//.//}.class" "$work/classes.txt" || fail "$class is in none of Kafka ${kafka_version}'s jars"
  done
  chmod 755 "$stage"/bin/* "$stage"/docker/*
  quietly docker build -t "$kafka_image" --build-arg "JRE_IMAGE=$jre_image" -f "$here/kafka/Dockerfile" "$stage"
  say "built $kafka_image ($(docker image inspect -f '{{.Size}}' "$kafka_image" | awk '{printf "%d MB", $1/1000000}'))"
fi
