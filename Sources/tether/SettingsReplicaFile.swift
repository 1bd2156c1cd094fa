import Foundation
import TetherCore

#if canImport(Glibc)
import Glibc
#endif

/// The local replica of the account's synced settings, beside the profile in
/// `tether/settings-<account id>.json` (mode 0600): what the server last sent, and the edits
/// made while it could not be reached.
///
/// Every read-modify-write holds an exclusive lock on `settings-<account id>.lock`, so two
/// `tether` processes cannot lose each other's queued edits.
struct SettingsReplicaFile {
    let url: URL
    private let lockURL: URL

    /// The replica file of `account`.
    init(account: String) {
        let directory = Profile.fileURL.deletingLastPathComponent()
        self.url = directory.appendingPathComponent("settings-\(account).json")
        self.lockURL = directory.appendingPathComponent("settings-\(account).lock")
    }

    /// Whether this account has a replica yet (made by `tether sync` or a queued edit).
    var exists: Bool { FileManager.default.fileExists(atPath: self.url.path) }

    /// Runs `body` on the replica under the lock and saves it afterwards (also when `body`
    /// throws after changing it, so acknowledged pushes are not pushed twice).
    func update<Result>(_ body: (inout SettingsReplica) async throws -> Result) async throws -> Result {
        try await FileLock.withLock(at: self.lockURL) {
            var replica = try self.load()
            let before = replica
            do {
                let result = try await body(&replica)
                if replica != before { try self.save(replica) }
                return result
            } catch {
                if replica != before { try self.save(replica) }
                throw error
            }
        }
    }

    /// Deletes the replica and its lock (the account is gone).
    func remove() {
        try? FileManager.default.removeItem(at: self.url)
        try? FileManager.default.removeItem(at: self.lockURL)
    }

    private func load() throws -> SettingsReplica {
        guard FileManager.default.fileExists(atPath: self.url.path) else {
            let id = UUID().uuidString.lowercased().filter(\.isHexDigit).prefix(12)
            return SettingsReplica(replica: "cli-\(id)")
        }
        do {
            return try JSONDecoder().decode(SettingsReplica.self, from: Data(contentsOf: self.url))
        } catch {
            throw CLIError("cannot read the settings replica at \(self.url.path); remove it and run 'tether sync'")
        }
    }

    private func save(_ replica: SettingsReplica) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try PrivateFile.write(try encoder.encode(replica), to: self.url, what: "the settings replica")
    }
}
