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
            let target = try RestoreTarget(root: directory.appendingPathComponent("to").path, overwrite: true)
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

    @Test func setIDAndStickyBitsAreNotRestored() throws {
        // Finding 7: restore re-applied setuid and setgid bits.
        try self.withDirectory { directory in
            let root = directory.appendingPathComponent("to").path
            let target = try RestoreTarget(root: root)
            let folder = BackupManifest.Entry(path: ManifestPath("shared"), kind: .directory, mode: 0o3777, mtimeNs: 0)
            try target.directory(folder)
            let program = BackupManifest.Entry(path: ManifestPath("shared/tool"), kind: .file, mode: 0o6755, mtimeNs: 0)
            let descriptor = try target.openFile(program)
            try target.write(Data("#!/bin/sh\n".utf8), to: descriptor)
            try target.closeFile(program, descriptor: descriptor)
            try target.finish()
            let modes = try ["shared", "shared/tool"].map { name in
                let attributes = try FileManager.default.attributesOfItem(atPath: root + "/" + name)
                return (attributes[.posixPermissions] as? Int) ?? -1
            }
            #expect(modes == [0o777, 0o755])
        }
    }

    @Test func filesAlreadyThereStopARestoreUnlessOverwriteIsGiven() throws {
        try self.withDirectory { directory in
            let root = directory.appendingPathComponent("to")
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
            try Data("keep".utf8).write(to: root.appendingPathComponent("notes.txt"))
            let file = BackupManifest.Entry(path: ManifestPath("notes.txt"), kind: .file, mode: 0o644, mtimeNs: 0)
            let link = BackupManifest.Entry(
                path: ManifestPath("notes.txt"),
                kind: .symlink,
                mode: 0o777,
                mtimeNs: 0,
                target: ManifestPath("elsewhere")
            )
            let careful = try RestoreTarget(root: root.path)
            let error = try #require(throws: TetherError.self) { _ = try careful.openFile(file) }
            #expect(error.code == "restore_target_exists")
            #expect(error.detail.contains("--overwrite"))
            #expect(throws: TetherError.self) { try careful.symlink(link) }
            #expect(try String(contentsOf: root.appendingPathComponent("notes.txt"), encoding: .utf8) == "keep")

            let overwriting = try RestoreTarget(root: root.path, overwrite: true)
            let descriptor = try overwriting.openFile(file)
            try overwriting.write(Data("new".utf8), to: descriptor)
            try overwriting.closeFile(file, descriptor: descriptor)
            #expect(try String(contentsOf: root.appendingPathComponent("notes.txt"), encoding: .utf8) == "new")
        }
    }
}
