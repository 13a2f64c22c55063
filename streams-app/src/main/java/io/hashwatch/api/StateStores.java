package io.hashwatch.api;

import io.hashwatch.topology.NetworkPartitioner;
import io.hashwatch.topology.StoreViews;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
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
 * stores, and {@link #owner} finds an instance that holds the parts a request reads. A store is read from the active task or, with stale stores enabled, from a
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
     * The instance that holds every store in {@code names} for {@code network}, when it is another one; empty when
     * this instance answers (it holds each, active or standby, or runs alone). The stores are in separate
     * sub-topologies (the chain, pools, miner stress), so their tasks may sit on different instances: one that holds
     * them all is preferred, the active owner of the first store first.
     *
     * @throws ApiException 503 while the group rebalances and no owner is known, or when no instance holds them all
     */
    Optional<HostInfo> owner(String network, List<String> names) {
        if (self == null) {
            return Optional.empty();
        }
        Set<HostInfo> holdAll = null;
        HostInfo preferred = null;
        for (String name : names) {
            KeyQueryMetadata m = streams().queryMetadataForKey(name, network, new NetworkPartitioner<>());
            if (m == null || KeyQueryMetadata.NOT_AVAILABLE.equals(m)) {
                throw ApiException.unavailable("the owner of " + network + "'s " + name + " is not known yet"
                        + " (rebalancing)");
            }
            Set<HostInfo> holders = new LinkedHashSet<>();
            holders.add(m.activeHost());
            holders.addAll(m.standbyHosts());
            if (holdAll == null) {
                holdAll = holders;
                preferred = m.activeHost();
            } else {
                holdAll.retainAll(holders);
            }
        }
        if (holdAll == null || holdAll.contains(self)) {
            return Optional.empty();
        }
        if (holdAll.isEmpty()) {
            throw ApiException.unavailable("no instance holds all of " + names + " for " + network + " (their tasks"
                    + " are on different instances; standby replicas on every instance avoid it)");
        }
        return Optional.of(holdAll.contains(preferred) ? preferred : holdAll.iterator().next());
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
