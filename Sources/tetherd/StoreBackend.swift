import Foundation
import TetherServer
import TetherStore
import TetherStoreSQLite

/// Where a region keeps its records, and the one place `tetherd` opens a storage backend.
/// Everything above this sees only the ``TetherStorage`` protocols; a second backend joins as
/// one more case.
enum StoreBackend {
    /// The embedded default: one SQLite file in the data directory.
    case sqlite(directory: URL, durability: StoreDurability)

    /// The backend `settings` name.
    init(settings: ServerSettings) {
        self = .sqlite(directory: settings.dataDirectory, durability: settings.durability)
    }

    /// Opens the store, bringing its schema up to date.
    ///
    /// - Parameter clock: What "now" is when the store stamps the server's own setting edits.
    func open(clock: @escaping @Sendable () -> Date = { Date() }) throws -> any TetherStorage {
        switch self {
        case .sqlite(let directory, let durability):
            var store = try SQLiteStore.open(directory: directory, durability: durability)
            store.clock = clock
            return store
        }
    }
}
