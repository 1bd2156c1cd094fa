import Foundation
import Testing
import TetherCore
import TetherSync

/// An account's data key crosses between regions sealed to the receiving region alone.
@Suite struct DataKeyTransportTests {
    static let eu = RegionID(rawValue: "eu")!
    static let us = RegionID(rawValue: "us")!
    static let ap = RegionID(rawValue: "ap")!
    static let account = AccountID(rawValue: "0f8fad5b-d9cb-469f-a165-70867728950e")
    static let directoryKey = try! DirectoryKey(bytes: Data(repeating: 7, count: 32))

    static func entry(_ id: RegionID, keys: RegionKeyring?) -> RegionDirectory.Region {
        RegionDirectory.Region(
            id: id,
            url: URL(string: "https://\(id).example")!,
            group: "g",
            area: [],
            keys: keys.map { $0.pairs.map(\.publicKeys) } ?? []
        )
    }

    /// The same key: one opens the other's box.
    static func same(_ one: AccountDataKey, _ other: AccountDataKey) -> Bool {
        guard let box = try? one.seal(Data("probe".utf8), context: "c") else { return false }
        return (try? other.open(box, context: "c")) == Data("probe".utf8)
    }

    @Test func aKeySealedToOneRegionOpensThereAndNowhereElse() throws {
        let euKeys = RegionKeyring(region: Self.eu, pairs: [.generate()])
        let apKeys = RegionKeyring(region: Self.ap, pairs: [.generate()])
        let home = DataKeyTransport(region: Self.us, keyring: nil, directoryKey: Self.directoryKey)
        let key = AccountDataKey.random()
        let sealed = try home.seal(key, account: Self.account, to: Self.entry(Self.eu, keys: euKeys))

        let eu = DataKeyTransport(region: Self.eu, keyring: euKeys, directoryKey: Self.directoryKey)
        #expect(Self.same(key, try eu.open(sealed, account: Self.account, from: Self.us, field: "records[0]")))
        // ap, with keys of its own, or posing as eu without eu's key file.
        let ap = DataKeyTransport(region: Self.ap, keyring: apKeys, directoryKey: Self.directoryKey)
        let notAP = #expect(throws: TetherError.self) {
            try ap.open(sealed, account: Self.account, from: Self.us, field: "records[0]")
        }
        #expect(notAP?.code == "replica_invalid")
        let posing = DataKeyTransport(
            region: Self.eu,
            keyring: RegionKeyring(region: Self.eu, pairs: [.generate()]),
            directoryKey: Self.directoryKey
        )
        #expect(throws: TetherError.self) {
            try posing.open(sealed, account: Self.account, from: Self.us, field: "records[0]")
        }
        // The shared directory key, which every region holds, does not open it either.
        let shared = DataKeyTransport(region: Self.eu, keyring: nil, directoryKey: Self.directoryKey)
        #expect(throws: TetherError.self) {
            try shared.open(sealed, account: Self.account, from: Self.us, field: "records[0]")
        }
        // Bound to its account and its sender.
        #expect(throws: TetherError.self) {
            try eu.open(sealed, account: AccountID(rawValue: "other"), from: Self.us, field: "records[0]")
        }
        #expect(throws: TetherError.self) {
            try eu.open(sealed, account: Self.account, from: Self.ap, field: "records[0]")
        }
    }

    @Test func aKeySealedToAnOlderPairStillOpensAfterARotation() throws {
        let before = RegionKeyring(region: Self.eu, pairs: [.generate()])
        let home = DataKeyTransport(region: Self.us, keyring: nil, directoryKey: Self.directoryKey)
        let key = AccountDataKey.random()
        let sealed = try home.seal(key, account: Self.account, to: Self.entry(Self.eu, keys: before))
        let after = DataKeyTransport(region: Self.eu, keyring: before.rotated(), directoryKey: Self.directoryKey)
        #expect(Self.same(key, try after.open(sealed, account: Self.account, from: Self.us, field: "records[0]")))
    }

    @Test func aRegionWithoutKeysGetsTheKeyUnderTheSharedTransportKey() throws {
        let home = DataKeyTransport(region: Self.us, keyring: nil, directoryKey: Self.directoryKey)
        let key = AccountDataKey.random()
        let sealed = try home.seal(key, account: Self.account, to: Self.entry(Self.eu, keys: nil))
        let eu = DataKeyTransport(region: Self.eu, keyring: nil, directoryKey: Self.directoryKey)
        #expect(Self.same(key, try eu.open(sealed, account: Self.account, from: Self.us, field: "records[0]")))
    }
}
