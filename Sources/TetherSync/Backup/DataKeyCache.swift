import Synchronization
import TetherCore

/// The unwrapped data keys of the accounts a vault served lately, so each chunk upload need not
/// read and unwrap its account's key again. Keys leave it when the account's backups are deleted.
final class DataKeyCache: Sendable {
    private let keys = Mutex<[AccountID: AccountDataKey]>([:])
    /// The most keys held; past it the cache starts over.
    private let capacity: Int

    init(capacity: Int = 1_024) {
        self.capacity = capacity
    }

    /// The key of `account`, when held.
    func key(of account: AccountID) -> AccountDataKey? {
        self.keys.withLock { $0[account] }
    }

    /// Holds `key` for `account`.
    func hold(_ key: AccountDataKey, for account: AccountID) {
        self.keys.withLock { keys in
            if keys.count >= self.capacity { keys.removeAll() }
            keys[account] = key
        }
    }

    /// Forgets the key of `account`.
    func forget(_ account: AccountID) {
        _ = self.keys.withLock { $0.removeValue(forKey: account) }
    }
}
