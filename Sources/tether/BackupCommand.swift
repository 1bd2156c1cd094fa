import ArgumentParser
import Foundation
import TetherAPI
import TetherCore

/// `tether backup …`: deduplicated, encrypted backups of local files (`protocols/backup.md`).
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Back up files to your home region, list, restore, verify, forget and prune snapshots.",
        subcommands: [Push.self, List.self, Restore.self, Verify.self, Forget.self, Prune.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the account's snapshots, oldest first.")

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let connection = try BackupCommand.connection(self.global)
            let snapshots = try await connection.call { try await $0.listBackupSnapshots().ok.body.json }
                .map(BackupSnapshotOutput.init)
            try Output(self.global).emit(snapshots) {
                snapshots.isEmpty
                    ? "No snapshots yet: make one with 'tether backup push PATH'."
                    : Output.table(header: BackupSnapshotOutput.tableHeader, rows: snapshots.map(\.tableRow))
            }
        }
    }

    struct Forget: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Forget a snapshot; 'backup prune' then deletes the chunks no other snapshot uses."
        )

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The snapshot id.")
        var snapshot: String

        func run() async throws {
            let connection = try BackupCommand.connection(self.global)
            let forgotten = try await connection.call {
                try await $0.forgetBackupSnapshot(path: .init(snapshotId: self.snapshot)).ok.body.json
            }
            try Output(self.global).emit(BackupSnapshotOutput(snapshot: forgotten)) {
                "Forgot snapshot \(forgotten.id); run 'tether backup prune' to free its chunks."
            }
        }
    }

    struct Prune: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete the chunks no snapshot references (sparing those a push used within the grace period)."
        )

        @OptionGroup var global: GlobalOptions

        @Option(help: "Keep unreferenced chunks uploaded or checked this recently, e.g. 0s, 10m, 1h (default 1h).")
        var grace: String = "1h"

        func run() async throws {
            let grace: Duration
            do {
                grace = try Duration(setting: self.grace, field: "--grace")
            } catch {
                throw ValidationError("--grace: \(error.detail)")
            }
            let connection = try BackupCommand.connection(self.global)
            let report = try await connection.call {
                try await $0.pruneBackups(query: .init(graceS: Int(grace.components.seconds))).ok.body.json
            }
            try Output(self.global).emit(report) {
                "Deleted \(report.deletedChunks) chunks (\(ByteCount.text(report.deletedBytes))); "
                    + "\(report.keptChunks) chunks kept."
            }
        }
    }
}

extension BackupCommand {
    /// The signed-in connection for large bodies, which waits out a server briefly unreachable
    /// (``StreamingClient``).
    static func connection(_ global: GlobalOptions) throws -> ServerConnection {
        let (connection, session) = try ServerConnection.signedIn(global)
        return try StreamingClient.connection(connection, tokens: session)
    }
}
