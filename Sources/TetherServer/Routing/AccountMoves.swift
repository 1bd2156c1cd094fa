import Synchronization
import TetherCore

/// The accounts this region is moving away right now. While one moves, its credentials are
/// answered `503 account_moving` (``Authenticator``, sign-in), so no write lands after its rows
/// were copied and is lost with the old copy; clients and devices retry and then reach the new
/// home. Every authenticated request asks, so the check is a lock, not an actor hop.
final class AccountMoves: Sendable {
    private let moving = Mutex<Set<AccountID>>([])

    /// Marks `account` as moving; `false` when a move of it is under way already.
    func begin(_ account: AccountID) -> Bool {
        self.moving.withLock { $0.insert(account).inserted }
    }

    /// The move of `account` finished, or failed (then the account stays here, whole).
    func end(_ account: AccountID) {
        _ = self.moving.withLock { $0.remove(account) }
    }

    /// Whether `account` is moving.
    func isMoving(_ account: AccountID) -> Bool {
        self.moving.withLock { !$0.isEmpty && $0.contains(account) }
    }
}
