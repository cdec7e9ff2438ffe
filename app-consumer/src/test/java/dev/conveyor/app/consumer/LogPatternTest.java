package dev.conveyor.app.consumer;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The consumer binary's own {@code logback.xml} (the text format, as the jar runs it): a message carrying CR or LF
 * cannot forge a second log line; a stack trace still spans lines.
 */
class LogPatternTest {
    private final LoggerContext context = new LoggerContext();

    @BeforeEach
    void configureAsTheBinaryDoes() throws Exception {
        URL config = ConsumerApp.class.getClassLoader().getResource("logback.xml");
        assertNotNull(config, "the binary's logback.xml is on the class path");
        assertTrue(config.getPath().contains("/classes/"), "main resources, not a test one: " + config);
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(config);
    }

    @AfterEach
    void stop() {
        context.stop();
    }

    private String render(String message, Object[] arguments, Throwable error) {
        Logger logger = context.getLogger("dev.conveyor.app.consumer.OrdersFlow");
        LoggingEvent event = new LoggingEvent(Logger.class.getName(), logger, Level.WARN, message, error, arguments);
        @SuppressWarnings("unchecked")
        OutputStreamAppender<ILoggingEvent> text = (OutputStreamAppender<ILoggingEvent>)
                context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("text");
        assertNotNull(text, "the text appender is the one in use by default");
        return new String(text.getEncoder().encode(event), StandardCharsets.UTF_8);
    }

    @Test
    void givenAMessageWithCrAndLf_whenRenderedInTheTextFormat_thenItIsOneLineWithTheBreaksEscaped() {
        String forged = "bob\r\n2026-01-01T00:00:00.000Z INFO  [main] d.c.a.c.OrdersFlow - all good";

        String rendered = render("Rejected order from {}\nsecond line", new Object[] {forged}, null);

        List<String> lines = rendered.lines().toList();
        assertEquals(1, lines.size(), rendered);
        assertTrue(lines.get(0).endsWith("Rejected order from bob\\r\\n2026-01-01T00:00:00.000Z INFO  [main] "
                + "d.c.a.c.OrdersFlow - all good\\nsecond line"), lines.get(0));
    }

    @Test
    void givenAnException_whenRendered_thenTheMessageIsOneLineAndTheStackTraceFollowsOnItsOwnLines() {
        String rendered = render("Failed: {}", new Object[] {"a\nb"}, new IllegalStateException("boom"));

        List<String> lines = rendered.lines().toList();
        assertTrue(lines.get(0).endsWith("Failed: a\\nb"), lines.get(0));
        assertEquals("java.lang.IllegalStateException: boom", lines.get(1));
        assertTrue(lines.get(2).strip().startsWith("at "), rendered);
    }
}
