package io.hashwatch.api;

import io.hashwatch.topology.NetworkPartitioner;
import io.hashwatch.topology.StoreViews;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The app's state stores through interactive queries. Every store is keyed by network and partitioned as the
 * network's headers are ({@link NetworkPartitioner}), so one task, and so one instance, owns all of a network's
 * state: {@link #owner} finds it. A store is read from the active task or, with stale stores enabled, from a
 * standby on this instance.
 */
final class StateStores {
    private final AtomicReference<KafkaStreams> streams = new AtomicReference<>();
    private final HostInfo self;

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
     * The instance whose active task holds {@code network}'s state, when it is another one; empty when this
     * instance answers (it owns the network, holds a standby of it, or runs alone).
     *
     * @throws ApiException 503 while the group rebalances and no owner is known
     */
    Optional<HostInfo> owner(String network) {
        if (self == null) {
            return Optional.empty();
        }
        KeyQueryMetadata m = streams().queryMetadataForKey(StoreViews.BEST_CHAIN, network,
                new NetworkPartitioner<>());
        if (m == null || KeyQueryMetadata.NOT_AVAILABLE.equals(m)) {
            throw ApiException.unavailable("the owner of " + network + " is not known yet (rebalancing)");
        }
        if (self.equals(m.activeHost()) || m.standbyHosts().contains(self)) {
            return Optional.empty();
        }
        return Optional.of(m.activeHost());
    }

    /**
     * A store of this instance, active or standby.
     *
     * @throws ApiException 503 while it restores, migrates or the app is not running
     */
    <V> ReadOnlyKeyValueStore<String, V> store(String name) {
        KafkaStreams s = streams();
        KafkaStreams.State state = s.state();
        if (state != KafkaStreams.State.RUNNING && state != KafkaStreams.State.REBALANCING) {
            throw ApiException.unavailable("the streams app is " + state.name().toLowerCase());
        }
        try {
            return s.store(StoreQueryParameters.<ReadOnlyKeyValueStore<String, V>>fromNameAndType(name,
                    QueryableStoreTypes.keyValueStore()).enableStaleStores());
        } catch (org.apache.kafka.streams.errors.InvalidStateStoreException e) {
            throw ApiException.unavailable("store " + name + " is restoring or moving: " + e.getMessage());
        }
    }
}
