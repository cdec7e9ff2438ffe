package dev.conveyor.domain.scenario.builtin;

import dev.conveyor.domain.scenario.Parameters;
import dev.conveyor.domain.scenario.ScenarioHandler;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * {@code cpu-hash}: real CPU work — {@code rounds} (1–10,000,000, default 100,000) chained SHA-256 over
 * {@code input} (default empty, at most {@value dev.conveyor.domain.scenario.Parameters#MAX_STRING_CHARS} characters).
 * Runs on the CPU pool.
 */
public final class CpuHash implements ScenarioHandler {

    @Override
    public String name() {
        return "cpu-hash";
    }

    @Override
    public boolean cpuBound() {
        return true;
    }

    @Override
    public Map<String, Object> execute(Map<String, Object> parameters) throws NoSuchAlgorithmException {
        Parameters p = new Parameters(parameters);
        long rounds = p.integer("rounds", 100_000, 1, 10_000_000);
        byte[] hash = p.string("input", "").getBytes(StandardCharsets.UTF_8);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (long i = 0; i < rounds; i++) {
            hash = sha.digest(hash);
        }
        return Map.of("rounds", rounds, "sha256", HexFormat.of().formatHex(hash));
    }
}
