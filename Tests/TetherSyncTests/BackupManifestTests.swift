import Foundation
import Testing
import TetherCore
import TetherSync

struct BackupManifestTests {
    @Test func oddNamesRoundTrip() throws {
        let names: [[UInt8]] = [
            Array("a b.txt".utf8), Array("naïve 日本.txt".utf8), Array("line\nbreak".utf8), [0x66, 0xFF, 0xFE, 0x2E],
        ]
        let manifest = BackupManifest(
            entries: names.map { name in
                .init(path: ManifestPath(bytes: name), kind: .file, mode: 0o644, mtimeNs: 1_000, size: 0)
            } + [
                .init(path: ManifestPath("link"), kind: .symlink, mode: 0o777, mtimeNs: 5, target: ManifestPath("../x"))
            ]
        )
        let data = try manifest.encoded()
        #expect(String(decoding: data, as: UTF8.self).contains("\"base64\""))
        #expect(try BackupManifest.decode(data) == manifest)
    }

    @Test(arguments: ["/etc/passwd", "../up", "a/../../b", "a//b", "./a", "", "a/."])
    func pathsThatLeaveTheRootAreRefused(_ path: String) throws {
        let manifest = BackupManifest(entries: [
            .init(path: ManifestPath(path), kind: .directory, mode: 0o755, mtimeNs: 0)
        ])
        let error = try #require(throws: TetherError.self) { try BackupManifest.decode(try manifest.encoded()) }
        #expect(error.field == "entries[0].path")
    }

    @Test func statsCountFilesBytesAndDistinctChunks() throws {
        let id = try ChunkID(validating: String(repeating: "a", count: 64))
        let manifest = BackupManifest(entries: [
            .init(path: ManifestPath("d"), kind: .directory, mode: 0o755, mtimeNs: 0),
            .init(path: ManifestPath("d/x"), kind: .file, mode: 0o644, mtimeNs: 0, size: 10, chunks: [id]),
            .init(path: ManifestPath("d/y"), kind: .file, mode: 0o644, mtimeNs: 0, size: 10, chunks: [id]),
        ])
        #expect(manifest.fileCount == 2)
        #expect(manifest.byteCount == 20)
        #expect(manifest.chunkIDs == [id])
    }
}
