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

extension TetherError {
    /// A move of the account is under way already (`409 move_in_progress`).
    public static let moveInProgress = TetherError(
        code: "move_in_progress",
        kind: .conflict,
        detail: "The account is moving already."
    )

    /// The account's requests under way did not finish, so a move could not begin
    /// (`503 account_busy`); nothing changed.
    public static let accountBusy = TetherError(
        code: "account_busy",
        kind: .unavailable,
        detail: "The account's other requests did not finish; try the move again.",
        retryAfterSeconds: 5
    )

    /// The new home took too long to take a moving account in and refused to finish
    /// (`503 move_expired`); nothing of the move is kept there.
    public static let moveExpired = TetherError(
        code: "move_expired",
        kind: .unavailable,
        detail: "Taking the account in took too long here; try the move again.",
        retryAfterSeconds: 5
    )

    /// The new home's answer to a move was lost and it cannot be asked how the move ended
    /// (`503 move_outcome_unknown`): the account stays closed until the old home learns it.
    public static func moveOutcomeUnknown(_ target: RegionID) -> TetherError {
        TetherError(
            code: "move_outcome_unknown",
            kind: .unavailable,
            detail: "Region \(target) took the account's copy but cannot be asked yet whether it took the account "
                + "in; the account waits until it can. Try again later.",
            retryAfterSeconds: 60
        )
    }
}
