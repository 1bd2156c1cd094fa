import Synchronization
import TetherCore
import TetherSync

/// The accounts this region is moving away right now, and the writes in flight for each.
///
/// A move begins by closing the account to new writes (they are answered `503 account_moving`,
/// and clients and devices retry and then reach the new home), then waits until every write
/// admitted before that has finished: nothing written after the copy could be lost with the old
/// copy. Every authenticated request asks, so the checks are a lock, not an actor hop.
final class AccountMoves: Sendable {
    private struct State {
        var moving: Set<AccountID> = []
        var writesInFlight: [AccountID: Int] = [:]
        /// Accounts held here that the directory names another region for (``markStray(_:home:)``).
        var strays: [AccountID: RegionDirectory.Region] = [:]
        /// Moves whose target's answer was lost; the `move-check` job asks how they ended.
        var inDoubt: [AccountID: MoveInDoubt] = [:]
    }

    private let state = Mutex(State())

    /// How long a move waits for the account's writes in flight before it gives up.
    static let drainTimeout: Duration = .seconds(30)

    /// Admits a write for `account` unless it is moving or stray; the caller must
    /// ``finishWrite(_:)``.
    func admitWrite(_ account: AccountID) -> Bool {
        self.state.withLock { state in
            guard !state.moving.contains(account), state.strays[account] == nil else { return false }
            state.writesInFlight[account, default: 0] += 1
            return true
        }
    }

    /// A write admitted by ``admitWrite(_:)`` has finished.
    func finishWrite(_ account: AccountID) {
        self.state.withLock { state in
            guard let count = state.writesInFlight[account] else { return }
            state.writesInFlight[account] = count > 1 ? count - 1 : nil
        }
    }

    /// Whether `account` is moving.
    func isMoving(_ account: AccountID) -> Bool {
        self.state.withLock { !$0.moving.isEmpty && $0.moving.contains(account) }
    }

    /// Closes `account` to new writes and waits until the ones in flight, other than the
    /// caller's own `ownWrites`, have finished.
    ///
    /// - Throws: `move_in_progress` (409) when a move of it is under way already;
    ///   `account_busy` (503, and the account is open again) when its writes do not finish
    ///   within ``drainTimeout``.
    func begin(_ account: AccountID, ownWrites: Int) async throws {
        let began = self.state.withLock { $0.moving.insert(account).inserted }
        guard began else {
            throw TetherError.moveInProgress
        }
        do {
            try await self.drain(account, ownWrites: ownWrites)
        } catch {
            self.end(account)
            throw error
        }
    }

    private func drain(_ account: AccountID, ownWrites: Int) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: Self.drainTimeout)
        while self.state.withLock({ $0.writesInFlight[account, default: 0] }) > ownWrites {
            guard clock.now < deadline else {
                throw TetherError.accountBusy
            }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// The move of `account` finished, or failed (then the account stays here, whole).
    func end(_ account: AccountID) {
        _ = self.state.withLock { $0.moving.remove(account) }
    }

    /// Keeps `doubt` (its account stays closed) until the `move-check` job learns how it ended.
    func holdInDoubt(_ doubt: MoveInDoubt) {
        self.state.withLock { $0.inDoubt[doubt.account] = doubt }
    }

    /// The moves in doubt, oldest account id first.
    var movesInDoubt: [MoveInDoubt] {
        self.state.withLock { $0.inDoubt.values.sorted { $0.account.rawValue < $1.account.rawValue } }
    }

    /// How the move in doubt of `account` ended is known (the caller finishes or reopens it).
    func settled(_ account: AccountID) {
        _ = self.state.withLock { $0.inDoubt.removeValue(forKey: account) }
    }

    /// Closes `account`, held here although the directory names `home` for it: the copy a move
    /// left behind (at its old home after a restart while the move was in doubt, or at its
    /// target after a crash halfway). Its requests are sent to `home` (`421`) and background
    /// work for it stops, so it is never served by two regions.
    func markStray(_ account: AccountID, home: RegionDirectory.Region) {
        self.state.withLock { $0.strays[account] = home }
    }

    /// `account` is no longer held here as a stray (a move removed it, or took it in).
    func clearStray(_ account: AccountID) {
        _ = self.state.withLock { $0.strays.removeValue(forKey: account) }
    }

    /// The region the directory names for `account` when it is a stray here.
    func strayHome(_ account: AccountID) -> RegionDirectory.Region? {
        self.state.withLock { $0.strays.isEmpty ? nil : $0.strays[account] }
    }
}

/// The writes one request was admitted for (``AccountMoves/admitWrite(_:)``), finished together
/// when the request ends (``RequestScopeMiddleware``).
final class RequestWrites: Sendable {
    private let accounts = Mutex<[AccountID]>([])

    /// Records a write admitted for `account`.
    func hold(_ account: AccountID) {
        self.accounts.withLock { $0.append(account) }
    }

    /// How many writes this request holds for `account`.
    func count(for account: AccountID) -> Int {
        self.accounts.withLock { $0.count(where: { $0 == account }) }
    }

    /// Finishes every write this request holds.
    func finish(in moves: AccountMoves) {
        for account in self.accounts.withLock({ held in
            defer { held = [] }
            return held
        }) {
            moves.finishWrite(account)
        }
    }
}
