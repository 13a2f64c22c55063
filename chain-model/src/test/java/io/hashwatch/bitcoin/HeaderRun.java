package io.hashwatch.bitcoin;

import io.hashwatch.testing.SharedData;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.List;

/**
 * A run of consecutive real headers from one data file, with the summaries a chain state would keep: chainwork is
 * the sum of {@link Work#blockProof} from the file's first header (absolute only for a file starting at genesis).
 */
final class HeaderRun {
    final Path file;
    final long first;
    final List<BlockHeader> headers;
    final BlockSummary[] summaries;

    HeaderRun(Path file) {
        this.file = file;
        this.first = SharedData.firstHeight(file);
        this.headers = SharedData.readParsedHeaders(file);
        if (headers.size() != SharedData.lastHeight(file) - first + 1) {
            throw new IllegalStateException(file + " holds " + headers.size() + " headers, its name says "
                    + (SharedData.lastHeight(file) - first + 1));
        }
        this.summaries = new BlockSummary[headers.size()];
        BigInteger work = BigInteger.ZERO;
        for (int i = 0; i < headers.size(); i++) {
            BlockHeader h = headers.get(i);
            work = work.add(Work.blockProof(CompactTarget.decode(h.bits())));
            summaries[i] = new BlockSummary(first + i, h.hash(), h.time(), h.bits(), work);
        }
    }

    static HeaderRun load(String fileName) {
        return new HeaderRun(SharedData.requireHeaders(fileName));
    }

    long last() {
        return first + headers.size() - 1;
    }

    BlockHeader header(long height) {
        return headers.get((int) (height - first));
    }

    BlockSummary summary(long height) {
        return height >= first && height <= last() ? summaries[(int) (height - first)] : null;
    }

    /** Ancestors restricted to the heights below {@code limit}: what a chain state has seen before that header. */
    Ancestors seenBefore(long limit) {
        return h -> h < limit ? summary(h) : null;
    }
}
