package dev.conveyor.bench;

/** One measured run of {@code bench guarantee}: what {@link GuaranteeBench}'s table shows per row. */
record GuaranteeRun(GuaranteeBench.Guarantee guarantee, double perSecond, double wallSeconds, long p50Ms, long p99Ms,
                    double cpuSeconds, double heapMiB, int failed) {
    static final String PREFIX = "conveyor-guarantee-run ";

    static GuaranteeRun of(GuaranteeBench.Guarantee guarantee, ScenarioBurst.Result burst) {
        return new GuaranteeRun(guarantee, burst.perSecond(), burst.wallSeconds(), burst.percentile(50),
                burst.percentile(99), burst.cpuSeconds(), burst.heapMiB(), burst.failed());
    }

    /** This run as one line a parent JVM reads back with {@link #parse}. */
    String line() {
        return PREFIX + guarantee.label + " " + perSecond + " " + wallSeconds + " " + p50Ms + " " + p99Ms + " "
                + cpuSeconds + " " + heapMiB + " " + failed;
    }

    /** The run a {@link #line()} in {@code output} describes; null if there is none. */
    static GuaranteeRun parse(String output) {
        for (String line : output.split("\\R")) {
            if (line.startsWith(PREFIX)) {
                String[] f = line.substring(PREFIX.length()).trim().split(" ");
                return new GuaranteeRun(GuaranteeBench.Guarantee.parse(f[0]).get(0), Double.parseDouble(f[1]),
                        Double.parseDouble(f[2]), Long.parseLong(f[3]), Long.parseLong(f[4]), Double.parseDouble(f[5]),
                        Double.parseDouble(f[6]), Integer.parseInt(f[7]));
            }
        }
        return null;
    }
}
