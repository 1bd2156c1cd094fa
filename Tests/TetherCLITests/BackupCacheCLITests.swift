import Foundation
import Testing
import TetherTesting

/// `tether backup push`'s file cache against a real server: unchanged files are not read again,
/// a changed one is, and a cache that names chunks the server lost still gives a whole snapshot.
@Suite("tether backup file cache")
struct BackupCacheCLITests {
    /// Three files of `sizes` random bytes in `work/tree`.
    static func makeTree(in work: URL, sizes: [Int]) throws -> URL {
        let tree = work.appendingPathComponent("tree")
        try FileManager.default.createDirectory(
            at: tree.appendingPathComponent("sub"),
            withIntermediateDirectories: true
        )
        for (index, size) in sizes.enumerated() {
            try BackupCLITests.random(size, seed: UInt64(10 + index))
                .write(to: tree.appendingPathComponent(index == 0 ? "first.bin" : "sub/\(index).bin"))
        }
        return tree
    }

    /// Pushes `tree` and returns the `--json` summary.
    static func push(_ cli: CLIHarness, _ arguments: String...) async throws -> [String: Any] {
        let result = try await cli.run(arguments: ["backup", "push"] + arguments + ["--json"])
        #expect(result.status == 0, "\(result.stderr)")
        return try result.jsonObject()
    }

    /// Restores `snapshot` under `work/NAME` and returns the restored tree's bytes by path.
    static func restored(
        _ cli: CLIHarness,
        _ snapshot: Any?,
        in work: URL,
        as name: String
    ) async throws -> [String: Data] {
        let snapshot = try #require(snapshot as? String)
        let target = work.appendingPathComponent(name)
        let result = try await cli.run("backup", "restore", snapshot, "--to", target.path)
        #expect(result.status == 0, "\(result.stderr)")
        return try Self.contents(of: target.appendingPathComponent("tree"))
    }

    /// The bytes of every file under `root`, by relative path.
    static func contents(of root: URL) throws -> [String: Data] {
        var contents: [String: Data] = [:]
        for path in try FileManager.default.subpathsOfDirectory(atPath: root.path) {
            let url = root.appendingPathComponent(path)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue {
                contents[path] = try Data(contentsOf: url)
            }
        }
        return contents
    }

    @Test func aSecondPushReadsNoUnchangedFileAndPicksUpAnEditOfTheSameSize() async throws {
        try await TestServer.withRunning { server in
            let cli = CLIHarness(server: server)
            try await cli.register("cache@example.org")
            let work = TemporaryDirectory.make(prefix: "tether-backup")
            defer { TemporaryDirectory.remove(work) }
            let sizes = [3 << 20, 300_000, 1_000]
            let tree = try Self.makeTree(in: work, sizes: sizes)
            let total = sizes.reduce(0, +)

            let first = try await Self.push(cli, tree.path)
            #expect(first["read_bytes"] as? Int == total)

            let second = try await Self.push(cli, tree.path)
            #expect(second["read_bytes"] as? Int == 0)
            #expect(second["transferred_bytes"] as? Int == 0)
            #expect(second["bytes"] as? Int == total)
            #expect(try await Self.restored(cli, second["snapshot_id"], in: work, as: "r2") == Self.contents(of: tree))

            // Same size, other bytes, a new mtime: read again and sent.
            let edited = tree.appendingPathComponent("sub/1.bin")
            var bytes = try Data(contentsOf: edited)
            bytes[1_000] ^= 0xFF
            try bytes.write(to: edited)
            try FileManager.default.setAttributes(
                [.modificationDate: Date().addingTimeInterval(3_600)],
                ofItemAtPath: edited.path
            )
            let third = try await Self.push(cli, tree.path)
            #expect(third["read_bytes"] as? Int == sizes[1])
            #expect((third["transferred_bytes"] as? Int ?? 0) > 0)
            #expect(try await Self.restored(cli, third["snapshot_id"], in: work, as: "r3") == Self.contents(of: tree))

            // --force reads everything again.
            let forced = try await Self.push(cli, tree.path, "--force")
            #expect(forced["read_bytes"] as? Int == total)
            #expect(forced["transferred_bytes"] as? Int == 0)
        }
    }

    @Test func aCacheNamingChunksTheServerLostStillGivesARestorableSnapshot() async throws {
        try await TestServer.withRunning { server in
            let cli = CLIHarness(server: server)
            try await cli.register("lost@example.org")
            let work = TemporaryDirectory.make(prefix: "tether-backup")
            defer { TemporaryDirectory.remove(work) }
            let sizes = [2 << 20, 500_000]
            let tree = try Self.makeTree(in: work, sizes: sizes)

            let first = try await Self.push(cli, tree.path)
            let forget = try await cli.run("backup", "forget", try #require(first["snapshot_id"] as? String))
            #expect(forget.status == 0, "\(forget.stderr)")
            let prune = try await cli.run("backup", "prune", "--grace", "0s", "--json")
            #expect(prune.status == 0, "\(prune.stderr)")
            #expect(try prune.jsonObject()["kept_chunks"] as? Int == 0)

            // The cache still names every file's chunks; the server has none of them.
            let second = try await Self.push(cli, tree.path)
            #expect(second["read_bytes"] as? Int == sizes.reduce(0, +))
            #expect(second["transferred_bytes"] as? Int == sizes.reduce(0, +))
            #expect(try await Self.restored(cli, second["snapshot_id"], in: work, as: "r") == Self.contents(of: tree))
        }
    }
}
