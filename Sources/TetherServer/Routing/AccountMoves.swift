import TetherCore

/// The accounts this region is moving away right now. While one moves, its credentials are
/// answered `503 account_moving` (``Authenticator``), so no write lands after its rows were
/// copied and is lost with the old copy; clients and devices retry and then reach the new home.
actor AccountMoves {
    private var moving: Set<AccountID> = []

    /// Marks `account` as moving; `false` when a move of it is under way already.
    func begin(_ account: AccountID) -> Bool {
        self.moving.insert(account).inserted
    }

    /// The move of `account` finished, or failed (then the account stays here, whole).
    func end(_ account: AccountID) {
        self.moving.remove(account)
    }

    /// Whether `account` is moving.
    func isMoving(_ account: AccountID) -> Bool {
        self.moving.contains(account)
    }
}
