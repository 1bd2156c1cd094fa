import ArgumentParser
import TetherBackupClient

extension BackupCommand {
    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the backups: the server re-opens and re-hashes every stored chunk and manifest.",
            discussion: """
                With --deep the CLI also downloads every chunk each snapshot references and re-hashes it. \
                A chunk found corrupt is repaired from a replica region's copy when one holds it. \
                Exits 1 when anything is corrupt and was not repaired.
                """
        )

        @OptionGroup var global: GlobalOptions

        @Flag(help: "Also download and re-hash every referenced chunk here.")
        var deep = false

        func run() async throws {
            let connection = try BackupCommand.connection(self.global)
            let report: BackupVerifyReport
            do {
                report = try await BackupVerify(server: connection).run(deep: self.deep)
            } catch let error as BackupClientError {
                throw CLIError(error)
            }
            let output = BackupVerifyOutput(report)
            try Output(self.global).emit(output) {
                var lines = [
                    "Checked \(output.checkedChunks) chunks (\(ByteCount.text(output.checkedBytes))) "
                        + "and \(output.checkedSnapshots) snapshots on the server."
                ]
                if let downloaded = output.downloadedChunks {
                    lines.append("Downloaded and re-hashed \(downloaded) chunks.")
                }
                lines += output.repairedChunks.map { "repaired chunk \($0) from a replica region" }
                lines += output.corruptChunks.map { "corrupt chunk \($0)" }
                lines += output.corruptSnapshots.map { "corrupt snapshot \($0)" }
                lines += (output.badDownloads ?? []).map { "bad download \($0)" }
                return lines.joined(separator: "\n")
            }
            if !report.ok {
                throw CLIError("backup verify found \(report.problemCount) corrupt chunks or snapshots")
            }
        }
    }
}
