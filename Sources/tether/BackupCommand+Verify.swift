import ArgumentParser
import Foundation
import TetherAPI
import TetherCore
import TetherSync

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
            let report = try await connection.call { try await $0.verifyBackups().ok.body.json }
            var output = BackupVerifyOutput(
                ok: report.corruptChunks.isEmpty && report.corruptSnapshots.isEmpty,
                checkedChunks: report.checkedChunks,
                checkedBytes: report.checkedBytes,
                corruptChunks: report.corruptChunks,
                repairedChunks: report.repairedChunks ?? [],
                checkedSnapshots: report.checkedSnapshots,
                corruptSnapshots: report.corruptSnapshots
            )
            if self.deep {
                let hasher = try await BackupCommand.hasher(connection)
                var ids = Set<ChunkID>()
                let snapshots = try await connection.call { try await $0.listBackupSnapshots().ok.body.json }
                for snapshot in snapshots where !report.corruptSnapshots.contains(snapshot.id) {
                    let manifest = try await BackupCommand.manifest(connection, snapshot: snapshot.id)
                    ids.formUnion(manifest.chunkIDs)
                }
                var bad: [String] = []
                for id in ids.sorted() {
                    do {
                        _ = try await BackupCommand.download(connection, id, hasher: hasher)
                    } catch {
                        bad.append(id.rawValue)
                    }
                }
                output.downloadedChunks = ids.count
                output.badDownloads = bad
                output.ok = output.ok && bad.isEmpty
            }
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
            if !output.ok {
                let count =
                    output.corruptChunks.count + output.corruptSnapshots.count + (output.badDownloads?.count ?? 0)
                throw CLIError("backup verify found \(count) corrupt chunks or snapshots")
            }
        }
    }
}
