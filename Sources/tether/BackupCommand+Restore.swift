import ArgumentParser
import TetherBackupClient

extension BackupCommand {
    struct Restore: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Restore a snapshot: files, directories, symbolic links, modes and times.",
            discussion: """
                Every chunk is checked against its id. Nothing is written outside the target directory. \
                A file or link already there stops the restore unless --overwrite is given; set-user-id, \
                set-group-id and sticky bits are never restored.
                """
        )

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The snapshot id.")
        var snapshot: String

        @Option(help: "The directory to restore into (created when missing; default: the current directory).")
        var to: String = "."

        @Flag(help: "Replace files and links already in the target directory.")
        var overwrite = false

        func run() async throws {
            let connection = try BackupCommand.connection(self.global)
            let progress = BackupProgress(verb: "restore", json: self.global.json)
            let summary: BackupRestoreSummary
            do {
                summary = try await BackupRestore(server: connection, report: progress.report)
                    .run(snapshot: self.snapshot, into: self.to, overwrite: self.overwrite)
            } catch let error as BackupClientError {
                throw CLIError(error)
            }
            let output = BackupRestoreOutput(snapshotId: self.snapshot, to: self.to, summary: summary)
            try Output(self.global).emit(output) {
                "Restored \(output.files) files, \(output.directories) directories and \(output.symlinks) links "
                    + "(\(ByteCount.text(output.bytes))) to \(output.to)."
            }
        }
    }
}
