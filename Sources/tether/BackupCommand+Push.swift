import ArgumentParser
import Foundation
import TetherBackupClient
import TetherSync

extension BackupCommand {
    struct Push: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Back up files and directories as a new snapshot, sending only the chunks the server lacks.",
            discussion: """
                Symbolic links are recorded, not followed. Each PATH becomes a top-level entry named by its \
                last component. A push that was interrupted resumes when run again: chunks the server \
                acknowledged are not sent again. Files whose path, size, mtime, ctime, inode and device \
                match the last push's are not read again; their chunks are reused once the server \
                confirms it holds them (--force reads everything).
                """
        )

        @OptionGroup var global: GlobalOptions

        @Argument(help: "Files and directories to back up.")
        var paths: [String]

        @Flag(help: "Read every file, ignoring the file cache of the last push (like restic's --force).")
        var force = false

        @Option(
            help: "The most chunks in one pack request, 1 to \(BackupPackBody.maxChunks) (a pack holds at most 8 MiB)."
        )
        var packChunks = BackupPush.Options.defaultPackChunks

        func validate() throws {
            guard !self.paths.isEmpty else { throw ValidationError("give at least one PATH") }
            guard (1...BackupPackBody.maxChunks).contains(self.packChunks) else {
                throw ValidationError("--pack-chunks must be between 1 and \(BackupPackBody.maxChunks)")
            }
        }

        func run() async throws {
            let connection = try BackupCommand.connection(self.global)
            let progress = BackupProgress(verb: "push", json: self.global.json)
            let options = BackupPush.Options(
                force: self.force,
                cacheFile: BackupFileCache.url(
                    in: Profile.fileURL.deletingLastPathComponent(),
                    account: try Profile.load().accountId ?? "",
                    server: connection.serverURL
                ),
                packChunks: self.packChunks,
                report: progress.report
            )
            let summary: BackupPushSummary
            do {
                summary = try await BackupPush(server: connection, options: options).run(paths: self.paths)
            } catch let error as BackupClientError where error.code == .paths {
                throw ValidationError(error.description)
            } catch let error as BackupClientError {
                throw CLIError(error)
            }
            let output = BackupPushOutput(summary)
            try Output(self.global).emit(output) { output.text }
        }
    }
}
