package jewel.api;

/**
 * A token just made: the only time its secret is shown.
 *
 * @param token the whole token, {@code jewel_ID_SECRET}, to send as {@code Authorization: Bearer}
 */
public record NewToken(TokenInfo info, String token) {}
