import ArgumentParser
import Foundation
import TetherAPI
import TetherClient
import TetherCore

/// `tether sync …`: the local replica of device names, rules, fences and do-not-disturb, and
/// the edits queued while the server could not be reached.
struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Sync settings with the server: push edits queued offline, pull the others' edits.",
        discussion: """
            Once a replica exists (after the first 'tether sync' or a queued edit), every command \
            that reaches the server syncs first. Concurrent edits keep the later one; the other \
            value is kept in 'tether sync conflicts'.
            """,
        subcommands: [Now.self, Conflicts.self],
        defaultSubcommand: Now.self
    )

    struct Now: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Push queued edits and pull changes (the default).")

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            var (connection, session) = try ServerConnection.signedIn(self.global)
            // This command is the sync; the one before the first request would wait for its lock.
            connection.settingsSync = nil
            guard let account = await session.profile.accountId else { throw CLIError("not logged in") }
            let file = SettingsReplicaFile(account: account)
            let (report, pending) = try await file.update { replica in
                let report = try await connection.call { try await SettingsSync.run(&replica, client: $0) }
                return (report, replica.pending.count)
            }
            let output = SyncOutput(report, pending: pending)
            try Output(self.global).emit(output) { output.text }
        }
    }

    struct Conflicts: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the values that lost to a concurrent edit or a deletion, newest first."
        )

        @OptionGroup var global: GlobalOptions

        @Option(help: "How many to show (1-1000).")
        var limit: Int = 50

        func validate() throws {
            guard (1...1_000).contains(self.limit) else { throw ValidationError("--limit must be between 1 and 1000") }
        }

        func run() async throws {
            let (connection, _) = try ServerConnection.signedIn(self.global)
            let log = try await connection.call {
                try await $0.listSettingConflicts(query: .init(limit: self.limit)).ok.body.json
            }
            let rows = log.compactMap(SettingConflictOutput.init)
            try Output(self.global).emit(rows) {
                rows.isEmpty
                    ? "No conflicts."
                    : Output.table(header: SettingConflictOutput.tableHeader, rows: rows.map(\.tableRow))
            }
        }
    }
}
