#!/usr/bin/env bash
# Runs a Kafka main class on the jars in /opt/kafka/libs. Written for Conveyor's apache/kafka stand-in image (see
# deploy/docker/local-images.sh); it reads the variables Kafka's own bin/kafka-run-class.sh reads:
#   JAVA_HOME, CLASSPATH (prepended), KAFKA_HEAP_OPTS (default -Xmx256M), KAFKA_JVM_PERFORMANCE_OPTS (default G1 with
#   Kafka's pause target), KAFKA_GC_LOG_OPTS, KAFKA_LOG4J_OPTS (default: config/tools-log4j2.yaml), KAFKA_JMX_OPTS with
#   JMX_PORT, KAFKA_OPTS, LOG_DIR.
set -euo pipefail

if [ $# -lt 1 ]; then
  echo "USAGE: $0 classname [opts]" >&2
  exit 1
fi

base_dir=$(cd "$(dirname "$0")/.." && pwd)
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
classpath="$base_dir/libs/*"
if [ -n "${CLASSPATH:-}" ]; then
  classpath="$CLASSPATH:$classpath"
fi

log_dir="${LOG_DIR:-$base_dir/logs}"
heap_opts="${KAFKA_HEAP_OPTS:--Xmx256M}"
performance_opts="${KAFKA_JVM_PERFORMANCE_OPTS:--server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -XX:MaxInlineLevel=15 -Djava.awt.headless=true}"
log4j_opts="${KAFKA_LOG4J_OPTS:--Dlog4j2.configurationFile=$base_dir/config/tools-log4j2.yaml}"
jmx_opts=""
if [ -n "${JMX_PORT:-}" ]; then
  jmx_opts="${KAFKA_JMX_OPTS:--Dcom.sun.management.jmxremote -Dcom.sun.management.jmxremote.authenticate=false -Dcom.sun.management.jmxremote.ssl=false} -Dcom.sun.management.jmxremote.port=$JMX_PORT"
fi

# Word splitting of the option variables is intended: each holds several JVM options, as in Kafka's script.
# shellcheck disable=SC2086
exec "$java" $heap_opts $performance_opts ${KAFKA_GC_LOG_OPTS:-} $jmx_opts "-Dkafka.logs.dir=$log_dir" $log4j_opts \
  ${KAFKA_OPTS:-} -cp "$classpath" "$@"
