import Crypto
import Foundation
import Testing
import TetherCore
import TetherSync

struct BackupCryptoTests {
    @Test func aSealedBoxOpensOnlyWithItsContext() throws {
        let key = AccountDataKey.random()
        let plaintext = Data("the quick brown fox".utf8)
        let box = try key.seal(plaintext, context: "abc")
        #expect(box.count == plaintext.count + AccountDataKey.sealOverhead)
        #expect(try key.open(box, context: "abc") == plaintext)
        #expect(throws: TetherError.self) { try key.open(box, context: "abd") }
        var tampered = box
        tampered[tampered.count / 2] ^= 1
        #expect(throws: TetherError.self) { try key.open(tampered, context: "abc") }
        #expect(throws: TetherError.self) { try AccountDataKey.random().open(box, context: "abc") }
        #expect(throws: TetherError.self) { try key.open(box.prefix(10), context: "abc") }
    }

    @Test func chunkIDsAreKeyedPerAccount() throws {
        let data = Data(repeating: 7, count: 1_000)
        let first = AccountDataKey.random().chunkIDs
        let second = AccountDataKey.random().chunkIDs
        #expect(first.id(of: data) == first.id(of: data))
        #expect(first.id(of: data) != second.id(of: data))
        #expect(first.id(of: data).rawValue.count == 64)
        // The hex key a client receives names chunks the same way.
        let client = try ChunkHasher(hexKey: first.hexKey)
        #expect(client.id(of: data) == first.id(of: data))
    }

    @Test func chunkIDsAreValidated() {
        #expect(throws: TetherError.self) { try ChunkID(validating: "ABC") }
        #expect(throws: TetherError.self) { try ChunkID(validating: String(repeating: "G", count: 64)) }
        #expect(throws: TetherError.self) { try ChunkID(validating: String(repeating: "A", count: 64)) }
        #expect(throws: Never.self) { try ChunkID(validating: String(repeating: "a", count: 64)) }
    }

    @Test func theKEKFileIsCreatedPrivateAndReadBack() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kek-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = KeyEncryptionKey.defaultFile(dataDirectory: directory)
        let kek = try KeyEncryptionKey.load(from: file, create: true)
        let fileMode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
        let directoryMode =
            try FileManager.default.attributesOfItem(atPath: file.deletingLastPathComponent().path)[.posixPermissions]
            as? Int
        #expect(fileMode == 0o600)
        #expect(directoryMode == 0o700)
        #expect(try Data(contentsOf: file).count == 32)
        #expect(try KeyEncryptionKey.load(from: file, create: true).id == kek.id)
        #expect(kek.id.count == 16)

        // Wrapped keys open under the same KEK and account only.
        let account = AccountID.random()
        let dataKey = AccountDataKey.random()
        let wrapped = try kek.wrap(dataKey, account: account)
        let unwrapped = try kek.unwrap(wrapped, account: account)
        let probe = Data("probe".utf8)
        #expect(unwrapped.chunkIDs.id(of: probe) == dataKey.chunkIDs.id(of: probe))
        #expect(throws: TetherError.self) { try kek.unwrap(wrapped, account: AccountID.random()) }
        #expect(throws: TetherError.self) { try KeyEncryptionKey.random().unwrap(wrapped, account: account) }
    }

    @Test func aHexKEKFileIsReadAndABadOneRefused() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kek-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let hex = directory.appendingPathComponent("hex.kek")
        try Data((String(repeating: "ab", count: 32) + "\n").utf8).write(to: hex)
        #expect(try KeyEncryptionKey.load(from: hex, create: false).id.count == 16)
        let bad = directory.appendingPathComponent("bad.kek")
        try Data("short".utf8).write(to: bad)
        #expect(throws: TetherError.self) { try KeyEncryptionKey.load(from: bad, create: false) }
        #expect(throws: TetherError.self) {
            try KeyEncryptionKey.load(from: directory.appendingPathComponent("none"), create: false)
        }
    }
}
