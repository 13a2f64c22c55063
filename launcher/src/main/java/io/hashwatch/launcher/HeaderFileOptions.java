package io.hashwatch.launcher;

import io.hashwatch.source.BlockFileSource;
import io.hashwatch.source.HeaderFileSource;
import io.hashwatch.source.HeaderReplay;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The replayed file of {@code run}, {@code backfill} and {@code bench}: {@code --headers FILE --start-height N
 * [--network]}, or (run, backfill) {@code --blocks FILE [--start-height N]}. Declared and checked here once; whether
 * a file is needed is the command's to say ({@code run}'s replay is optional, {@link RunSettings}).
 */
public final class HeaderFileOptions {
    /** The command this is mixed into, for usage errors in its name. */
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--headers", paramLabel = "FILE",
            description = "Replay this file of raw 80-byte headers (Bitcoin Core REST .bin, Electrum"
                    + " blockchain_headers). Needs --start-height.")
    Path headers;

    @Option(names = "--blocks", paramLabel = "FILE",
            description = "Replay this file of concatenated serialized blocks (getblock <hash> 0; gzipped if .gz):"
                    + " headers, coinbases and claimed fees. Instead of --headers; --start-height optional from"
                    + " BIP34 blocks on.")
    Path blocks;

    @Option(names = "--start-height", paramLabel = "N",
            description = "Height of the first header in --headers (or block in --blocks).")
    Long startHeight;

    @Option(names = "--network", paramLabel = "NAME", defaultValue = "mainnet",
            description = "Network of the headers: mainnet, regtest, testnet4 or signet (default: ${DEFAULT-VALUE}).")
    String network;

    /** The file as a source, or a usage error saying which option to fix. */
    public HeaderReplay open() {
        checkFiles();
        PathChecks.checkNetwork(network);
        if (blocks != null) {
            try {
                return new BlockFileSource(blocks, startHeight, network);
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
        }
        if (headers == null) {
            throw new ParameterException(command.commandLine(), "give --headers FILE or --blocks FILE");
        }
        return source();
    }

    /** The header file ({@code --headers}, required with {@code --start-height}). */
    public HeaderFileSource openHeaders() {
        if (headers == null) {
            throw new ParameterException(command.commandLine(), "give --headers FILE"
                    + (blocks != null ? " (--blocks is not for this command)" : ""));
        }
        checkFiles();
        PathChecks.checkNetwork(network);
        return source();
    }

    private HeaderFileSource source() {
        try {
            return new HeaderFileSource(headers, startHeight, network);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** Whether a file to replay is given. */
    boolean given() {
        return headers != null || blocks != null;
    }

    /** The checks of a replay that may be absent ({@code run}'s): those below, and no start height without a file. */
    void checkOptional() {
        checkFiles();
        if (!given() && startHeight != null) {
            throw new UsageException("--start-height only applies to a --headers or --blocks replay; give"
                    + " --headers FILE");
        }
    }

    /**
     * The checks every command that replays a file makes of its options ({@code run}'s too, whose replay is
     * optional): at most one of the files, readable, and a start height >= 0 (required with {@code --headers}).
     * Neither file passes: whether one is needed is the command's to say.
     */
    private void checkFiles() {
        if (headers != null && blocks != null) {
            throw new UsageException("--headers and --blocks are both given: replay one file");
        }
        if (blocks != null) {
            PathChecks.checkReadableFile(blocks, "--blocks");
        } else if (headers != null) {
            PathChecks.checkReadableFile(headers, "--headers");
            if (startHeight == null) {
                throw new UsageException("--headers needs --start-height N: the height of the first header in "
                        + headers);
            }
        }
        if ((headers != null || blocks != null) && startHeight != null && startHeight < 0) {
            throw new UsageException("--start-height must be >= 0, got " + startHeight);
        }
    }
}
