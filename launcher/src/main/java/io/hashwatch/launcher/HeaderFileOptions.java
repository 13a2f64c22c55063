package io.hashwatch.launcher;

import io.hashwatch.bitcoin.Network;
import io.hashwatch.source.HeaderFileSource;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The header file of {@code backfill} and {@code bench}: {@code --headers FILE --start-height N [--network]}. */
public final class HeaderFileOptions {
    @Option(names = "--headers", paramLabel = "FILE", required = true,
            description = "File of raw 80-byte headers (Bitcoin Core REST .bin, Electrum blockchain_headers).")
    Path headers;

    @Option(names = "--start-height", paramLabel = "N", required = true,
            description = "Height of the first header in the file.")
    Long startHeight;

    @Option(names = "--network", paramLabel = "NAME", defaultValue = "mainnet",
            description = "Network of the headers (default: ${DEFAULT-VALUE}).")
    String network;

    /** The file as a source, or a usage error saying which option to fix. */
    public HeaderFileSource open() {
        PathChecks.checkReadableFile(headers, "--headers");
        if (startHeight < 0) {
            throw new UsageException("--start-height must be >= 0, got " + startHeight);
        }
        if (Network.byName(network).isEmpty()) {
            throw new UsageException("unknown network '" + network + "' (--network): use one of "
                    + PathChecks.networks());
        }
        try {
            return new HeaderFileSource(headers, startHeight, network);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }
}
