package io.hashwatch.config;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * One block cache and one write-buffer budget for every RocksDB store of the JVM, as Kafka Streams' memory
 * management guide bounds them. By default each store has its own 50 MB block cache and up to three 16 MB memtables:
 * for the eleven stores of the per-block sub-topologies, a bound above 1 GB off the heap, which nothing here needs
 * (their working set is a few days of blocks). Memtables are charged to the cache, so {@link #TOTAL_BYTES} bounds
 * both; index and filter blocks live in it too, at high priority.
 */
public final class BoundedRocksDbMemory implements RocksDBConfigSetter {
    /** Block cache, memtables included: the stores' working set (a few days of blocks) fits in it. */
    static final long TOTAL_BYTES = 64L * 1024 * 1024;
    /** The part of {@link #TOTAL_BYTES} memtables may take before RocksDB flushes them. */
    static final long MEMTABLE_BYTES = 16L * 1024 * 1024;
    /** The share of the cache kept for index and filter blocks. */
    static final double INDEX_FILTER_RATIO = 0.1;

    // Static: one budget per JVM, shared by every store and app (the bench runs several apps in one JVM).
    private static final Cache CACHE = new LRUCache(TOTAL_BYTES, -1, false, INDEX_FILTER_RATIO);
    private static final WriteBufferManager WRITE_BUFFERS = new WriteBufferManager(MEMTABLE_BYTES, CACHE);

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockCache(CACHE);
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinTopLevelIndexAndFilter(true);
        options.setWriteBufferManager(WRITE_BUFFERS);
        options.setTableFormatConfig(table);
    }

    @Override
    public void close(String storeName, Options options) {
        // The cache and the write-buffer manager are shared: they live as long as the JVM.
    }
}
