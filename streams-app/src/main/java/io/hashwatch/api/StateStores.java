package io.hashwatch.api;

import io.hashwatch.model.Json;
import io.hashwatch.model.MinerDayRecord;
import io.hashwatch.topology.NetworkPartitioner;
import io.hashwatch.topology.StoreViews;
import io.hashwatch.topology.StoreViews.PoolBlock;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The app's state stores through interactive queries. Every store is keyed by network and partitioned as the
 * network's headers are ({@link NetworkPartitioner}): one task of each sub-topology holds a network's part of its
 * stores, and {@link #holder} finds the instance that holds a store's part. A request runs on an instance holding the
 * chain (every answer is as of its tip); the pools' and the miner days' stores, in sub-topologies whose tasks may sit
 * elsewhere, are read here when held here, else from their holder through an internal path of its API. A store is
 * read from the active task or, with stale stores enabled, from a standby on this instance.
 */
final class StateStores {
    private final AtomicReference<KafkaStreams> streams = new AtomicReference<>();
    /**
     * Store handles by name, taken once per streams app: a handle finds the store's current task at each read (and
     * throws when none holds it), so it outlives rebalances.
     */
    private final Map<String, Handle> handles = new ConcurrentHashMap<>();
    private final HostInfo self;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** @param self this instance's {@code application.server}, null when it runs alone */
    StateStores(HostInfo self) {
        this.self = self;
    }

    void attach(KafkaStreams kafkaStreams) {
        streams.set(kafkaStreams);
    }

    KafkaStreams streams() {
        KafkaStreams s = streams.get();
        if (s == null) {
            throw ApiException.unavailable("the streams app is starting");
        }
        return s;
    }

    HostInfo self() {
        return self;
    }

    /**
     * The instance to read store {@code name} of {@code network} on, when it is another one: empty when this
     * instance holds the network's part of it (active or standby) or runs alone; else its active owner.
     *
     * @throws ApiException 503 while the group rebalances and no owner is known
     */
    Optional<HostInfo> holder(String network, String name) {
        if (self == null) {
            return Optional.empty();
        }
        KafkaStreams s = running();
        KeyQueryMetadata m = s.queryMetadataForKey(name, network, new NetworkPartitioner<>());
        if (m == null || KeyQueryMetadata.NOT_AVAILABLE.equals(m) || m.activeHost() == null
                || m.activeHost().port() < 0) {
            throw ApiException.unavailable("the owner of " + network + "'s " + name + " is not known yet"
                    + " (rebalancing)");
        }
        if (self.equals(m.activeHost()) || m.standbyHosts().contains(self)) {
            return Optional.empty();
        }
        return Optional.of(m.activeHost());
    }

    /**
     * The pools processor's attributions of heights {@code from..to} of {@code network}: from this instance's
     * {@code pool-blocks} when it holds them, else from the instance that does ({@link Api#INTERNAL_POOL_BLOCKS}).
     * The pools are a sub-topology of their own, whose task may be on another instance than the chain's.
     */
    List<PoolBlock> poolBlocks(String network, long from, long to) {
        Optional<HostInfo> at = holder(network, StoreViews.POOL_BLOCKS);
        if (at.isEmpty()) {
            return StoreViews.poolBlocks(store(StoreViews.POOL_BLOCKS), network, from, to);
        }
        return List.of(Json.read(fetch(at.get(), Api.INTERNAL_POOL_BLOCKS, "network=" + network + "&from=" + from
                + "&to=" + to), PoolBlock[].class));
    }

    /** The pools processor's last attribution of {@code network} (its sub-topology's tip), wherever it is held. */
    Optional<PoolBlock> lastPoolBlock(String network) {
        Optional<HostInfo> at = holder(network, StoreViews.POOL_BLOCKS);
        if (at.isEmpty()) {
            return StoreViews.lastPoolBlock(store(StoreViews.POOL_BLOCKS), network);
        }
        PoolBlock[] last = Json.read(fetch(at.get(), Api.INTERNAL_POOL_BLOCKS, "network=" + network + "&last=1"),
                PoolBlock[].class);
        return last.length == 0 ? Optional.empty() : Optional.of(last[0]);
    }

    /** The miner-days records of {@code network} from day {@code from} to {@code to}, wherever they are held. */
    List<MinerDayRecord> minerDays(String network, LocalDate from, LocalDate to) {
        Optional<HostInfo> at = holder(network, StoreViews.MINER_DAYS);
        if (at.isEmpty()) {
            return StoreViews.minerDays(store(StoreViews.MINER_DAYS), network, from, to);
        }
        return List.of(Json.read(fetch(at.get(), Api.INTERNAL_MINER_DAYS, "network=" + network + "&from=" + from
                + "&to=" + to), MinerDayRecord[].class));
    }

    /** An internal read on the instance holding a store: its JSON, or 503 when it does not answer 200. */
    private byte[] fetch(HostInfo at, String path, String query) {
        URI uri = URI.create("http://" + at.host() + ":" + at.port() + path + "?" + query);
        HttpRequest req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .header(Api.FORWARDED_HEADER, "1").GET().build();
        try {
            HttpResponse<byte[]> r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) {
                throw ApiException.unavailable(at.host() + ":" + at.port() + " answered " + r.statusCode() + " for "
                        + path + " (rebalancing)");
            }
            return r.body();
        } catch (IOException e) {
            throw ApiException.unavailable("the owner " + at.host() + ":" + at.port() + " does not answer"
                    + " (failing over)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.unavailable("interrupted");
        }
    }

    /** The streams app, when it runs or rebalances: interactive queries throw in any other state. */
    private KafkaStreams running() {
        KafkaStreams s = streams();
        KafkaStreams.State state = s.state();
        if (state != KafkaStreams.State.RUNNING && state != KafkaStreams.State.REBALANCING) {
            throw ApiException.unavailable("the streams app is " + state.name().toLowerCase());
        }
        return s;
    }

    /**
     * A store of this instance, active or standby.
     *
     * @throws ApiException 503 while it restores, migrates or the app is not running
     */
    @SuppressWarnings("unchecked")
    <V> ReadOnlyKeyValueStore<String, V> store(String name) {
        KafkaStreams s = running();
        Handle h = handles.get(name);
        if (h == null || h.streams() != s) {
            try {
                h = new Handle(s, s.store(StoreQueryParameters.<ReadOnlyKeyValueStore<String, Object>>fromNameAndType(
                        name, QueryableStoreTypes.keyValueStore()).enableStaleStores()));
            } catch (org.apache.kafka.streams.errors.InvalidStateStoreException e) {
                throw ApiException.unavailable("store " + name + " is restoring or moving: " + e.getMessage());
            }
            handles.put(name, h);
        }
        return (ReadOnlyKeyValueStore<String, V>) h.store();
    }

    /** A store handle and the app it was taken from. */
    private record Handle(KafkaStreams streams, ReadOnlyKeyValueStore<String, ?> store) {
    }
}
