import Foundation
import Testing
import TetherCore
import TetherStore
import TetherStoreSQLite
import TetherSync
import TetherTesting

#if canImport(Glibc)
import Glibc
#endif

/// `tether backup` against a real server: byte-exact round trips of odd trees, deduplication,
/// a killed push resumed, and corruption found by verify.
@Suite("tether backup")
struct BackupCLITests {
    /// Random bytes from a seed.
    static func random(_ count: Int, seed: UInt64) -> Data {
        var generator = SplitMix64(seed: seed)
        var data = Data(count: count)
        data.withUnsafeMutableBytes { raw in
            let words = raw.bindMemory(to: UInt64.self)
            for index in words.indices { words[index] = generator.next() }
        }
        return data
    }

    /// Writes `data` to a path given as raw bytes (names that are not UTF-8).
    static func write(_ data: Data, rawPath: [UInt8], mode: mode_t = 0o644) throws {
        let descriptor = (rawPath + [0]).withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_WRONLY | O_CREAT | O_TRUNC, mode) }
        }
        guard descriptor >= 0 else { throw CocoaError(.fileWriteUnknown) }
        defer { close(descriptor) }
        _ = data.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        _ = fchmod(descriptor, mode)
    }

    /// A tree with everything that is easy to get wrong.
    static func makeTree(in directory: URL) throws -> URL {
        let root = directory.appendingPathComponent("tree")
        let manager = FileManager.default
        try manager.createDirectory(at: root.appendingPathComponent("a b/naïve 日本"), withIntermediateDirectories: true)
        try manager.createDirectory(at: root.appendingPathComponent("empty dir"), withIntermediateDirectories: true)
        try Data().write(to: root.appendingPathComponent("empty"))
        try Self.random(5 << 20 + 12_345, seed: 1).write(to: root.appendingPathComponent("big.bin"))
        try Data("spaces and unicode\n".utf8).write(to: root.appendingPathComponent("a b/naïve 日本/ü ß.txt"))
        try Data("a newline in the name".utf8).write(to: root.appendingPathComponent("line\nbreak"))
        try Self.write(
            Data("not utf-8".utf8),
            rawPath: Array(root.path.utf8) + Array("/bad-\u{1}".utf8) + [0xFF, 0xFE]
        )
        try Self.write(
            Data("#!/bin/sh\n".utf8),
            rawPath: Array(root.appendingPathComponent("run.sh").path.utf8),
            mode: 0o750
        )
        try manager.createSymbolicLink(atPath: root.appendingPathComponent("link").path, withDestinationPath: "a b")
        try manager.createSymbolicLink(
            atPath: root.appendingPathComponent("dangling").path,
            withDestinationPath: "../nowhere/at all"
        )
        // The same content twice: deduplicated within the push.
        try Self.random(300_000, seed: 2).write(to: root.appendingPathComponent("copy1"))
        try Self.random(300_000, seed: 2).write(to: root.appendingPathComponent("a b/copy2"))
        try manager.setAttributes(
            [.posixPermissions: 0o700],
            ofItemAtPath: root.appendingPathComponent("empty dir").path
        )
        return root
    }

    /// The tree as entries (metadata) and the bytes of every file, keyed by path.
    static func snapshot(of root: URL) throws -> ([BackupManifest.Entry], [ManifestPath: Data]) {
        let items = try BackupTree.scan(roots: [root.path])
        var contents: [ManifestPath: Data] = [:]
        for item in items where item.entry.kind == .file {
            let descriptor = item.source.withCString { open($0, O_RDONLY) }
            defer { close(descriptor) }
            var data = Data()
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let count = read(descriptor, &buffer, buffer.count)
                if count <= 0 { break }
                data.append(contentsOf: buffer[..<count])
            }
            contents[item.entry.path] = data
        }
        return (items.map(\.entry), contents)
    }

    @Test func aTreeRoundTripsByteForByteAndASecondPushSendsNothing() async throws {
        try await TestServer.withRunning { server in
            let cli = CLIHarness(server: server)
            try await cli.register("backup@example.org")
            let work = TemporaryDirectory.make(prefix: "tether-backup")
            defer { TemporaryDirectory.remove(work) }
            let tree = try Self.makeTree(in: work)

            let first = try await cli.run("backup", "push", tree.path, "--json")
            #expect(first.status == 0, "\(first.stderr)")
            let pushed = try first.jsonObject()
            let snapshot = try #require(pushed["snapshot_id"] as? String)
            #expect(pushed["files"] as? Int == 8)
            let bytes = try #require(pushed["bytes"] as? Int)
            #expect(bytes == 5 << 20 + 12_345 + 19 + 21 + 9 + 10 + 600_000)
            // The second copy's bytes are not sent.
            #expect((pushed["transferred_bytes"] as? Int).map { $0 <= bytes - 300_000 } == true)
            #expect(pushed["new_bytes"] as? Int == pushed["transferred_bytes"] as? Int)

            let again = try await cli.run("backup", "push", tree.path, "--json")
            #expect(again.status == 0, "\(again.stderr)")
            #expect(try again.jsonObject()["transferred_bytes"] as? Int == 0)
            #expect(try again.jsonObject()["new_bytes"] as? Int == 0)

            let list = try await cli.run("backup", "list", "--json")
            let snapshots = try #require(try list.json() as? [[String: Any]])
            #expect(snapshots.count == 2)
            #expect(snapshots.first?["id"] as? String == snapshot)
            #expect(snapshots.first?["files"] as? Int == 8)
            #expect(snapshots.first?["bytes"] as? Int == bytes)
            #expect(snapshots.first?["created_at"] is String)

            let target = work.appendingPathComponent("restored")
            let restore = try await cli.run("backup", "restore", snapshot, "--to", target.path, "--json")
            #expect(restore.status == 0, "\(restore.stderr)")
            let (before, beforeBytes) = try Self.snapshot(of: tree)
            let (after, afterBytes) = try Self.snapshot(of: target.appendingPathComponent("tree"))
            #expect(after == before)
            #expect(afterBytes == beforeBytes)
            #expect(before.contains { $0.kind == .symlink && $0.target == ManifestPath("../nowhere/at all") })
            #expect(before.contains { $0.path.bytes.last == 0xFE })

            // A second restore over the first stops at the first file already there, unless told.
            let repeated = try await cli.run("backup", "restore", snapshot, "--to", target.path)
            #expect(repeated.status != 0)
            #expect(repeated.stderr.contains("already exists"), "\(repeated.stderr)")
            #expect(repeated.stderr.contains("--overwrite"), "\(repeated.stderr)")
            let overwritten = try await cli.run("backup", "restore", snapshot, "--to", target.path, "--overwrite")
            #expect(overwritten.status == 0, "\(overwritten.stderr)")
        }
    }

    /// The push is a real `tether` process killed with SIGKILL midway. It reaches the server
    /// through a proxy that forwards three pack requests (two chunks each) and holds the
    /// next ones, so the kill comes after exactly those were acknowledged and nothing else reaches
    /// the server; the resumed push must send exactly the rest.
    @Test(.timeLimit(.minutes(3)))
    func aKilledPushResumesWithoutResendingAcknowledgedChunks() async throws {
        try await TestServer.withRunning { server in
            let packs = "/v1/backup/packs"
            let gate = TestGate<String> { _, tally in tally.passed.count >= 3 }
            let proxy = try await ForwardingProxy.start(
                port: 0,
                upstream: server.baseURL,
                admit: { path in
                    guard path == packs else { return .forward }
                    return await gate.pass(path) ? .forward : .refuse(status: 502)
                },
                answered: { path in
                    if path == packs { await gate.finish(path) }
                }
            )
            defer { proxy.stop() }
            let cli = CLIHarness(serverURL: proxy.baseURL)
            let account = AccountID(
                rawValue: try #require(try await cli.register("resume@example.org")["account_id"] as? String)
            )
            let work = TemporaryDirectory.make(prefix: "tether-backup")
            defer { TemporaryDirectory.remove(work) }
            let file = work.appendingPathComponent("large.bin")
            let size = 12 << 20
            try Self.random(size, seed: 3).write(to: file)

            let store = try SQLiteStore.open(directory: server.dataDirectory)
            defer { try? store.close() }
            let push = try cli.runner.start(["backup", "push", file.path, "--json", "--pack-chunks", "2"])
            try await gate.wait { $0.finished.count == 3 && !$0.held.isEmpty }
            push.send(signal: SIGKILL)
            let killed = try await push.wait()
            #expect(killed.status != 0)
            #expect(killed.stdout.isEmpty)
            // What waited at the proxy never reaches the server: what it holds now is final.
            await gate.hold { _, _ in false }
            await gate.release(proceeding: false)
            #expect(try await store.backupSnapshots(account: account).isEmpty)
            let acknowledged = try await store.backupChunks(account: account)
            let acknowledgedBytes = acknowledged.reduce(0) { $0 + $1.size }
            #expect(acknowledged.count == 6)
            #expect(acknowledgedBytes < size)

            let resumed = try await cli.run("backup", "push", file.path, "--json")
            #expect(resumed.status == 0, "\(resumed.stderr)")
            let output = try resumed.jsonObject()
            #expect(output["bytes"] as? Int == size)
            #expect(output["transferred_bytes"] as? Int == size - acknowledgedBytes)
            #expect(output["new_bytes"] as? Int == size - acknowledgedBytes)
        }
    }

    @Test func packChunksOutsideItsRangeIsAUsageError() async throws {
        let cli = CLIHarness(serverURL: URL(string: "http://127.0.0.1:9")!)
        for value in ["0", "1025"] {
            let result = try await cli.run("backup", "push", "/tmp", "--pack-chunks", value)
            #expect(result.status == 64)
            #expect(result.stderr.contains("--pack-chunks must be between 1 and 1024"), "\(result.stderr)")
        }
    }

    @Test func verifyFindsAFlippedByteAndForgetPruneFreeChunks() async throws {
        try await TestServer.withRunning { server in
            let cli = CLIHarness(server: server)
            let account = try #require(try await cli.register("verify@example.org")["account_id"] as? String)
            let work = TemporaryDirectory.make(prefix: "tether-backup")
            defer { TemporaryDirectory.remove(work) }
            let file = work.appendingPathComponent("data.bin")
            try Self.random(1 << 20, seed: 4).write(to: file)
            let pushed = try await cli.run("backup", "push", file.path, "--json")
            #expect(pushed.status == 0, "\(pushed.stderr)")
            let snapshot = try #require(try pushed.jsonObject()["snapshot_id"] as? String)

            let clean = try await cli.run("backup", "verify", "--deep", "--json")
            #expect(clean.status == 0, "\(clean.stderr)")
            #expect(try clean.jsonObject()["ok"] as? Bool == true)
            #expect((try clean.jsonObject()["downloaded_chunks"] as? Int ?? 0) > 0)

            let store = try SQLiteStore.open(directory: server.dataDirectory)
            defer { try? store.close() }
            let chunk = try #require(try await store.backupChunks(account: AccountID(rawValue: account)).first)
            let stored = try #require(
                try await StoredChunk.locate(
                    in: server.dataDirectory,
                    account: AccountID(rawValue: account),
                    id: chunk.id
                )
            )
            try stored.flip(at: 100, bit: 0x80)

            let dirty = try await cli.run("backup", "verify", "--json")
            #expect(dirty.status == 1)
            #expect(try dirty.jsonObject()["corrupt_chunks"] as? [String] == [chunk.id])
            #expect(dirty.stderr.contains("corrupt"))
            // Deep, the client's downloads (sixteen at once) name it too and check every other one.
            let deep = try await cli.run("backup", "verify", "--deep", "--json")
            #expect(deep.status == 1)
            #expect(try deep.jsonObject()["bad_downloads"] as? [String] == [chunk.id])
            #expect(
                try deep.jsonObject()["downloaded_chunks"] as? Int == clean.jsonObject()["downloaded_chunks"] as? Int
            )
            let restore = try await cli.run(
                "backup",
                "restore",
                snapshot,
                "--to",
                work.appendingPathComponent("r").path
            )
            #expect(restore.status == 1)

            let forget = try await cli.run("backup", "forget", snapshot, "--json")
            #expect(forget.status == 0, "\(forget.stderr)")
            #expect(
                try await cli.run("backup", "list", "--json").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
                    == "[]"
            )
            let prune = try await cli.run("backup", "prune", "--grace", "0s", "--json")
            #expect(prune.status == 0, "\(prune.stderr)")
            #expect((try prune.jsonObject()["deleted_chunks"] as? Int ?? 0) >= 4)
            #expect(try await store.backupChunks(account: AccountID(rawValue: account)).isEmpty)
        }
    }
}
