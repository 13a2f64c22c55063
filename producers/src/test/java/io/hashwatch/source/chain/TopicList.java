package io.hashwatch.source.chain;

import io.hashwatch.bitcoin.BlockHeader;
import io.hashwatch.model.HeaderRecord;
import io.hashwatch.model.StaleBranchRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The headers topic in memory: a {@link HeaderSink} appending to a list and a {@link PublishedChain.Loader} folding
 * that list, as the Kafka versions do. Coinbase fills go to a list of their own (they say nothing of the chain, and
 * a follower reading the topic back skips them). A test can make publishing fail.
 */
final class TopicList implements HeaderSink, PublishedChain.Loader {
    final List<HeaderRecord> records = new CopyOnWriteArrayList<>();
    final List<HeaderRecord> fills = new CopyOnWriteArrayList<>();
    final List<StaleBranchRecord> staleBranches = new CopyOnWriteArrayList<>();
    volatile boolean failing;
    volatile int loads;

    @Override
    public void publish(List<HeaderRecord> batch) throws SourceException {
        if (failing) {
            throw new SourceException(SourceException.Kind.KAFKA, "publishing to topic headers failed: broker down"
                    + " (test)");
        }
        for (HeaderRecord r : batch) {
            (r.fillsCoinbase() ? fills : records).add(r);
        }
    }

    @Override
    public void staleBranches(List<StaleBranchRecord> batch) {
        staleBranches.addAll(batch);
    }

    @Override
    public PublishedChain load(String network, int window) throws SourceException {
        if (failing) {
            throw new SourceException(SourceException.Kind.KAFKA, "reading topic headers failed (test)");
        }
        loads++;
        return PublishedChain.fold(network, window, records);
    }

    List<Long> heights() {
        return records.stream().map(HeaderRecord::height).toList();
    }

    /** The chain the records leave: the last record per height, cut above each record (as a reorg does). */
    TreeMap<Long, String> chain() {
        TreeMap<Long, String> out = new TreeMap<>();
        for (HeaderRecord r : records) {
            out.tailMap(r.height(), true).clear();
            out.put(r.height(), BlockHeader.fromHex(r.headerHex()).hash());
        }
        return out;
    }

    long last() {
        return records.isEmpty() ? -1 : records.get(records.size() - 1).height();
    }

    /** Each record's parent is the record before it, or (after a reorg) a block published earlier. */
    static void assertLinked(List<HeaderRecord> records) {
        Map<Long, String> chain = new TreeMap<>();
        for (HeaderRecord r : new ArrayList<>(records)) {
            BlockHeader h = BlockHeader.fromHex(r.headerHex());
            String parent = chain.get(r.height() - 1);
            if (parent != null && !parent.equals(h.prevHash())) {
                throw new AssertionError("record at " + r.height() + " does not link to the published block below");
            }
            if (parent == null && !chain.isEmpty()) {
                throw new AssertionError("record at " + r.height() + " has no published parent: a gap");
            }
            ((TreeMap<Long, String>) chain).tailMap(r.height(), true).clear();
            chain.put(r.height(), h.hash());
        }
    }
}
