package com.example.shipments;

import dev.conveyor.domain.processing.PoisonMessageException;
import dev.conveyor.kafka.ConveyorConsumer;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Totals the weight leaving each warehouse. A parcel sent twice is refused (to the dead-letter topic, with the reason)
 * rather than counted twice; an invalid shipment never reaches the handler (it goes to the dead-letter topic too).
 */
public final class ShipmentsService {
    private final Map<String, LongAdder> gramsByWarehouse = new ConcurrentHashMap<>();
    private final Map<String, Boolean> seen = new ConcurrentHashMap<>();

    public ConveyorConsumer<Shipment> start(String bootstrap, String topic) {
        return ConveyorConsumer.builder(Shipment.class)
                .bootstrap(bootstrap)
                .topics(topic)
                .group("shipments-service")
                .deadLetterTopic(topic + "-dlq")
                .handler(shipment -> {
                    if (seen.putIfAbsent(shipment.parcelId(), true) != null) {
                        throw new PoisonMessageException("parcel " + shipment.parcelId() + " shipped twice");
                    }
                    gramsByWarehouse.computeIfAbsent(shipment.warehouse(), w -> new LongAdder()).add(shipment.grams());
                })
                .build()
                .start();
    }

    public long grams(String warehouse) {
        LongAdder total = gramsByWarehouse.get(warehouse);
        return total == null ? 0 : total.sum();
    }
}
