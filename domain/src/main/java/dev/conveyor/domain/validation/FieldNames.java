package dev.conveyor.domain.validation;

/** Java component names to the snake_case names used on the wire ({@code orderId} → {@code order_id}). */
public final class FieldNames {
    private FieldNames() {
    }

    public static String snakeCase(String javaName) {
        StringBuilder out = new StringBuilder(javaName.length() + 4);
        for (int i = 0; i < javaName.length(); i++) {
            char c = javaName.charAt(i);
            if (Character.isUpperCase(c)) {
                if (i > 0) {
                    out.append('_');
                }
                out.append(Character.toLowerCase(c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
