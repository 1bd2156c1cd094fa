public import TetherCore

/// One replicated piece of an account that its home region keeps on the replica regions the
/// residency policy allows (`protocols/sync.md`, "Replication of account data").
///
/// The home region is the only author: a replica holds exactly the home's records, and a record
/// differs between them exactly when its ``version`` does. What a version is depends on the
/// ``kind``:
///
/// | kind | name | version |
/// |---|---|---|
/// | ``Kind/settings`` | `""` | the account's change sequence number at the home region |
/// | ``Kind/dataKey`` | `""` | `"1"` (an account's data key never changes) |
/// | ``Kind/snapshot`` | snapshot id | `"1"` (snapshots are immutable) |
/// | ``Kind/chunk`` | chunk id | the plaintext size (chunks are content-addressed) |
public struct AccountReplicaRecord: Sendable, Hashable {
    /// What the record carries.
    public enum Kind: String, Sendable, CaseIterable, Comparable {
        /// The account row, its devices, rules, do-not-disturb, fences, quiet windows and the
        /// settings-sync versions and conflicts: the rows, as the home holds them.
        case settings
        /// The account's backup data key (wrapped for transport, re-wrapped by the replica's KEK).
        case dataKey = "data_key"
        /// A committed backup snapshot and its sealed manifest.
        case snapshot
        /// A backup chunk's sealed box.
        case chunk

        /// The order a batch applies kinds in: a chunk needs its data key, a snapshot its chunks.
        public var applyOrder: Int {
            switch self {
            case .settings: 0
            case .dataKey: 1
            case .chunk: 2
            case .snapshot: 3
            }
        }

        public static func < (lhs: Kind, rhs: Kind) -> Bool { lhs.applyOrder < rhs.applyOrder }
    }

    /// The account it belongs to.
    public var account: AccountID
    /// What it carries.
    public var kind: Kind
    /// The snapshot or chunk id; empty for settings and the data key.
    public var name: String
    /// Changes exactly when the record's content does (see the type's table).
    public var version: String

    /// A record.
    public init(account: AccountID, kind: Kind, name: String = "", version: String) {
        self.account = account
        self.kind = kind
        self.name = name
        self.version = version
    }
}
