package io.hashwatch.launcher;

import io.hashwatch.bitcoin.Network;
import io.hashwatch.source.BlockFileSource;
import io.hashwatch.source.HeaderFileSource;
import io.hashwatch.source.HeaderReplay;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The replayed file of {@code backfill} and {@code bench}: {@code --headers FILE --start-height N [--network]}, or
 * (backfill) {@code --blocks FILE [--start-height N]}.
 */
public final class HeaderFileOptions {
    /** The command this is mixed into, for usage errors in its name. */
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--headers", paramLabel = "FILE",
            description = "File of raw 80-byte headers (Bitcoin Core REST .bin, Electrum blockchain_headers).")
    Path headers;

    @Option(names = "--blocks", paramLabel = "FILE",
            description = "File of concatenated serialized blocks (getblock <hash> 0; gzipped if .gz): headers,"
                    + " coinbases and claimed fees. Instead of --headers.")
    Path blocks;

    @Option(names = "--start-height", paramLabel = "N",
            description = "Height of the first header (block) in the file; with --blocks optional from BIP34 on.")
    Long startHeight;

    @Option(names = "--network", paramLabel = "NAME", defaultValue = "mainnet",
            description = "Network of the headers (default: ${DEFAULT-VALUE}).")
    String network;

    /** The file as a source, or a usage error saying which option to fix. */
    public HeaderReplay open() {
        if (blocks != null) {
            if (headers != null) {
                throw new UsageException("--headers and --blocks are both given: replay one file");
            }
            PathChecks.checkReadableFile(blocks, "--blocks");
            if (startHeight != null && startHeight < 0) {
                throw new UsageException("--start-height must be >= 0, got " + startHeight);
            }
            checkNetwork();
            try {
                return new BlockFileSource(blocks, startHeight, network);
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
        }
        if (headers == null) {
            throw new ParameterException(command.commandLine(),
                    "give --headers FILE or --blocks FILE");
        }
        return openHeaders();
    }

    private void checkNetwork() {
        if (Network.byName(network).isEmpty()) {
            throw new UsageException("unknown network '" + network + "' (--network): use one of "
                    + PathChecks.networks());
        }
    }

    /** The header file ({@code --headers}, required with {@code --start-height}). */
    public HeaderFileSource openHeaders() {
        if (headers == null) {
            throw new ParameterException(command.commandLine(), "give --headers FILE"
                    + (blocks != null ? " (--blocks is not for this command)" : ""));
        }
        PathChecks.checkReadableFile(headers, "--headers");
        if (startHeight == null) {
            throw new UsageException("--headers needs --start-height N: the height of the first header in "
                    + headers);
        }
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
