import Foundation
import Testing
import TetherCore
import TetherSync

/// A region's key file (`--region-key`): made once, rotated, and pruned to what the regions
/// file lists.
@Suite struct RegionKeyringTests {
    static let eu = RegionID(rawValue: "eu")!

    static func temporaryFile() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("tether-key-\(UUID().uuidString)")
            .appendingPathComponent("eu.region-key")
    }

    @Test func theFileReadsBackTheSameKeysAndOnlyItsOwnerMayReadIt() throws {
        let file = Self.temporaryFile()
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        let keyring = RegionKeyring(region: Self.eu, pairs: [.generate()]).rotated()
        try keyring.write(to: file)
        let read = try RegionKeyring.load(from: file)
        #expect(read.region == Self.eu)
        #expect(read.pairs.map(\.publicKeys) == keyring.pairs.map(\.publicKeys))
        let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func aMissingOrBrokenFileNamesTheSetting() throws {
        let file = Self.temporaryFile()
        #expect(throws: TetherError.self) { try RegionKeyring.load(from: file) }
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        try Data(#"{"region": "eu", "keys": [{"signing_key": "c2hvcnQ=", "hpke_key": "c2hvcnQ="}]}"#.utf8).write(
            to: file
        )
        let error = #expect(throws: TetherError.self) { try RegionKeyring.load(from: file) }
        #expect(error?.field == "region-key")
    }

    @Test func aRotationKeepsTheOlderKeysUntilTheRegionsFileDropsThem() throws {
        let first = RegionKeyring(region: Self.eu, pairs: [.generate()])
        let rotated = first.rotated()
        #expect(rotated.pairs.count == 2)
        #expect(rotated.current.publicKeys != first.current.publicKeys)
        #expect(rotated.pairs[1].publicKeys == first.current.publicKeys)
        // Listed: both stay. Listed no more: only the newest stays, whatever the file lists.
        #expect(rotated.keeping(listed: rotated.pairs.map(\.publicKeys)).pairs.count == 2)
        let pruned = rotated.keeping(listed: [rotated.current.publicKeys])
        #expect(pruned.pairs.map(\.publicKeys) == [rotated.current.publicKeys])
        #expect(rotated.keeping(listed: []).pairs.map(\.publicKeys) == [rotated.current.publicKeys])
    }

    @Test func theListingIsWhatTheRegionsFileReads() throws {
        let keyring = RegionKeyring(region: Self.eu, pairs: [.generate()]).rotated()
        let listing = try #require(
            try JSONSerialization.jsonObject(with: Data(keyring.listingJSON.utf8)) as? [String: Any]
        )
        let entry: [String: Any] = [
            "id": "eu", "url": "https://eu.tether.example", "group": "eu",
        ].merging(listing) { _, new in new }
        let document: [String: Any] = [
            "directory_key": Data(repeating: 7, count: 32).base64EncodedString(), "regions": [entry],
        ]
        let directory = try RegionDirectory.decode(try JSONSerialization.data(withJSONObject: document))
        #expect(directory.regions[0].keys == keyring.pairs.map(\.publicKeys))
    }

    @Test func theDefaultFileLiesBesideTheDataDirectory() {
        let file = RegionKeyring.defaultFile(
            dataDirectory: URL(fileURLWithPath: "/srv/tether/data/", isDirectory: true)
        )
        #expect(file.path == "/srv/tether/data.region-key")
    }

    @Test(arguments: [
        (#""signing_key": "AAAA""#, "regions[0].signing_key"),
        (#""hpke_key": "AAAA""#, "regions[0].hpke_key"),
        (#""signing_key": "not base64!""#, "regions[0].signing_key"),
    ])
    func aBadKeyInTheRegionsFileNamesItsField(fields: String, field: String) throws {
        let keys = RegionKeyring(region: Self.eu, pairs: [.generate()]).current.publicKeys.entryFields
        var entry = #""id": "eu", "url": "https://eu.example", "group": "eu""#
        let signing = fields.hasPrefix(#""signing_key""#) ? fields : #""signing_key": "\#(keys["signing_key"]!)""#
        let hpke = fields.hasPrefix(#""hpke_key""#) ? fields : #""hpke_key": "\#(keys["hpke_key"]!)""#
        entry += ", \(signing), \(hpke)"
        let text =
            #"{"directory_key": "\#(Data(repeating: 7, count: 32).base64EncodedString())", "regions": [{\#(entry)}]}"#
        let error = #expect(throws: TetherError.self) { try RegionDirectory.decode(Data(text.utf8)) }
        #expect(error?.field == field, "\(String(describing: error))")
    }
}
