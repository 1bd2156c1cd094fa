import Foundation
import TetherAPI
import TetherClient
import TetherCore

/// Syncs the account's settings replica once per `tether` run, before its first request: queued
/// edits go out, changes come in. A failure leaves the edits queued for the next command; what
/// the sync did worth knowing (conflicts, refused edits) is one line each on stderr.
actor QueuedSettingsSync {
    private let file: SettingsReplicaFile
    private let client: Client
    private var done = false

    init(file: SettingsReplicaFile, client: Client) {
        self.file = file
        self.client = client
    }

    func runOnce() async {
        guard !self.done else { return }
        self.done = true
        do {
            let client = self.client
            let report = try await self.file.update { replica in
                try await SettingsSync.run(&replica, client: client)
            }
            SettingsSyncNotes.write(report)
        } catch {
            // The command's own request reports why the server cannot be reached.
        }
    }
}

/// Lines on stderr about a sync a command did on the side.
enum SettingsSyncNotes {
    static func write(_ report: SettingsSync.Report) {
        var lines: [String] = []
        if report.pushed > 0 { lines.append("synced \(report.pushed) queued setting edit(s)") }
        for conflict in report.conflicts {
            lines.append(
                "conflict: \(conflict.key) kept \(conflict.winning.value), yours (\(conflict.losing.value)) is in 'tether sync conflicts'"
            )
        }
        for (edit, reason) in report.refused {
            lines.append("dropped queued edit \(edit.key) = \(edit.state.value): \(reason)")
        }
        guard !lines.isEmpty else { return }
        FileHandle.standardError.write(Data((lines.joined(separator: "\n") + "\n").utf8))
    }
}

extension ServerConnection {
    /// Runs an editing request; when the server cannot be reached, makes the same edit in the
    /// settings replica instead, to be pushed by the next command that reaches the server (or
    /// `tether sync`). Returns `nil` when the edit was queued.
    func editOrQueue<Result>(
        account: String?,
        _ request: (Client) async throws -> Result,
        queue: (inout SettingsReplica, Int64) throws -> Void
    ) async throws -> Result? {
        do {
            return try await self.call(request)
        } catch let error as CLIError where error.unreachable {
            guard let account else { throw error }
            let now = Date().milliseconds
            let pending = try await SettingsReplicaFile(account: account).update { replica in
                try queue(&replica, now)
                return replica.pending.count
            }
            FileHandle.standardError.write(
                Data(
                    "\(error.description)\nqueued: \(pending) setting edit(s) wait for 'tether sync' or the next command that reaches the server\n"
                        .utf8
                )
            )
            return nil
        }
    }
}
