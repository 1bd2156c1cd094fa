extension TetherError {
    /// A home region sent account data to a region its residency policy does not list as a
    /// replica (`403 residency_refused`); nothing is stored.
    public static func residencyRefused(home: RegionID, replica: RegionID) -> TetherError {
        TetherError(
            code: "residency_refused",
            kind: .forbidden,
            field: "home",
            detail:
                "Region \(home) does not list \(replica) among its replicas; its accounts' data may not be kept here."
        )
    }

    /// A replicated record that does not check out: a box that does not open, an id that does
    /// not match its bytes, rows that do not parse (`422 replica_invalid`, naming the record).
    public static func replicaInvalid(field: String, _ detail: String) -> TetherError {
        TetherError(code: "replica_invalid", kind: .unprocessable, field: field, detail: detail)
    }
}

extension TetherError {
    /// The account is moving to another region right now (`503 account_moving`): nothing of it
    /// is changed meanwhile, so nothing acknowledged is left behind; retry in a second, when the
    /// old home answers `421` with the new one.
    public static let accountMoving = TetherError(
        code: "account_moving",
        kind: .unavailable,
        detail: "The account is moving to another region; try again in a moment.",
        retryAfterSeconds: 1
    )
}
