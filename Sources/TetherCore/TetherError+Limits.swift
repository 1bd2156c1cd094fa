// MARK: - Limits of the front door

extension TetherError {
    /// The server holds as many request bodies as it allows at once (`--max-bytes-in-flight`):
    /// `503 server_busy`; a retry after `retryAfterSeconds` may find room.
    public static func serverBusy(retryAfterSeconds: Int) -> TetherError {
        TetherError(
            code: "server_busy",
            kind: .unavailable,
            detail: "The server is receiving as much as it can; try again in \(retryAfterSeconds) s.",
            retryAfterSeconds: retryAfterSeconds
        )
    }

    /// The account has as many alert streams open as it may (`--max-streams-per-account`):
    /// `429 too_many_streams`, until one of them ends.
    public static func tooManyStreams(limit: Int) -> TetherError {
        TetherError(
            code: "too_many_streams",
            kind: .rateLimited,
            detail: "This account already has \(limit) alert streams open; close one first.",
            retryAfterSeconds: 1
        )
    }
}
