package dev.conveyor.ops.dlq;

/**
 * What one replay run did. {@code alreadyReplayed} counts offsets below the committed progress (all replayed, or
 * holding no record) plus records found in the progress record's ranges.
 *
 * @param stoppedBecause why the run ended before the end of the topic, or null
 */
record ReplaySummary(boolean dryRun, long replayed, long refused, long failed, long skipped, long alreadyReplayed,
                     String stoppedBecause) {
    /** 0 when everything in reach was replayed (or skipped by a filter); 1 if a record was refused or failed. */
    int exitCode() {
        return refused > 0 || failed > 0 ? 1 : 0;
    }

    String line() {
        String line = (dryRun ? "Would replay " : "Replayed ") + replayed + ", refused " + refused
                + (failed > 0 ? ", failed " + failed : "") + ", skipped " + skipped + " (filters)"
                + ", already replayed earlier: " + alreadyReplayed;
        if (stoppedBecause != null) {
            line += "; stopped: " + stoppedBecause;
        }
        return dryRun ? line + " (dry run: nothing written, nothing committed)" : line;
    }
}
