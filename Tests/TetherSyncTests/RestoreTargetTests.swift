import Foundation
import Testing
import TetherCore
import TetherSync

struct RestoreTargetTests {
    private func withDirectory(_ body: (URL) throws -> Void) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("restore-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try body(directory)
    }

    @Test func aManifestCannotWriteThroughALinkItRestored() throws {
        try self.withDirectory { directory in
            let outside = directory.appendingPathComponent("outside")
            try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
            let target = try RestoreTarget(root: directory.appendingPathComponent("to").path)
            try target.symlink(
                .init(
                    path: ManifestPath("escape"),
                    kind: .symlink,
                    mode: 0o777,
                    mtimeNs: 0,
                    target: ManifestPath(outside.path)
                )
            )
            let error = try #require(throws: TetherError.self) {
                _ = try target.openFile(.init(path: ManifestPath("escape/owned"), kind: .file, mode: 0o644, mtimeNs: 0))
            }
            #expect(error.field == "manifest")
            #expect(try FileManager.default.contentsOfDirectory(atPath: outside.path).isEmpty)
            #expect(throws: TetherError.self) {
                _ = try target.openFile(.init(path: ManifestPath("../up"), kind: .file, mode: 0o644, mtimeNs: 0))
            }
            // Nor overwrite what a link points at: the link itself is replaced.
            try Data("keep".utf8).write(to: outside.appendingPathComponent("victim"))
            try target.symlink(
                .init(
                    path: ManifestPath("pointer"),
                    kind: .symlink,
                    mode: 0o777,
                    mtimeNs: 0,
                    target: ManifestPath(outside.appendingPathComponent("victim").path)
                )
            )
            let descriptor = try target.openFile(
                .init(path: ManifestPath("pointer"), kind: .file, mode: 0o644, mtimeNs: 0)
            )
            try target.write(Data("new".utf8), to: descriptor)
            try target.closeFile(
                .init(path: ManifestPath("pointer"), kind: .file, mode: 0o644, mtimeNs: 0),
                descriptor: descriptor
            )
            #expect(try String(contentsOf: outside.appendingPathComponent("victim"), encoding: .utf8) == "keep")
        }
    }
}
