package dev.conveyor.ops.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.conveyor.ops.Main;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who may use the console, without a broker: every check here happens before Kafka is asked anything (nothing
 * listens on the bootstrap address given).
 */
class ConsoleSecurityTest {
    private static final String TOKEN = "a-token-of-24-characters";
    private static final Map<String, Object> NO_CLUSTER = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
            "localhost:1");
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @Test
    void givenANonLoopbackBind_whenNoTokenIsSet_thenTheConsoleDoesNotStart() {
        Run run = run(Map.of(), "console", "--bind", "0.0.0.0", "--port", "0", "--bootstrap", "localhost:1");
        assertEquals(2, run.exit, run.err);
        assertTrue(run.err.contains("set CONSOLE_TOKEN"), run.err);
        Run shortToken = run(Map.of("CONSOLE_TOKEN", "short"), "console", "--bind", "0.0.0.0", "--port", "0",
                "--bootstrap", "localhost:1");
        assertEquals(2, shortToken.exit, shortToken.err);
        assertTrue(shortToken.err.contains("CONSOLE_TOKEN: at least 16 characters"), shortToken.err);
        Run badPort = run(Map.of(), "console", "--port", "70000", "--bootstrap", "localhost:1");
        assertEquals(2, badPort.exit, badPort.err);
    }

    @Test
    void givenATokenOnANonLocalBind_whenRequestsComeWithoutIt_thenTheyAreRefused() throws Exception {
        try (ConsoleServer console = ConsoleCommand.start(new ConsoleOptions("0.0.0.0", 0, TOKEN, false,
                "status", "commands"), NO_CLUSTER)) {
            String base = "http://127.0.0.1:" + console.port();
            HttpResponse<String> post = send(post(base + "/commands", "instance=x&action=resume_all"));
            assertEquals(401, post.statusCode(), "an unauthenticated POST is refused");
            assertEquals(401, send(post(base + "/dlq/orders-dlq/replay", "step=confirm")).statusCode());
            HttpResponse<String> page = send(HttpRequest.newBuilder(URI.create(base + "/")).build());
            assertEquals(303, page.statusCode(), "a browser is sent to the login page");
            assertEquals("/login", page.headers().firstValue("Location").orElse(""));
            assertEquals(401, send(HttpRequest.newBuilder(URI.create(base + "/api/history")).build()).statusCode());
            assertEquals(401, send(HttpRequest.newBuilder(URI.create(base + "/api/history"))
                    .header("Authorization", "Bearer not-the-token-at-all").build()).statusCode());

            // With the token (bearer or basic) a POST still needs the CSRF token of a page.
            HttpResponse<String> noCsrf = send(post(base + "/commands", "instance=x&action=resume_all", bearer()));
            assertEquals(403, noCsrf.statusCode());
            assertTrue(noCsrf.body().contains("CSRF"), noCsrf.body());
            String basic = "Basic " + Base64.getEncoder().encodeToString(("ops:" + TOKEN).getBytes(
                    StandardCharsets.UTF_8));
            assertEquals(200, send(HttpRequest.newBuilder(URI.create(base + "/api/history"))
                    .header("Authorization", basic).build()).statusCode());

            // The login page: a wrong token is refused, the right one sets an HttpOnly, SameSite cookie.
            HttpResponse<String> login = send(HttpRequest.newBuilder(URI.create(base + "/login")).build());
            String csrf = csrf(login.body());
            // The login page is open to all: its token is not the one of the forms behind the sign-in.
            HttpResponse<String> withLoginToken = send(post(base + "/commands", "csrf=" + csrf
                    + "&instance=x&action=resume_all", bearer()));
            assertEquals(403, withLoginToken.statusCode());
            assertEquals(401, send(post(base + "/login", "csrf=" + csrf + "&token=wrong-token-wrong-token"))
                    .statusCode());
            HttpResponse<String> in = send(post(base + "/login", "csrf=" + csrf + "&token=" + TOKEN));
            assertEquals(303, in.statusCode());
            String cookie = in.headers().firstValue("Set-Cookie").orElseThrow();
            assertTrue(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), cookie);
            assertFalse(cookie.contains(TOKEN), "the cookie is not the token");
            String session = cookie.substring(0, cookie.indexOf(';'));
            assertEquals(200, send(HttpRequest.newBuilder(URI.create(base + "/api/history"))
                    .header("Cookie", session).build()).statusCode());

            // Another site's form (an Origin that is not the console) is refused even with the session.
            HttpResponse<String> crossSite = send(HttpRequest.newBuilder(URI.create(base + "/commands"))
                    .header("Cookie", session).header("Origin", "http://evil.example")
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("csrf=" + csrf + "&instance=x&action=resume_all"))
                    .build());
            assertEquals(403, crossSite.statusCode());
        }
    }

    @Test
    void givenNoToken_whenARequestNamesAnotherHost_thenItIsRefused() throws Exception {
        try (ConsoleServer console = ConsoleCommand.start(new ConsoleOptions("127.0.0.1", 0, null, false,
                "status", "commands"), NO_CLUSTER)) {
            // DNS rebinding: a page of evil.example whose name now points at 127.0.0.1 reaches the console.
            assertTrue(rawStatusLine(console.port(), "evil.example:" + console.port()).contains(" 421 "));
            assertTrue(rawStatusLine(console.port(), "localhost:" + console.port()).contains(" 200 "));
            assertTrue(rawStatusLine(console.port(), "127.0.0.1:" + console.port()).contains(" 200 "));
            // A sandboxed frame's form (Origin: null) is refused before its CSRF field is even looked at.
            HttpResponse<String> opaque = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + console.port() + "/commands")).header("Origin", "null")
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("csrf=x&instance=x&action=resume_all")).build());
            assertEquals(403, opaque.statusCode());
        }
    }

    private static String rawStatusLine(int port, String host) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.getOutputStream().write(("GET /api/history HTTP/1.1\r\nHost: " + host
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine();
        }
    }

    @Test
    void givenReadOnly_whenAStateChangeIsPosted_thenItIsRefused() throws Exception {
        try (ConsoleServer console = ConsoleCommand.start(new ConsoleOptions("127.0.0.1", 0, null, true,
                "status", "commands"), NO_CLUSTER)) {
            String base = "http://127.0.0.1:" + console.port();
            // Read-only pages carry no form at all; whatever the CSRF field, a POST is refused.
            HttpResponse<String> post = send(post(base + "/commands", "csrf=anything&instance=x&action=resume_all"));
            assertEquals(403, post.statusCode());
            assertTrue(post.body().contains("read-only"), post.body());
        }
    }

    @Test
    void givenMarkupInARequest_whenAnErrorPageEchoesIt_thenItIsEscapedAndNoInlineScriptMayRun() throws Exception {
        try (ConsoleServer console = ConsoleCommand.start(new ConsoleOptions("127.0.0.1", 0, null, false,
                "status", "commands"), NO_CLUSTER)) {
            String base = "http://127.0.0.1:" + console.port();
            HttpResponse<String> page = send(HttpRequest.newBuilder(URI.create(base
                    + "/dlq/%3Cscript%3Ealert(1)%3C%2Fscript%3E")).build());
            assertEquals(400, page.statusCode());
            assertFalse(page.body().contains("<script>alert(1)"), page.body());
            assertTrue(page.body().contains("&lt;script&gt;alert(1)&lt;/script&gt;"), page.body());
            String policy = page.headers().firstValue("Content-Security-Policy").orElseThrow();
            assertTrue(policy.contains("script-src 'self'") && !policy.contains("unsafe-inline"), policy);
            assertEquals("nosniff", page.headers().firstValue("X-Content-Type-Options").orElse(""));
            assertEquals(413, send(post(base + "/commands", "x=" + "a".repeat(Http.MAX_BODY_BYTES + 10)))
                    .statusCode(), "a form over the limit is refused before it is read whole");
        }
    }

    @Test
    void givenValues_whenShown_thenJsonIsPrettyBinaryIsBase64AndLongValuesAreFolded() {
        Map<String, Object> json = ConsoleServer.shown("{\"a\":1}".getBytes(StandardCharsets.UTF_8));
        assertEquals("{\n  \"a\" : 1\n}", json.get("head"));
        Map<String, Object> binary = ConsoleServer.shown(new byte[] {(byte) 0xff, 0x00, 0x01});
        assertEquals("/wAB", binary.get("head"));
        assertTrue(String.valueOf(binary.get("kind")).startsWith("base64"));
        Map<String, Object> control = ConsoleServer.shown("a\u001b[31mred".getBytes(StandardCharsets.UTF_8));
        assertTrue(String.valueOf(control.get("kind")).startsWith("base64"), "terminal escapes are not shown raw");
        Map<String, Object> longText = ConsoleServer.shown("x".repeat(ConsoleServer.FOLD_CHARS + 5)
                .getBytes(StandardCharsets.UTF_8));
        assertEquals(ConsoleServer.FOLD_CHARS, String.valueOf(longText.get("head")).length());
        assertEquals("xxxxx", longText.get("rest"));
        Map<String, Object> huge = ConsoleServer.shown("y".repeat(ConsoleServer.MAX_SHOWN_CHARS + 1)
                .getBytes(StandardCharsets.UTF_8));
        assertEquals(Boolean.TRUE, huge.get("cut"));
        assertEquals("(null)", ConsoleServer.shown(null).get("head"));
    }

    @Test
    void givenWhereToGoBack_whenItIsNotAPathOfTheConsole_thenItIsNotFollowed() {
        for (String ok : new String[] {"/", "/groups/conveyor-orders", "/groups/a%2Fb"}) {
            assertTrue(ConsoleServer.SAFE_BACK.matcher(ok).matches(), ok);
        }
        for (String bad : new String[] {"//evil.example", "/\\evil.example", "https://evil.example", "evil",
                "/groups/x\r\nSet-Cookie:a=b", "/a?b=c"}) {
            assertFalse(ConsoleServer.SAFE_BACK.matcher(bad).matches(), bad);
        }
    }

    private record Run(int exit, String out, String err) {
    }

    private static Run run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.execute(env, new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(exit, out.toString(), err.toString());
    }

    private static String bearer() {
        return "Bearer " + TOKEN;
    }

    private static HttpRequest post(String url, String form) {
        return post(url, form, null);
    }

    private static HttpRequest post(String url, String form, String authorization) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        return builder.build();
    }

    private HttpResponse<String> send(HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static String csrf(String html) {
        Matcher m = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(html);
        assertTrue(m.find(), "a form with a CSRF token in: " + html);
        assertNotNull(m.group(1));
        return m.group(1);
    }
}
