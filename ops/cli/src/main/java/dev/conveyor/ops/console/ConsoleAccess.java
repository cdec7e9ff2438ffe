package dev.conveyor.ops.console;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

/**
 * Who may use the console, and the CSRF token of its forms.
 * <ul>
 *   <li>Without a token (allowed only on a loopback bind) every request is let in.</li>
 *   <li>With {@code CONSOLE_TOKEN}: a request carries it as {@code Authorization: Bearer <token>}, as the password of
 *       basic auth (any user name), or as the session cookie the login page sets (an HMAC of the token, so the token
 *       itself is never stored in the browser).</li>
 *   <li>Every state-changing request (POST) carries the CSRF token in a form field, and if the browser sends an
 *       {@code Origin}, it is the console's own. The token is an HMAC of a secret drawn at start, so it changes with
 *       every console start.</li>
 * </ul>
 */
final class ConsoleAccess {
    static final String COOKIE = "conveyor_console";
    /** The shortest token accepted. */
    static final int MIN_TOKEN_CHARS = 16;

    private final byte[] token; // null: no authentication
    private final byte[] secret = new byte[32];
    private final String csrf;
    private final String loginCsrf;
    private final String session;

    ConsoleAccess(String token) {
        new SecureRandom().nextBytes(secret);
        this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
        this.csrf = hmac(secret, "csrf");
        this.loginCsrf = hmac(secret, "login");
        this.session = token == null ? null : hmac(this.token, "session");
    }

    boolean authenticating() {
        return token != null;
    }

    String csrfToken() {
        return csrf;
    }

    /** The session cookie's value once the token was given on the login page. */
    String sessionCookie() {
        return session;
    }

    /** True if the request may proceed: no token configured, or it carries the token or the session cookie. */
    boolean admits(String authorization, List<String> cookies) {
        if (token == null) {
            return true;
        }
        if (authorization != null) {
            if (authorization.regionMatches(true, 0, "Bearer ", 0, 7) && same(authorization.substring(7).strip())) {
                return true;
            }
            if (authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
                try {
                    String pair = new String(Base64.getDecoder().decode(authorization.substring(6).strip()),
                            StandardCharsets.UTF_8);
                    int colon = pair.indexOf(':');
                    if (colon >= 0 && same(pair.substring(colon + 1))) {
                        return true;
                    }
                } catch (IllegalArgumentException e) {
                    return false;
                }
            }
        }
        for (String header : cookies == null ? List.<String>of() : cookies) {
            for (String cookie : header.split(";")) {
                String c = cookie.strip();
                if (c.startsWith(COOKIE + "=") && MessageDigest.isEqual(c.substring(COOKIE.length() + 1)
                        .getBytes(StandardCharsets.UTF_8), session.getBytes(StandardCharsets.UTF_8))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** True if {@code given} is the token (constant time). */
    boolean same(String given) {
        return token != null && given != null
                && MessageDigest.isEqual(token, given.getBytes(StandardCharsets.UTF_8));
    }

    /** True if a POST's CSRF field is this console's token (constant time). */
    boolean csrfValid(String given) {
        return given != null && MessageDigest.isEqual(csrf.getBytes(StandardCharsets.UTF_8),
                given.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The login form's own CSRF token: the login page is open to anyone who reaches the console, so it must not
     * show the token of the forms that change state (only pages behind the sign-in do).
     */
    String loginCsrfToken() {
        return loginCsrf;
    }

    boolean loginCsrfValid(String given) {
        return given != null && MessageDigest.isEqual(loginCsrf.getBytes(StandardCharsets.UTF_8),
                given.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Without a token the console trusts whoever reaches its loopback address, so it answers only requests
     * addressed to a loopback name: a page of another site whose name was re-pointed at 127.0.0.1 (DNS rebinding)
     * is refused. With a token any host name is fine (the token is the check).
     */
    boolean hostAllowed(String host) {
        if (token != null) {
            return true;
        }
        if (host == null) {
            return false;
        }
        String name = host.startsWith("[") ? host.substring(0, Math.max(1, host.indexOf(']') + 1))
                : host.contains(":") ? host.substring(0, host.lastIndexOf(':')) : host;
        return name.equalsIgnoreCase("localhost") || name.equals("127.0.0.1") || name.equals("[::1]")
                || name.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    }

    private static String hmac(byte[] key, String what) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, "HmacSHA256"));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    mac.doFinal(what.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this Java runtime", e);
        }
    }
}
