/**
 * The domain's publishing out-ports ({@code PublishOrderPort}, {@code PublishScenarioRequestPort}) on the public
 * {@link dev.conveyor.kafka.ConveyorProducer}: what the producer binary publishes through.
 */
package dev.conveyor.adapters.kafka.publish;
