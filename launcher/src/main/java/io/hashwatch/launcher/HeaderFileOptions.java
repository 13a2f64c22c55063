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
        checkReplay(headers, blocks, startHeight);
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
        checkReplay(headers, blocks, startHeight);
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

    /**
     * The checks every command that replays a file makes of its options ({@code run}'s too, whose replay is
     * optional): at most one of the files, readable, and a start height >= 0 (required with {@code --headers}).
     * Neither file passes: whether one is needed is the command's to say.
     */
    static void checkReplay(Path headers, Path blocks, Long startHeight) {
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
