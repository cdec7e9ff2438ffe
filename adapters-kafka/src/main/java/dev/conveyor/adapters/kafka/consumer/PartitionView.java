package dev.conveyor.adapters.kafka.consumer;

/**
 * One assigned partition as the status report shows it, refreshed about once a second by the poll thread.
 *
 * @param committed    the commit position: every record below it is done (-1 before the partition's first poll)
 * @param end          the partition's end offset as last fetched (-1 if not known yet)
 * @param lag          records from the commit position to the end (what a restart would process)
 * @param pausedBecause why the engine holds the partition paused: {@code operator}, {@code circuit_breaker_open},
 *                     {@code buffered_bytes_full}, {@code backlog_full}; null when it is not paused
 */
public record PartitionView(String topic, int partition, long committed, long end, long lag, String pausedBecause) {
}
