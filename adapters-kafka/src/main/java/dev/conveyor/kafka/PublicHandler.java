package dev.conveyor.kafka;

import dev.conveyor.adapters.kafka.consumer.Inbound;
import dev.conveyor.adapters.kafka.consumer.MessageHandler;

import java.util.List;
import java.util.function.Predicate;

/**
 * A handler given to {@link ConveyorConsumerBuilder}, with its {@code cpuBound} test and give-up hook, for the
 * engine.
 */
final class PublicHandler<T> implements MessageHandler<T> {
    private final MessageHandler<T> handler;
    private final MessageContext.Outputs outputs;
    private final Predicate<T> cpuBound;
    private final GiveUpHandler<T> giveUp;

    PublicHandler(MessageHandler<T> handler, MessageContext.Outputs outputs, Predicate<T> cpuBound,
                  GiveUpHandler<T> giveUp) {
        this.handler = handler;
        this.outputs = outputs;
        this.cpuBound = cpuBound;
        this.giveUp = giveUp;
    }

    @Override
    public void handle(List<Inbound<T>> batch) throws Exception {
        handler.handle(batch);
    }

    @Override
    public boolean cpuBound(T message) {
        return (cpuBound != null && cpuBound.test(message)) || handler.cpuBound(message);
    }

    @Override
    public void gaveUp(Inbound<T> inbound, Throwable error) throws Exception {
        if (giveUp != null) {
            giveUp.gaveUp(inbound.message(), new MessageContext(inbound, outputs), error);
        } else {
            handler.gaveUp(inbound, error);
        }
    }
}
