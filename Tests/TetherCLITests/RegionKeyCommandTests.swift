import Foundation
import Testing
import TetherCore
import TetherSync
import TetherTesting

/// `tetherd region-key init|rotate`: the key file beside the data directory, and the public keys
/// to paste into the regions file.
@Suite struct RegionKeyCommandTests {
    static func listing(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func initMakesTheKeyFileOnceAndRotateKeepsTheOldKeysListed() async throws {
        let scratch = TemporaryDirectory.make()
        defer { TemporaryDirectory.remove(scratch) }
        let data = scratch.appendingPathComponent("data")
        let tetherd = CommandRunner("tetherd")

        let unnamed = try await tetherd.run(["region-key", "init", "--data-dir", data.path])
        #expect(unnamed.status != 0)
        #expect(unnamed.stderr.contains("--region"))

        let first = try await tetherd.run(["region-key", "init", "--region", "eu", "--data-dir", data.path])
        #expect(first.status == 0, "\(first.stderr)")
        let file = scratch.appendingPathComponent("data.region-key")
        let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let keys = try Self.listing(first.stdout)
        let keyring = try RegionKeyring.load(from: file)
        #expect(keys["signing_key"] as? String == keyring.current.publicKeys.entryFields["signing_key"])
        #expect(keys["hpke_key"] as? String == keyring.current.publicKeys.entryFields["hpke_key"])
        #expect(keys["previous_keys"] == nil)

        // Again: the same keys; for another region: refused.
        let again = try await tetherd.run(["region-key", "init", "--region", "eu", "--data-dir", data.path])
        #expect(again.stdout == first.stdout)
        let other = try await tetherd.run(["region-key", "init", "--region", "us", "--data-dir", data.path])
        #expect(other.status != 0)
        #expect(other.stderr.contains("region eu, not us"))

        let rotated = try await tetherd.run(["region-key", "rotate", "--region-key", file.path])
        #expect(rotated.status == 0, "\(rotated.stderr)")
        let listing = try Self.listing(rotated.stdout)
        #expect(listing["signing_key"] as? String != keys["signing_key"] as? String)
        let previous = try #require(listing["previous_keys"] as? [[String: String]])
        #expect(previous.first?["signing_key"] == keys["signing_key"] as? String)
        #expect(try RegionKeyring.load(from: file).pairs.count == 2)
    }
}
